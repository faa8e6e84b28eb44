package watch

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/store"
	"fieldwatch/internal/ids"
)

// Key prefixes of this package.
const (
	groupPrefix  = "watchgrp/"
	assignPrefix = "watchasg/"
	seenPrefix   = "watchcam/" // vehicle/camera -> when the hub first saw it
)

// Store keeps groups, assignments and when each camera first appeared.
// Reads go straight to the database; every write is a command handed to
// the submitter, which sees it applied (Apply).
type Store struct {
	db     *store.DB
	now    func() time.Time
	submit command.Submitter
	mu     sync.Mutex // serialises read-decide-submit
}

// Params build a Store.
type Params struct {
	DB *store.DB
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// Submit sees each command applied; nil = applied at once to this store.
	Submit command.Submitter
}

// Open returns the store of p.
func Open(p Params) *Store {
	if p.Now == nil {
		p.Now = time.Now
	}
	s := &Store{db: p.DB, now: p.Now, submit: p.Submit}
	if s.submit == nil {
		s.submit = command.Local(s)
	}
	return s
}

// New returns the store on db, applying its commands locally; now nil = time.Now.
func New(db *store.DB, now func() time.Time) *Store {
	return Open(Params{DB: db, Now: now})
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// PutGroup creates (empty ID) or replaces a group.
func (s *Store) PutGroup(g Group) (Group, error) {
	if err := g.Validate(); err != nil {
		return g, err
	}
	now := s.now()
	if g.ID == "" {
		g.ID = ids.New()
		g.Created = now
	}
	if err := s.submit.Submit(GroupPut{Group: g, At: now}); err != nil {
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
func (s *Store) DeleteGroup(id, by string) error {
	if _, err := s.Group(id); err != nil {
		return err
	}
	return s.submit.Submit(GroupDeleted{ID: id, By: by, At: s.now()})
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
	a.ID, a.Created = ids.New(), s.now()
	if err := s.submit.Submit(AssignmentAdded{Assignment: a}); err != nil {
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
func (s *Store) DeleteAssignment(id, by string) error {
	if _, err := s.Assignment(id); err != nil {
		return err
	}
	return s.submit.Submit(AssignmentRemoved{ID: id, By: by, At: s.now()})
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
// fresh ones (a spread by), in one transaction; manual assignments stay.
func (s *Store) ReplaceAuto(unit, shift, by string, fresh []Assignment) ([]Assignment, error) {
	now := s.now()
	fresh = slices.Clone(fresh)
	for i := range fresh {
		fresh[i].ID, fresh[i].Created, fresh[i].Auto, fresh[i].Unit, fresh[i].Shift = ids.New(), now, true, unit, shift
		if fresh[i].By == "" {
			fresh[i].By = by
		}
		if err := fresh[i].Validate(); err != nil {
			return nil, err
		}
	}
	if err := s.submit.Submit(AutoAssigned{Unit: unit, Shift: shift, Assignments: fresh, By: by, At: now}); err != nil {
		return nil, fmt.Errorf("watch: replace automatic assignments of %s %s: %w", unit, shift, err)
	}
	return fresh, nil
}

// seen reads when each camera was first seen.
func (s *Store) seen() (map[CameraRef]time.Time, error) {
	out := map[CameraRef]time.Time{}
	err := s.db.Each(seenPrefix, func(key string, raw []byte) error {
		var t time.Time
		if err := t.UnmarshalJSON(raw); err != nil {
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
	return out, nil
}

// NoteCameras records when each camera of the fleet was first seen and
// returns every camera's time. The first call on an empty register dates
// the cameras already there to the zero time (they predate any check).
func (s *Store) NoteCameras(vehicles []fleet.Vehicle) (map[CameraRef]time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := s.seen()
	if err != nil {
		return nil, err
	}
	var at time.Time
	if len(out) > 0 {
		at = s.now()
	}
	var fresh []SeenCamera
	for _, v := range vehicles {
		for _, c := range v.Cameras {
			ref := CameraRef{v.ID, c.ID}
			if _, ok := out[ref]; !ok {
				fresh = append(fresh, SeenCamera{Camera: ref, At: at})
				out[ref] = at
			}
		}
	}
	if len(fresh) == 0 {
		return out, nil
	}
	if err := s.submit.Submit(CamerasSeen{Cameras: fresh}); err != nil {
		return nil, fmt.Errorf("watch: note cameras: %w", err)
	}
	return out, nil
}
