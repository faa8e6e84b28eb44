// Package reports keeps suspicious-sign reports (Decision 888 Art. 17):
// an officer or crew member raises one (text, photos, snapshots of a live
// camera with its time and camera, GPS); it waits for a leader of the
// unit, who approves an action, rejects it, or replies with an
// instruction; the action can be marked done only after approval. Every
// step goes on the report's timeline.
package reports

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fieldwatch/hub/store"
)

// Errors.
var (
	ErrInvalid  = errors.New("reports: invalid report")
	ErrUnknown  = errors.New("reports: no such report")
	ErrDecided  = errors.New("reports: the report is already decided")
	ErrNotYet   = errors.New("reports: the action is not approved by a leader yet")
	ErrFinished = errors.New("reports: the report is closed")
)

// States.
const (
	StatePending  = "pending"  // waiting for a leader's decision
	StateApproved = "approved" // a leader approved the proposed action
	StateRejected = "rejected" // a leader rejected it
	StateDone     = "done"     // the approved action was carried out
)

// Snapshot ties a photo to the live camera and time it shows.
type Snapshot struct {
	Vehicle string    `json:"vehicle"`
	Camera  string    `json:"camera"`
	Time    time.Time `json:"time"`
}

// Position is where the report was made.
type Position struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Step is one entry of a report's timeline.
type Step struct {
	Time time.Time `json:"time"`
	By   string    `json:"by"`
	Name string    `json:"name"`
	What string    `json:"what"` // raised, approved, rejected, replied, done
	Note string    `json:"note,omitempty"`
	// Instruction is the id of an instruction sent as a reply.
	Instruction string `json:"instruction,omitempty"`
}

// Report is one suspicious-sign report.
type Report struct {
	ID       string    `json:"id"`
	Unit     string    `json:"unit"`
	Vehicle  string    `json:"vehicle,omitempty"`
	By       string    `json:"by"`
	ByName   string    `json:"by_name"`
	Title    string    `json:"title"`
	Text     string    `json:"text"`
	Action   string    `json:"action"` // the action proposed, to be approved
	Photos   []string  `json:"photos"`
	Snapshot *Snapshot `json:"snapshot,omitempty"`
	Position *Position `json:"position,omitempty"`
	Created  time.Time `json:"created"`
	State    string    `json:"state"`
	Decision *Step     `json:"decision,omitempty"`
	Timeline []Step    `json:"timeline"`
	Via      string    `json:"via"` // console, phone, vehicle
}

// Actor is who does something to a report.
type Actor struct {
	Username, Name string
}

// Store keeps reports.
type Store struct {
	db  *store.DB
	now func() time.Time

	mu sync.Mutex // serialises read-modify-write
}

const prefix = "report/"

// New returns the store; now nil = time.Now.
func New(db *store.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

// Limits.
const (
	MaxTitle  = 200
	MaxText   = 8000
	MaxPhotos = 20
)

// Create records a new report. clientID, when given, makes it idempotent
// for the reporter (an offline phone that sends its queue twice).
func (s *Store) Create(by Actor, clientID string, r Report) (Report, error) {
	r.Title, r.Text, r.Action = strings.TrimSpace(r.Title), strings.TrimSpace(r.Text), strings.TrimSpace(r.Action)
	switch {
	case r.Title == "" && r.Text == "":
		return Report{}, fmt.Errorf("%w: write what was seen", ErrInvalid)
	case utf8.RuneCountInString(r.Title) > MaxTitle || utf8.RuneCountInString(r.Text) > MaxText || utf8.RuneCountInString(r.Action) > MaxText:
		return Report{}, fmt.Errorf("%w: title at most %d characters, text and action at most %d", ErrInvalid, MaxTitle, MaxText)
	case len(r.Photos) > MaxPhotos:
		return Report{}, fmt.Errorf("%w: at most %d photos", ErrInvalid, MaxPhotos)
	case r.Position != nil && (r.Position.Lat < -90 || r.Position.Lat > 90 || r.Position.Lon < -180 || r.Position.Lon > 180):
		return Report{}, fmt.Errorf("%w: position out of range", ErrInvalid)
	case len(clientID) > 128:
		return Report{}, fmt.Errorf("%w: client_id longer than 128 bytes", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if clientID != "" {
		var id string
		if s.db.Get(clientKey(by.Username, clientID), &id) == nil {
			return s.Get(id)
		}
	}
	now := s.now()
	r.ID, r.By, r.ByName, r.Created, r.State = newID(now), by.Username, by.Name, now, StatePending
	if r.Photos == nil {
		r.Photos = []string{}
	}
	r.Timeline = []Step{{Time: now, By: by.Username, Name: by.Name, What: "raised", Note: r.Action}}
	if err := s.db.Put(prefix+r.ID, r, 0); err != nil {
		return Report{}, fmt.Errorf("reports: %w", err)
	}
	if clientID != "" {
		if err := s.db.Put(clientKey(by.Username, clientID), r.ID, 30*24*time.Hour); err != nil {
			return Report{}, fmt.Errorf("reports: %w", err)
		}
	}
	return r, nil
}

// Get returns one report.
func (s *Store) Get(id string) (Report, error) {
	var r Report
	if err := s.db.Get(prefix+id, &r); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return r, fmt.Errorf("%w: %q", ErrUnknown, id)
		}
		return r, err
	}
	return r, nil
}

// List returns the reports keep selects, newest first.
func (s *Store) List(keep func(*Report) bool, limit int) ([]Report, error) {
	all, err := store.List[Report](s.db, prefix)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	out := []Report{}
	for i := len(all) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		if keep(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// Decide records a leader's decision on a pending report.
func (s *Store) Decide(id string, by Actor, approve bool, note string) (Report, error) {
	return s.step(id, func(r *Report, now time.Time) error {
		if r.State != StatePending {
			return fmt.Errorf("%w (%s)", ErrDecided, r.State)
		}
		st := Step{Time: now, By: by.Username, Name: by.Name, What: StateRejected, Note: strings.TrimSpace(note)}
		r.State = StateRejected
		if approve {
			st.What, r.State = StateApproved, StateApproved
		}
		r.Decision = &st
		r.Timeline = append(r.Timeline, st)
		return nil
	})
}

// Reply records an instruction a leader sent in answer; the report stays
// pending until decided.
func (s *Store) Reply(id string, by Actor, text, instruction string) (Report, error) {
	return s.step(id, func(r *Report, now time.Time) error {
		if r.State == StateDone {
			return ErrFinished
		}
		r.Timeline = append(r.Timeline, Step{Time: now, By: by.Username, Name: by.Name, What: "replied", Note: text, Instruction: instruction})
		return nil
	})
}

// Done marks the approved action carried out; before approval it is refused.
func (s *Store) Done(id string, by Actor, note string) (Report, error) {
	return s.step(id, func(r *Report, now time.Time) error {
		switch r.State {
		case StatePending, StateRejected:
			return fmt.Errorf("%w (%s)", ErrNotYet, r.State)
		case StateDone:
			return ErrFinished
		}
		r.State = StateDone
		r.Timeline = append(r.Timeline, Step{Time: now, By: by.Username, Name: by.Name, What: StateDone, Note: strings.TrimSpace(note)})
		return nil
	})
}

func (s *Store) step(id string, fn func(*Report, time.Time) error) (Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.Get(id)
	if err != nil {
		return r, err
	}
	if err := fn(&r, s.now()); err != nil {
		return r, err
	}
	if err := s.db.Put(prefix+r.ID, r, 0); err != nil {
		return r, fmt.Errorf("reports: %w", err)
	}
	return r, nil
}

func clientKey(user, clientID string) string { return "reportc/" + user + "/" + clientID }

func newID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("bc-%016x-%s", now.UnixNano(), hex.EncodeToString(b[:]))
}
