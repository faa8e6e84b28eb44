package watch

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
)

// The commands of continuous surveillance (watch):
//
//   - watch.group.put: a camera group is created or replaced, whole (its ID
//     and creation time chosen before).
//   - watch.group.delete: a camera group is deleted.
//   - watch.assignment.add: an officer is assigned to camera groups for a
//     shift or an explicit period.
//   - watch.assignment.remove: a watch assignment is removed.
//   - watch.auto: the automatic assignments of a unit's shift are replaced
//     by a spread chosen before (manual assignments stay).
//   - watch.cameras.seen: cameras the hub sees for the first time are
//     dated (a camera already dated keeps its date).
func init() {
	command.Register(GroupPut{}, GroupDeleted{}, AssignmentAdded{}, AssignmentRemoved{}, AutoAssigned{}, CamerasSeen{})
}

// GroupPut creates or replaces a group.
type GroupPut struct {
	Group Group     `json:"group"`
	At    time.Time `json:"at"`
}

// GroupDeleted deletes a group.
type GroupDeleted struct {
	ID string    `json:"id"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// AssignmentAdded stores a new assignment (ID, creation time, author in it).
type AssignmentAdded struct {
	Assignment Assignment `json:"assignment"`
}

// AssignmentRemoved removes an assignment.
type AssignmentRemoved struct {
	ID string    `json:"id"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// AutoAssigned replaces the automatic assignments of a unit's shift with
// the spread it carries.
type AutoAssigned struct {
	Unit        string       `json:"unit"`
	Shift       string       `json:"shift"`
	Assignments []Assignment `json:"assignments"`
	By          string       `json:"by"`
	At          time.Time    `json:"at"`
}

// SeenCamera is a camera and when the hub first saw it (zero: before any check).
type SeenCamera struct {
	Camera CameraRef `json:"camera"`
	At     time.Time `json:"at"`
}

// CamerasSeen dates cameras seen for the first time.
type CamerasSeen struct {
	Cameras []SeenCamera `json:"cameras"`
}

// CommandKind names the command.
func (GroupPut) CommandKind() string { return "watch.group.put" }

// CommandKind names the command.
func (GroupDeleted) CommandKind() string { return "watch.group.delete" }

// CommandKind names the command.
func (AssignmentAdded) CommandKind() string { return "watch.assignment.add" }

// CommandKind names the command.
func (AssignmentRemoved) CommandKind() string { return "watch.assignment.remove" }

// CommandKind names the command.
func (AutoAssigned) CommandKind() string { return "watch.auto" }

// CommandKind names the command.
func (CamerasSeen) CommandKind() string { return "watch.cameras.seen" }

// Apply applies one of the package's commands in one transaction.
func (s *Store) Apply(c command.Command) error {
	return s.db.Badger().Update(func(txn *badger.Txn) error {
		switch c := c.(type) {
		case GroupPut:
			return store.SetJSON(txn, groupPrefix+c.Group.ID, c.Group)
		case GroupDeleted:
			return txn.Delete([]byte(groupPrefix + c.ID))
		case AssignmentAdded:
			return store.SetJSON(txn, assignPrefix+c.Assignment.ID, c.Assignment)
		case AssignmentRemoved:
			return txn.Delete([]byte(assignPrefix + c.ID))
		case AutoAssigned:
			return applyAuto(txn, c)
		case CamerasSeen:
			for _, sc := range c.Cameras {
				key := []byte(seenPrefix + sc.Camera.String())
				if _, err := txn.Get(key); err == nil {
					continue
				} else if !errors.Is(err, badger.ErrKeyNotFound) {
					return err
				}
				if err := store.SetJSON(txn, string(key), sc.At); err != nil {
					return err
				}
			}
			return nil
		}
		return fmt.Errorf("%w: %s is not a watch command", command.ErrUnknownKind, c.CommandKind())
	})
}

// applyAuto deletes the unit's shift's automatic assignments and stores the new ones.
func applyAuto(txn *badger.Txn, c AutoAssigned) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(assignPrefix), PrefetchValues: true})
	var stale [][]byte
	for it.Rewind(); it.Valid(); it.Next() {
		var a Assignment
		err := it.Item().Value(func(raw []byte) error { return json.Unmarshal(raw, &a) })
		if err != nil {
			it.Close()
			return fmt.Errorf("decode %s: %w", it.Item().Key(), err)
		}
		if a.Auto && a.Unit == c.Unit && a.Shift == c.Shift {
			stale = append(stale, it.Item().KeyCopy(nil))
		}
	}
	it.Close()
	for _, k := range stale {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	for _, a := range c.Assignments {
		if err := store.SetJSON(txn, assignPrefix+a.ID, a); err != nil {
			return err
		}
	}
	return nil
}
