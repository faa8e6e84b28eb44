package watch

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/fleet"
	"fieldwatch/hub/store"
)

// Key prefixes of this package.
const (
	groupPrefix  = "watchgrp/"
	assignPrefix = "watchasg/"
	seenPrefix   = "watchcam/" // vehicle/camera -> when the hub first saw it
)

// Store keeps groups, assignments and when each camera first appeared.
type Store struct {
	db  *store.DB
	now func() time.Time
	mu  sync.Mutex // serialises read-modify-write
}

// New returns the store on db; now nil = time.Now.
func New(db *store.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

func newID(prefix string) string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// PutGroup creates (empty ID) or replaces a group.
func (s *Store) PutGroup(g Group) (Group, error) {
	if err := g.Validate(); err != nil {
		return g, err
	}
	if g.ID == "" {
		g.ID = newID("nh-")
		g.Created = s.now()
	}
	if err := s.db.Put(groupPrefix+g.ID, g, 0); err != nil {
		return g, fmt.Errorf("watch: put group %s: %w", g.ID, err)
	}
	return g, nil
}

// Group returns one group.
func (s *Store) Group(id string) (Group, error) {
	var g Group
	if err := s.db.Get(groupPrefix+id, &g); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return g, fmt.Errorf("%w: group %s", ErrUnknown, id)
		}
		return g, fmt.Errorf("watch: group %s: %w", id, err)
	}
	return g, nil
}

// DeleteGroup removes a group (assignments naming it then resolve it to nothing).
func (s *Store) DeleteGroup(id string) error {
	if _, err := s.Group(id); err != nil {
		return err
	}
	return s.db.Delete(groupPrefix + id)
}

// Groups lists the groups keep accepts, by unit then name.
func (s *Store) Groups(keep func(Group) bool) ([]Group, error) {
	all, err := store.List[Group](s.db, groupPrefix)
	if err != nil {
		return nil, fmt.Errorf("watch: groups: %w", err)
	}
	out := []Group{}
	for _, g := range all {
		if keep == nil || keep(g) {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b Group) int {
		if a.Unit != b.Unit {
			return strings.Compare(a.Unit, b.Unit)
		}
		return strings.Compare(a.Name+a.ID, b.Name+b.ID)
	})
	return out, nil
}

// AddAssignment stores a new assignment.
func (s *Store) AddAssignment(a Assignment) (Assignment, error) {
	if err := a.Validate(); err != nil {
		return a, err
	}
	a.ID, a.Created = newID("pc-"), s.now()
	if err := s.db.Put(assignPrefix+a.ID, a, 0); err != nil {
		return a, fmt.Errorf("watch: add assignment: %w", err)
	}
	return a, nil
}

// Assignment returns one assignment.
func (s *Store) Assignment(id string) (Assignment, error) {
	var a Assignment
	if err := s.db.Get(assignPrefix+id, &a); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return a, fmt.Errorf("%w: assignment %s", ErrUnknown, id)
		}
		return a, fmt.Errorf("watch: assignment %s: %w", id, err)
	}
	return a, nil
}

// DeleteAssignment removes an assignment.
func (s *Store) DeleteAssignment(id string) error {
	if _, err := s.Assignment(id); err != nil {
		return err
	}
	return s.db.Delete(assignPrefix + id)
}

// Assignments lists the assignments overlapping period that keep accepts
// (nil: all), by start then officer.
func (s *Store) Assignments(period Interval, keep func(Assignment) bool) ([]Assignment, error) {
	all, err := store.List[Assignment](s.db, assignPrefix)
	if err != nil {
		return nil, fmt.Errorf("watch: assignments: %w", err)
	}
	out := []Assignment{}
	for _, a := range all {
		if a.Period().Overlaps(period) && (keep == nil || keep(a)) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b Assignment) int {
		if c := a.From.Compare(b.From); c != 0 {
			return c
		}
		return strings.Compare(a.Officer+a.ID, b.Officer+b.ID)
	})
	return out, nil
}

// ReplaceAuto replaces the automatic assignments of unit's shift with
// fresh ones, in one transaction; manual assignments stay.
func (s *Store) ReplaceAuto(unit, shift string, fresh []Assignment) ([]Assignment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.Assignments(Interval{time.Time{}, time.Unix(1<<40, 0)}, func(a Assignment) bool {
		return a.Auto && a.Unit == unit && a.Shift == shift
	})
	if err != nil {
		return nil, err
	}
	now := s.now()
	for i := range fresh {
		fresh[i].ID, fresh[i].Created, fresh[i].Auto, fresh[i].Unit, fresh[i].Shift = newID("pc-"), now, true, unit, shift
		if err := fresh[i].Validate(); err != nil {
			return nil, err
		}
	}
	err = s.db.Badger().Update(func(txn *badger.Txn) error {
		for _, a := range old {
			if err := txn.Delete([]byte(assignPrefix + a.ID)); err != nil {
				return err
			}
		}
		for _, a := range fresh {
			raw, err := json.Marshal(a)
			if err != nil {
				return err
			}
			if err := txn.Set([]byte(assignPrefix+a.ID), raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("watch: replace automatic assignments of %s %s: %w", unit, shift, err)
	}
	return fresh, nil
}

// NoteCameras records when each camera of the fleet was first seen and
// returns every camera's time. The first call on an empty register dates
// the cameras already there to the zero time (they predate any check).
func (s *Store) NoteCameras(vehicles []fleet.Vehicle) (map[CameraRef]time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[CameraRef]time.Time{}
	err := s.db.Each(seenPrefix, func(key string, raw []byte) error {
		var t time.Time
		if err := json.Unmarshal(raw, &t); err != nil {
			return fmt.Errorf("decode %s: %w", key, err)
		}
		if ref, ok := ParseCameraRef(key[len(seenPrefix):]); ok {
			out[ref] = t
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("watch: cameras seen: %w", err)
	}
	first := len(out) == 0
	var at time.Time
	if !first {
		at = s.now()
	}
	err = s.db.Badger().Update(func(txn *badger.Txn) error {
		for _, v := range vehicles {
			for _, c := range v.Cameras {
				ref := CameraRef{v.ID, c.ID}
				if _, ok := out[ref]; ok {
					continue
				}
				raw, _ := json.Marshal(at)
				if err := txn.Set([]byte(seenPrefix+ref.String()), raw); err != nil {
					return err
				}
				out[ref] = at
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("watch: note cameras: %w", err)
	}
	return out, nil
}
