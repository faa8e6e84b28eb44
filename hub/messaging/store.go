package messaging

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
)

// Store keeps the instruction records and the senders' client ids; it
// changes only by applying the domain's commands.
type Store struct {
	db *store.DB
	mu sync.Mutex // serialises Apply: each command reads, then writes
}

const (
	recPrefix    = "ins/"
	clientPrefix = "insc/"
	outboxPrefix = "mq/out/"
	inboxPrefix  = "mq/in/"
)

// clientTTL is how long a client id keeps a retried send from sending twice.
const clientTTL = 30 * 24 * time.Hour

// NewStore returns the store of instructions on the hub database.
func NewStore(db *store.DB) *Store { return &Store{db: db} }

func clientKey(user, clientID string) string { return clientPrefix + user + "/" + clientID }

// Get returns one instruction.
func (s *Store) Get(id string) (Instruction, error) {
	var in Instruction
	if err := s.db.Get(recPrefix+id, &in); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return in, fmt.Errorf("%w: %q", ErrUnknown, id)
		}
		return in, err
	}
	return in, nil
}

// List returns the instructions keep selects, newest first, at most limit (0 = all).
func (s *Store) List(keep func(*Instruction) bool, limit int) ([]Instruction, error) {
	all, err := store.List[Instruction](s.db, recPrefix)
	if err != nil {
		return nil, fmt.Errorf("messaging: %w", err)
	}
	out := []Instruction{}
	for i := len(all) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		if keep(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// byClientID returns the id of the instruction user sent with clientID.
func (s *Store) byClientID(user, clientID string) (string, bool) {
	var id string
	return id, s.db.Get(clientKey(user, clientID), &id) == nil
}

// Apply applies one of the domain's commands in one transaction.
func (s *Store) Apply(c command.Command) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.db.Badger().Update(func(txn *badger.Txn) error {
		switch c := c.(type) {
		case InstructionSent:
			return applySent(txn, c.Instruction, c.ClientID)
		case NoticeSent:
			return applySent(txn, c.Instruction, c.ClientID)
		case Queued:
			return applyQueued(txn, c)
		case ReceiptGiven:
			return applyReceipt(txn, c)
		case Escalated:
			return applyEscalated(txn, c)
		default:
			return fmt.Errorf("messaging: not a messaging command: %s", c.CommandKind())
		}
	})
	return err
}

func applySent(txn *badger.Txn, in Instruction, clientID string) error {
	if clientID != "" {
		if _, err := txn.Get([]byte(clientKey(in.From, clientID))); err == nil {
			return nil // a retried send: the first one stands
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
	}
	var old Instruction
	if ok, err := store.GetJSON(txn, recPrefix+in.ID, &old); err != nil || ok {
		return err // applied already
	}
	if err := setJSON(txn, badger.NewEntry([]byte(recPrefix+in.ID), nil), in); err != nil {
		return err
	}
	if clientID == "" {
		return nil
	}
	e := badger.NewEntry([]byte(clientKey(in.From, clientID)), nil)
	e.ExpiresAt = uint64(in.Created.Add(clientTTL).Unix())
	return setJSON(txn, e, in.ID)
}

func applyQueued(txn *badger.Txn, c Queued) error {
	return updateIn(txn, c.Instruction, func(in *Instruction) (bool, error) {
		changed := false
		for i := range in.To {
			if in.To[i].Vehicle == c.Vehicle && in.To[i].Seq != c.Seq {
				in.To[i].Seq, changed = c.Seq, true
			}
		}
		return changed, nil
	})
}

func applyReceipt(txn *badger.Txn, c ReceiptGiven) error {
	return updateIn(txn, c.Instruction, func(in *Instruction) (bool, error) {
		found, changed := false, false
		for i := range in.To {
			if c.Vehicle != "" && in.To[i].Vehicle == c.Vehicle || c.Vehicle == "" && in.To[i].User == c.User {
				found = true
				changed = in.To[i].advance(c.State, c.At, c.By) || changed
			}
		}
		if !found {
			return false, fmt.Errorf("%w: %s is not addressed to %s%s", ErrUnknown, c.Instruction, c.Vehicle, c.User)
		}
		return changed, nil
	})
}

func applyEscalated(txn *badger.Txn, c Escalated) error {
	return updateIn(txn, c.Instruction, func(in *Instruction) (bool, error) {
		if !in.Escalated.IsZero() {
			return false, nil
		}
		in.Escalated, in.EscalatedTo = c.At, c.To
		return true, nil
	})
}

// updateIn applies fn to a stored instruction inside txn; fn says whether
// it changed it.
func updateIn(txn *badger.Txn, id string, fn func(*Instruction) (bool, error)) error {
	var in Instruction
	ok, err := store.GetJSON(txn, recPrefix+id, &in)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	changed, err := fn(&in)
	if err != nil || !changed {
		return err
	}
	return setJSON(txn, badger.NewEntry([]byte(recPrefix+id), nil), in)
}

func setJSON(txn *badger.Txn, e *badger.Entry, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	e.Value = data
	return txn.SetEntry(e)
}
