package rosters

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
	"fieldwatch/hub/roster"
	"fieldwatch/hub/store"
)

// Store keeps the rosters. Its writes decide a command under its lock
// (checking it against the current state) and submit it; Apply applies
// each command in one transaction.
type Store struct {
	db     *store.DB
	now    func() time.Time
	submit command.Submitter
	mu     sync.Mutex // serialises deciding a write against the state it reads
}

// StoreParams build a Store.
type StoreParams struct {
	DB *store.DB
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// Submitter takes the store's commands; nil = applied at once, here.
	Submitter command.Submitter
}

// NewStore returns the roster store.
func NewStore(p StoreParams) *Store {
	s := &Store{db: p.DB, now: p.Now, submit: p.Submitter}
	if s.now == nil {
		s.now = time.Now
	}
	if s.submit == nil {
		s.submit = command.Local(s)
	}
	return s
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Get returns one roster.
func (s *Store) Get(id string) (Roster, error) {
	var r Roster
	if err := s.db.Get(Key(id), &r); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return r, fmt.Errorf("%w: roster %s", ErrNotFound, id)
		}
		return r, err
	}
	return r, nil
}

// List returns every roster.
func (s *Store) List() ([]Roster, error) { return store.List[Roster](s.db, keyPrefix) }

// Create stores a generated draft.
func (s *Store) Create(r Roster) error {
	if r.Overrides == nil {
		r.Overrides = []Override{}
	}
	return s.submit.Submit(Generated{Roster: r})
}

// Publish publishes a roster as by.
func (s *Store) Publish(id, by string) (Roster, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.Get(id); err != nil {
		return Roster{}, err
	}
	if err := s.submit.Submit(Published{ID: id, By: by, At: s.now()}); err != nil {
		return Roster{}, err
	}
	return s.Get(id)
}

// Propose adds a swap or replacement by by, pending a leader's decision;
// one that would not hold if approved is refused.
func (s *Store) Propose(id string, ov roster.Override, by, note string) (Override, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.Get(id)
	if err != nil {
		return Override{}, err
	}
	ov.Approved, ov.Rejected = true, false
	if _, err := r.Roster.Apply([]roster.Override{ov}); err != nil { // would it hold if approved?
		return Override{}, fmt.Errorf("%w: %v", ErrConflict, err)
	}
	ov.Approved = false
	o := Override{Override: ov, N: len(r.Overrides) + 1, By: by, Proposed: s.now(), Note: strings.TrimSpace(note)}
	if err := s.submit.Submit(OverrideProposed{Roster: id, Override: o}); err != nil {
		return Override{}, err
	}
	return o, nil
}

// Decide approves or rejects override n as by; a decided override stays
// as it is, and a decision that would break the roster is refused.
func (s *Store) Decide(id string, n int, approve bool, by, note string) (Roster, Override, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.Get(id)
	if err != nil {
		return r, Override{}, err
	}
	cmd := OverrideDecided{Roster: id, N: n, Approve: approve, By: by, At: s.now(), Note: strings.TrimSpace(note)}
	if err := decide(&r, cmd); err != nil {
		return r, Override{}, err
	}
	if _, err := r.Effective(); err != nil { // the roster changed since: refuse rather than store a broken one
		return r, Override{}, fmt.Errorf("%w: %v", ErrConflict, err)
	}
	if err := s.submit.Submit(cmd); err != nil {
		return r, Override{}, err
	}
	r, err = s.Get(id)
	if err != nil {
		return r, Override{}, err
	}
	i := slices.IndexFunc(r.Overrides, func(o Override) bool { return o.N == n })
	return r, r.Overrides[i], nil
}

// decide applies a decision to r.
func decide(r *Roster, c OverrideDecided) error {
	i := slices.IndexFunc(r.Overrides, func(o Override) bool { return o.N == c.N })
	if i < 0 {
		return fmt.Errorf("%w: override %d", ErrNotFound, c.N)
	}
	o := &r.Overrides[i]
	if !o.Decided.IsZero() {
		return fmt.Errorf("%w: override #%d is already decided", ErrConflict, c.N)
	}
	o.Decided, o.DecidedBy, o.Note = c.At, c.By, c.Note
	o.Approved, o.Rejected = c.Approve, !c.Approve
	return nil
}

// Reminded reports whether officer was reminded of the shift at start.
func (s *Store) Reminded(rosterID, officer string, start time.Time) (bool, error) {
	var at time.Time
	err := s.db.Get(reminderKey(rosterID, officer, start), &at)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Remind records that officer was reminded of the shift at start.
func (s *Store) Remind(rosterID, officer string, start time.Time) error {
	return s.submit.Submit(ReminderSent{Roster: rosterID, Officer: officer, Start: start, At: s.now()})
}

// Apply applies one of the domain's commands in one transaction.
func (s *Store) Apply(c command.Command) error {
	switch c := c.(type) {
	case Generated:
		return s.txn(func(txn *badger.Txn) error {
			if _, err := txn.Get([]byte(Key(c.Roster.ID))); err == nil {
				return nil // already applied
			}
			return store.SetJSON(txn, Key(c.Roster.ID), c.Roster)
		})
	case Published:
		return s.update(c.ID, func(r *Roster) error {
			r.Published, r.PublishedBy, r.Roster.Published = c.At, c.By, true
			return nil
		})
	case OverrideProposed:
		return s.update(c.Roster, func(r *Roster) error {
			if slices.ContainsFunc(r.Overrides, func(o Override) bool { return o.N == c.Override.N }) {
				return nil // already applied
			}
			r.Overrides = append(r.Overrides, c.Override)
			return nil
		})
	case OverrideDecided:
		return s.update(c.Roster, func(r *Roster) error {
			i := slices.IndexFunc(r.Overrides, func(o Override) bool { return o.N == c.N })
			if i >= 0 && r.Overrides[i].Decided.Equal(c.At) && r.Overrides[i].DecidedBy == c.By {
				return nil // already applied
			}
			return decide(r, c)
		})
	case ReminderSent:
		return s.txn(func(txn *badger.Txn) error {
			return store.SetJSON(txn, reminderKey(c.Roster, c.Officer, c.Start), c.At)
		})
	}
	return fmt.Errorf("%w: %s", command.ErrUnknownKind, c.CommandKind())
}

func (s *Store) txn(fn func(*badger.Txn) error) error { return s.db.Badger().Update(fn) }

// update reads a roster, changes it and writes it back in one transaction.
func (s *Store) update(id string, fn func(*Roster) error) error {
	return s.txn(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(Key(id)))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("%w: roster %s", ErrNotFound, id)
		} else if err != nil {
			return err
		}
		var r Roster
		if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &r) }); err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
		return store.SetJSON(txn, Key(id), r)
	})
}
