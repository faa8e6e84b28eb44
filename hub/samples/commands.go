package samples

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
)

// The commands of random-sample checking (samples):
//
//   - samples.list.import: an imported list is stored whole, with the seed
//     of its draw and its drawn tasks and their officers (all chosen
//     before).
//   - samples.task.done: a task of a list is closed with its result.
func init() {
	command.Register(ListImported{}, TaskDone{})
}

// ListImported stores an imported list with its draw.
type ListImported struct {
	List List `json:"list"`
}

// TaskDone closes task N of a list.
type TaskDone struct {
	List   string    `json:"list"`
	N      int       `json:"n"`
	Result string    `json:"result"`
	Note   string    `json:"note,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// CommandKind names the command.
func (ListImported) CommandKind() string { return "samples.list.import" }

// CommandKind names the command.
func (TaskDone) CommandKind() string { return "samples.task.done" }

// Apply applies one of the package's commands in one transaction.
func (s *Store) Apply(c command.Command) error {
	return s.db.Badger().Update(func(txn *badger.Txn) error {
		switch c := c.(type) {
		case ListImported:
			return store.SetJSON(txn, listPrefix+c.List.ID, c.List)
		case TaskDone:
			key := []byte(listPrefix + c.List)
			item, err := txn.Get(key)
			if errors.Is(err, badger.ErrKeyNotFound) {
				return fmt.Errorf("%w: list %s", ErrUnknown, c.List)
			} else if err != nil {
				return err
			}
			var l List
			if err := item.Value(func(raw []byte) error { return json.Unmarshal(raw, &l) }); err != nil {
				return fmt.Errorf("decode list %s: %w", c.List, err)
			}
			if c.N < 1 || c.N > len(l.Tasks) {
				return fmt.Errorf("%w: task %d of list %s", ErrUnknown, c.N, c.List)
			}
			t := &l.Tasks[c.N-1]
			if t.Result != "" {
				return fmt.Errorf("%w: task %d of list %s", ErrDone, c.N, c.List)
			}
			t.Result, t.Note, t.Done, t.DoneBy = c.Result, c.Note, c.At, c.By
			return store.SetJSON(txn, string(key), l)
		}
		return fmt.Errorf("%w: %s is not a samples command", command.ErrUnknownKind, c.CommandKind())
	})
}
