package photos

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
)

const recPrefix = "photo/"

// The command of the photos domain, applied by Store.Apply in one Badger
// transaction:
//
//	photos.store  Stored: a photo's record (who sent it, from which unit, its type and size);
//	              its file was written and fsync'd before the command was made

// Stored records a photo whose file is on disk.
type Stored struct {
	Photo Photo `json:"photo"`
}

// CommandKind names the command.
func (Stored) CommandKind() string { return "photos.store" }

func init() { command.Register(Stored{}) }

// Apply applies the domain's command; a photo recorded already keeps its
// first record.
func (s *Store) Apply(c command.Command) error {
	st, ok := c.(Stored)
	if !ok {
		return fmt.Errorf("photos: not a photos command: %s", c.CommandKind())
	}
	if !idRE.MatchString(st.Photo.ID) {
		return fmt.Errorf("%w: %q", ErrUnknown, st.Photo.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.Badger().Update(func(txn *badger.Txn) error {
		key := []byte(recPrefix + st.Photo.ID)
		if _, err := txn.Get(key); err == nil {
			return nil
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		data, err := json.Marshal(st.Photo)
		if err != nil {
			return err
		}
		return txn.Set(key, data)
	})
}
