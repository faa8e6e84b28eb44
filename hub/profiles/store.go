package profiles

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"fieldwatch/hub/store"
)

const profilePrefix = "profile/"

// Store keeps the profiles. It caches the approved ones, which every
// telemetry message is checked against, until a profile changes.
type Store struct {
	db  *store.DB
	now func() time.Time
	mu  sync.Mutex // orders changes; guards approved
	// approved caches the profiles in state approved, newest first; nil
	// when a change made it stale.
	approved []Profile
}

// New returns the store; now is the clock (nil: time.Now).
func New(db *store.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

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
	p := Profile{ID: newID("hs", now), Unit: unit, Author: author, State: StateDraft, Revision: 1, Spec: spec,
		Created: now, Updated: now, History: []Step{{Time: now, By: author, Action: "created", Revision: 1}}}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.db.Put(profilePrefix+p.ID, p, 0); err != nil {
		return Profile{}, fmt.Errorf("profiles: create: %w", err)
	}
	return p, nil
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

// change applies fn to a profile under the lock and stores it.
func (s *Store) change(id, what string, fn func(p *Profile, now time.Time) error) (Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.Get(id)
	if err != nil {
		return p, err
	}
	now := s.now()
	if err := fn(&p, now); err != nil {
		return Profile{}, fmt.Errorf("profiles: %s %s: %w", what, id, err)
	}
	p.Updated = now
	s.approved = nil
	if err := s.db.Put(profilePrefix+p.ID, p, 0); err != nil {
		return Profile{}, fmt.Errorf("profiles: %s %s: %w", what, id, err)
	}
	return p, nil
}

// Edit changes a draft (or a rejected profile, which becomes a draft
// again), or proposes a revision of an approved profile: the approved
// revision stays in force until a leader approves the new one.
func (s *Store) Edit(id, by string, spec Spec) (Profile, error) {
	spec, err := spec.Normalize()
	if err != nil {
		return Profile{}, err
	}
	return s.change(id, "edit", func(p *Profile, now time.Time) error {
		switch p.State {
		case StateDraft, StateRejected:
			p.State, p.Spec, p.DecidedBy, p.Decided, p.Note = StateDraft, spec, "", time.Time{}, ""
			p.History = append(p.History, Step{Time: now, By: by, Action: "edited", Revision: p.Revision})
		case StateApproved:
			if p.Spec.Window.Ended(now) {
				return fmt.Errorf("%w: the profile has expired", ErrState)
			}
			p.Pending = &Revision{Number: p.Revision + 1, Spec: spec, Author: by, Proposed: now}
			p.History = append(p.History, Step{Time: now, By: by, Action: "revision_proposed", Revision: p.Revision + 1})
		default:
			return fmt.Errorf("%w: a %s profile cannot be edited", ErrState, p.State)
		}
		return nil
	})
}

// Submit sends a draft to the leaders.
func (s *Store) Submit(id, by string) (Profile, error) {
	return s.change(id, "submit", func(p *Profile, now time.Time) error {
		if p.State != StateDraft {
			return fmt.Errorf("%w: only a draft is submitted (this one is %s)", ErrState, p.State)
		}
		p.State = StateSubmitted
		p.History = append(p.History, Step{Time: now, By: by, Action: "submitted", Revision: p.Revision})
		return nil
	})
}

// Decide approves or rejects what awaits a decision: a submitted profile,
// or the pending revision of an approved one. The one who wrote it may
// not decide it; the caller checks that by is a leader over the unit.
func (s *Store) Decide(id, by string, approve bool, note string) (Profile, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > maxText {
		return Profile{}, fmt.Errorf("%w: note longer than %d characters", ErrInvalid, maxText)
	}
	return s.change(id, "decide", func(p *Profile, now time.Time) error {
		if !p.AwaitsDecision() {
			return fmt.Errorf("%w: nothing awaits a decision (the profile is %s)", ErrState, p.State)
		}
		if by == p.Proposer() || by == p.Author {
			return ErrOwn
		}
		verdict := map[bool]string{true: "approved", false: "rejected"}[approve]
		if p.Pending != nil {
			rev := p.Pending
			if approve {
				p.Spec, p.Revision = rev.Spec, rev.Number
			}
			p.Pending = nil
			p.History = append(p.History, Step{Time: now, By: by, Action: "revision_" + verdict, Revision: rev.Number, Note: note})
		} else {
			p.State = map[bool]string{true: StateApproved, false: StateRejected}[approve]
			p.History = append(p.History, Step{Time: now, By: by, Action: verdict, Revision: p.Revision, Note: note})
		}
		p.DecidedBy, p.Decided, p.Note = by, now, note
		return nil
	})
}

// Close ends a profile for good (any state but closed); a pending
// revision is dropped.
func (s *Store) Close(id, by, note string) (Profile, error) {
	return s.change(id, "close", func(p *Profile, now time.Time) error {
		if p.State == StateClosed {
			return fmt.Errorf("%w: already closed", ErrState)
		}
		p.State, p.Pending = StateClosed, nil
		p.History = append(p.History, Step{Time: now, By: by, Action: "closed", Revision: p.Revision, Note: strings.TrimSpace(note)})
		return nil
	})
}
