// Package reports keeps suspicious-sign reports (Decision 888 Art. 17):
// an officer or crew member raises one (text, photos, snapshots of a live
// camera with its time and camera, GPS); it waits for a leader of the
// unit, who approves an action, rejects it, or replies with an
// instruction; the action can be marked done only after approval. Every
// step goes on the report's timeline.
//
// The package owns its records (Store, changed only by the commands in
// commands.go) and the HTTP routes of reports and of their photos (API),
// and files the reports crews send through their vehicles
// (API.VehicleReport).
package reports

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/internal/errkind"
	"fieldwatch/internal/ids"
)

// Errors.
var (
	ErrInvalid  = errkind.New(errkind.Invalid, "invalid", "reports: invalid report")
	ErrUnknown  = errkind.New(errkind.NotFound, "not_found", "reports: no such report")
	ErrDecided  = errkind.New(errkind.Conflict, "conflict", "reports: the report is already decided")
	ErrNotYet   = errkind.WithPublic(errkind.Conflict, "not_approved", "reports: the action is not approved by a leader yet", "the action is not approved by a leader yet")
	ErrFinished = errkind.New(errkind.Conflict, "conflict", "reports: the report is closed")
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

// Store keeps reports; it changes only by applying the domain's commands.
type Store struct {
	db     *store.DB
	now    func() time.Time
	submit command.Submitter

	createMu sync.Mutex // a client id is looked up and recorded as one step
	applyMu  sync.Mutex // serialises Apply: each command reads, then writes
}

const prefix = "report/"

// clientTTL is how long a client id keeps a resent report from filing twice.
const clientTTL = 30 * 24 * time.Hour

// Params configure the store.
type Params struct {
	Now func() time.Time // nil: time.Now
	// Submit sees the store's commands applied; nil applies them to the
	// store at once.
	Submit command.Submitter
}

// New returns the store.
func New(db *store.DB, p Params) *Store {
	s := &Store{db: db, now: p.Now, submit: p.Submit}
	if s.now == nil {
		s.now = time.Now
	}
	if s.submit == nil {
		s.submit = command.Local(s)
	}
	return s
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
	s.createMu.Lock()
	defer s.createMu.Unlock()
	if clientID != "" {
		if id, ok := s.byClientID(by.Username, clientID); ok {
			return s.Get(id)
		}
	}
	now := s.now()
	r.ID, r.By, r.ByName, r.Created, r.State = ids.New(), by.Username, by.Name, now, StatePending
	if r.Photos == nil {
		r.Photos = []string{}
	}
	r.Timeline = []Step{{Time: now, By: by.Username, Name: by.Name, What: "raised", Note: r.Action}}
	if err := s.submit.Submit(Filed{Report: r, ClientID: clientID}); err != nil {
		return Report{}, fmt.Errorf("reports: %w", err)
	}
	return r, nil
}

func (s *Store) byClientID(user, clientID string) (string, bool) {
	var id string
	return id, s.db.Get(clientKey(user, clientID), &id) == nil
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
	return s.step(Decided{Report: id, Approve: approve, Step: s.stepBy(by, strings.TrimSpace(note))})
}

// Reply records an instruction a leader sent in answer; the report stays
// pending until decided.
func (s *Store) Reply(id string, by Actor, text, instruction string) (Report, error) {
	st := s.stepBy(by, text)
	st.What, st.Instruction = "replied", instruction
	return s.step(Replied{Report: id, Step: st})
}

// Done marks the approved action carried out; before approval it is refused.
func (s *Store) Done(id string, by Actor, note string) (Report, error) {
	st := s.stepBy(by, strings.TrimSpace(note))
	st.What = StateDone
	return s.step(Finished{Report: id, Step: st})
}

func (s *Store) stepBy(by Actor, note string) Step {
	return Step{Time: s.now(), By: by.Username, Name: by.Name, Note: note}
}

func (s *Store) step(c command.Command) (Report, error) {
	if err := s.submit.Submit(c); err != nil {
		return Report{}, err
	}
	return s.Get(reportOf(c))
}

func clientKey(user, clientID string) string { return "reportc/" + user + "/" + clientID }
