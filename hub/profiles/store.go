package profiles

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
)

const profilePrefix = "profile/"

// Store keeps the profiles. It caches the approved ones, which every
// telemetry message is checked against, until a profile changes. Its
// writes are commands (commands.go) handed to its submitter.
type Store struct {
	db     *store.DB
	now    func() time.Time
	submit command.Submitter
	mu     sync.Mutex // orders applies; guards approved
	// approved caches the profiles in state approved, newest first; nil
	// when a change made it stale.
	approved []Profile
}

// Params configure the profiles' stores.
type Params struct {
	DB  *store.DB
	Now func() time.Time // nil: time.Now
	// Submit sees a command applied; nil: applied at once by the store.
	Submit command.Submitter
}

// Open returns the profile store.
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

// New returns the store applying its own commands; now is the clock (nil: time.Now).
func New(db *store.DB, now func() time.Time) *Store { return Open(Params{DB: db, Now: now}) }

func newID(prefix string, now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%016x-%s", prefix, now.UnixNano(), hex.EncodeToString(b[:]))
}

// Create stores a draft profile of unit written by author.
func (s *Store) Create(unit, author string, spec Spec) (Profile, error) {
	spec, err := spec.Normalize()
	if err != nil {
		return Profile{}, err
	}
	if strings.TrimSpace(unit) == "" {
		return Profile{}, fmt.Errorf("%w: a profile belongs to a unit", ErrInvalid)
	}
	now := s.now()
	return s.do(Drafted{ID: newID("hs", now), Unit: unit, Author: author, At: now, Spec: spec})
}

// do submits c and returns the profile it changed.
func (s *Store) do(c profileCommand) (Profile, error) {
	if err := s.submit.Submit(c); err != nil {
		return Profile{}, err
	}
	return s.Get(c.profile())
}

// Get returns one profile.
func (s *Store) Get(id string) (Profile, error) {
	var p Profile
	if err := s.db.Get(profilePrefix+id, &p); err != nil {
		return p, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	return p, nil
}

// List returns the profiles keep selects, newest first.
func (s *Store) List(keep func(*Profile) bool) ([]Profile, error) {
	all, err := store.List[Profile](s.db, profilePrefix)
	if err != nil {
		return nil, fmt.Errorf("profiles: list: %w", err)
	}
	out := []Profile{}
	for i := len(all) - 1; i >= 0; i-- {
		if keep == nil || keep(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// InForce lists the approved profiles whose window has not ended. The
// list is shared with other callers: read it, do not change it.
func (s *Store) InForce(now time.Time) ([]Profile, error) {
	s.mu.Lock()
	if s.approved == nil {
		list, err := s.List(func(p *Profile) bool { return p.State == StateApproved })
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
		s.approved = list
	}
	approved := s.approved
	s.mu.Unlock()
	out := make([]Profile, 0, len(approved))
	for i := range approved {
		if approved[i].InForce(now) {
			out = append(out, approved[i])
		}
	}
	return out, nil
}

// Edit changes a draft (or a rejected profile, which becomes a draft
// again), or proposes a revision of an approved profile: the approved
// revision stays in force until a leader approves the new one.
func (s *Store) Edit(id, by string, spec Spec) (Profile, error) {
	spec, err := spec.Normalize()
	if err != nil {
		return Profile{}, err
	}
	return s.do(Edited{ID: id, By: by, At: s.now(), Spec: spec})
}

// Submit sends a draft to the leaders.
func (s *Store) Submit(id, by string) (Profile, error) {
	return s.do(Submitted{ID: id, By: by, At: s.now()})
}

// Decide approves or rejects what awaits a decision: a submitted profile,
// or the pending revision of an approved one. The one who wrote it may
// not decide it; the caller checks that by is a leader over the unit.
func (s *Store) Decide(id, by string, approve bool, note string) (Profile, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > maxText {
		return Profile{}, fmt.Errorf("%w: note longer than %d characters", ErrInvalid, maxText)
	}
	return s.do(Decided{ID: id, By: by, At: s.now(), Approve: approve, Note: note})
}

// Close ends a profile for good (any state but closed); a pending
// revision is dropped.
func (s *Store) Close(id, by, note string) (Profile, error) {
	return s.do(Closed{ID: id, By: by, At: s.now(), Note: strings.TrimSpace(note)})
}
