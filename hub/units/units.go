// Package units keeps the hub's organisation tree: General Department >
// Department > Branch > Team, to any depth, with level names that are
// configuration, not code (the customs organisation is reorganised from
// time to time). Everything a user may see or do is scoped to a subtree of
// this tree; Within is the question every access check asks.
package units

import (
	"fmt"
	"regexp"
	"sort"
	"sync"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/internal/errkind"
)

// Errors. An unknown unit named in a request is an invalid request.
var (
	ErrUnknown = errkind.New(errkind.Invalid, "invalid", "units: unknown unit")
	ErrInvalid = errkind.New(errkind.Invalid, "invalid", "units: invalid unit")
	ErrInUse   = errkind.New(errkind.Conflict, "conflict", "units: unit still has sub-units")
	// ErrExists: a unit to create is there already.
	ErrExists = errkind.New(errkind.Conflict, "conflict", "conflict")
)

// Unit is one node of the tree. Parent is empty for a root.
type Unit struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
}

// DefaultLevels name the depths of the tree, root first.
var DefaultLevels = []string{"Tổng cục", "Cục", "Chi cục", "Đội"}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Tree is the unit tree, cached in memory and stored in the hub database.
type Tree struct {
	db     *store.DB
	levels []string
	sub    command.Submitter
	now    func() time.Time

	mu    sync.RWMutex
	units map[string]Unit
}

const prefix = "unit/"

// Option configures Open.
type Option func(*Tree)

// WithSubmitter hands the tree's commands to s (default: applied to the
// tree at once).
func WithSubmitter(s command.Submitter) Option { return func(t *Tree) { t.sub = s } }

// WithClock sets the clock commands are dated by (default time.Now).
func WithClock(now func() time.Time) Option { return func(t *Tree) { t.now = now } }

// Open loads the tree; levels name its depths (nil = DefaultLevels).
func Open(db *store.DB, levels []string, opts ...Option) (*Tree, error) {
	if len(levels) == 0 {
		levels = DefaultLevels
	}
	all, err := store.List[Unit](db, prefix)
	if err != nil {
		return nil, fmt.Errorf("units: load: %w", err)
	}
	t := &Tree{db: db, levels: levels, now: time.Now, units: make(map[string]Unit, len(all))}
	for _, u := range all {
		t.units[u.ID] = u
	}
	for _, o := range opts {
		o(t)
	}
	if t.sub == nil {
		t.sub = command.Local(t)
	}
	return t, nil
}

// Put creates or renames a unit, or moves it under another parent, for by. A move
// that would make a unit its own ancestor is refused.
func (t *Tree) Put(u Unit, by string) error {
	if !idRE.MatchString(u.ID) {
		return fmt.Errorf("%w: id %q (lower-case letters, digits, '.', '-' and '_')", ErrInvalid, u.ID)
	}
	if u.Name == "" || len(u.Name) > 200 {
		return fmt.Errorf("%w: %s needs a name of at most 200 bytes", ErrInvalid, u.ID)
	}
	return t.sub.Submit(PutCmd{Unit: u, By: by, At: t.now().UTC()})
}

// Delete removes a unit without sub-units for by. The caller checks that
// no account or vehicle still belongs to it.
func (t *Tree) Delete(id, by string) error {
	return t.sub.Submit(DeleteCmd{ID: id, By: by, At: t.now().UTC()})
}

// Apply applies one of the tree's commands: a write of one record, then
// the cached tree. What is refused depends only on the tree.
func (t *Tree) Apply(c command.Command) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch c := c.(type) {
	case PutCmd:
		return t.putLocked(c.Unit)
	case DeleteCmd:
		return t.deleteLocked(c.ID)
	}
	return fmt.Errorf("units: %s is not a command of this domain", c.CommandKind())
}

func (t *Tree) putLocked(u Unit) error {
	if u.Parent != "" {
		if _, ok := t.units[u.Parent]; !ok {
			return fmt.Errorf("%w: parent %q of %s", ErrUnknown, u.Parent, u.ID)
		}
		for p := u.Parent; p != ""; p = t.units[p].Parent {
			if p == u.ID {
				return fmt.Errorf("%w: %s cannot be placed under its own sub-unit %s", ErrInvalid, u.ID, u.Parent)
			}
		}
	}
	if err := t.db.Put(prefix+u.ID, u, 0); err != nil {
		return fmt.Errorf("units: %w", err)
	}
	t.units[u.ID] = u
	return nil
}

func (t *Tree) deleteLocked(id string) error {
	if _, ok := t.units[id]; !ok {
		return fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	// The sub-unit named is the first by ID, so the answer is the same on every hub.
	var subs []string
	for _, u := range t.units {
		if u.Parent == id {
			subs = append(subs, u.ID)
		}
	}
	if len(subs) > 0 {
		sort.Strings(subs)
		return fmt.Errorf("%w: %s has %s under it", ErrInUse, id, subs[0])
	}
	if err := t.db.Delete(prefix + id); err != nil {
		return fmt.Errorf("units: %w", err)
	}
	delete(t.units, id)
	return nil
}

// Get returns one unit.
func (t *Tree) Get(id string) (Unit, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	u, ok := t.units[id]
	return u, ok
}

// List returns every unit, parents before children, siblings by id.
func (t *Tree) List() []Unit {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]Unit, 0, len(t.units))
	for _, u := range t.units {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool {
		di, dj := t.depthLocked(out[i].ID), t.depthLocked(out[j].ID)
		if di != dj {
			return di < dj
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Within reports whether unit is ancestor or lies under it. An unknown
// unit is within nothing, and nothing is within an unknown unit.
func (t *Tree) Within(unit, ancestor string) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if _, ok := t.units[ancestor]; !ok {
		return false
	}
	for p, hops := unit, 0; p != "" && hops <= len(t.units); p, hops = t.units[p].Parent, hops+1 {
		if _, ok := t.units[p]; !ok {
			return false
		}
		if p == ancestor {
			return true
		}
	}
	return false
}

// Path returns the unit and its ancestors, root first.
func (t *Tree) Path(id string) []Unit {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var rev []Unit
	for p, hops := id, 0; p != "" && hops <= len(t.units); p, hops = t.units[p].Parent, hops+1 {
		u, ok := t.units[p]
		if !ok {
			break
		}
		rev = append(rev, u)
	}
	out := make([]Unit, len(rev))
	for i, u := range rev {
		out[len(rev)-1-i] = u
	}
	return out
}

// Level names a unit's depth ("Chi cục"); deeper than the configured
// names, the last name repeats.
func (t *Tree) Level(id string) string {
	t.mu.RLock()
	d := t.depthLocked(id)
	t.mu.RUnlock()
	return t.levels[min(d, len(t.levels)-1)]
}

func (t *Tree) depthLocked(id string) int {
	d := 0
	for p := t.units[id].Parent; p != "" && d <= len(t.units); p = t.units[p].Parent {
		d++
	}
	return d
}
