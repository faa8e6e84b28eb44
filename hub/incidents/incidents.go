// Package incidents keeps camera and transmission faults (Decision 247):
// opened by hand or automatically (a camera offline, a vehicle's link
// down longer than a threshold), due within 10 working days for a camera
// fault and 3 for a transmission fault, assigned to an officer who posts
// an update every working day, flagged overdue, closed with the cause and
// the fix. While a camera is down, the manual gate log (plate, container,
// time in and out) is kept on the incident.
package incidents

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/internal/errkind"
)

// Errors.
var (
	ErrInvalid = errkind.New(errkind.Invalid, "invalid", "incidents: invalid")
	ErrUnknown = errkind.New(errkind.NotFound, "not_found", "incidents: no such incident")
	ErrClosed  = errkind.New(errkind.Conflict, "conflict", "incidents: the incident is closed")
)

// Kinds and their deadlines in working days (Decision 247).
const (
	KindCamera       = "camera"       // a camera fault: 10 working days
	KindTransmission = "transmission" // a transmission fault: 3 working days
)

// DueDays is the deadline of each kind, in working days.
var DueDays = map[string]int{KindCamera: 10, KindTransmission: 3}

// WorkingDays is the working-day calendar.
type WorkingDays interface {
	// AddWorkingDays returns the end of the n-th working day after t.
	AddWorkingDays(t time.Time, n int) time.Time
	IsWorkingDay(t time.Time) bool
}

// Update is a dated note on the incident.
type Update struct {
	Time time.Time `json:"time"`
	By   string    `json:"by"`
	Text string    `json:"text"`
}

// GateEntry is a line of the manual gate log kept while a camera is down.
type GateEntry struct {
	Time      time.Time `json:"time"`
	By        string    `json:"by"`
	Plate     string    `json:"plate"`
	Container string    `json:"container"`
	In        time.Time `json:"in,omitzero"`
	Out       time.Time `json:"out,omitzero"`
	Note      string    `json:"note,omitempty"`
}

// Incident is one fault.
type Incident struct {
	ID       string      `json:"id"`
	Kind     string      `json:"kind"`
	Unit     string      `json:"unit"`
	Vehicle  string      `json:"vehicle,omitempty"`
	Camera   string      `json:"camera,omitempty"`
	Title    string      `json:"title"`
	Opened   time.Time   `json:"opened"`
	OpenedBy string      `json:"opened_by"` // a username, or "auto"
	Due      time.Time   `json:"due"`
	Assignee string      `json:"assignee,omitempty"`
	Updates  []Update    `json:"updates"`
	GateLog  []GateEntry `json:"gate_log"`
	Closed   time.Time   `json:"closed,omitzero"`
	ClosedBy string      `json:"closed_by,omitempty"`
	Cause    string      `json:"cause,omitempty"`
	Fix      string      `json:"fix,omitempty"`
	// Escalated is when the overdue incident was escalated.
	Escalated time.Time `json:"escalated,omitzero"`
}

// Overdue reports whether the incident is open past its due time.
func (in *Incident) Overdue(now time.Time) bool { return in.Closed.IsZero() && now.After(in.Due) }

// UpdateMissing reports whether an open incident has no update on the
// current working day (Decision 247: progress followed every working day).
func (in *Incident) UpdateMissing(now time.Time, days WorkingDays, zone *time.Location) bool {
	if !in.Closed.IsZero() || !days.IsWorkingDay(now) {
		return false
	}
	today := now.In(zone).Format("2006-01-02")
	if in.Opened.In(zone).Format("2006-01-02") == today {
		return false
	}
	for _, u := range in.Updates {
		if u.Time.In(zone).Format("2006-01-02") == today {
			return false
		}
	}
	return true
}

// Store keeps incidents. Its writes are commands (commands.go), handed
// to its submitter and applied by Apply.
type Store struct {
	db     *store.DB
	days   WorkingDays
	now    func() time.Time
	submit command.Submitter
	mu     sync.Mutex // orders applies and the automatic open's check
}

// Params configure the store.
type Params struct {
	DB   *store.DB
	Days WorkingDays      // the working-day calendar deadlines count in
	Now  func() time.Time // nil: time.Now
	// Submit sees a command applied; nil: applied at once by this store.
	Submit command.Submitter
}

// Open returns the store.
func Open(p Params) *Store {
	if p.Now == nil {
		p.Now = time.Now
	}
	s := &Store{db: p.DB, days: p.Days, now: p.Now, submit: p.Submit}
	if s.submit == nil {
		s.submit = command.Local(s)
	}
	return s
}

// New returns the store applying its own commands.
func New(db *store.DB, days WorkingDays, now func() time.Time) *Store {
	return Open(Params{DB: db, Days: days, Now: now})
}

const prefix = "incident/"

func newID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("sc-%016x-%s", now.UnixNano(), hex.EncodeToString(b[:]))
}

func clean(s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return s, fmt.Errorf("%w: text longer than %d characters", ErrInvalid, max)
	}
	return s, nil
}

// Open records an incident and sets its deadline. An automatic one (by
// "auto") is not opened twice for the same vehicle, camera and kind while
// one is open: the existing one is returned.
func (s *Store) Open(in Incident, by string) (Incident, error) {
	days, ok := DueDays[in.Kind]
	if !ok {
		return Incident{}, fmt.Errorf("%w: kind %q (camera or transmission)", ErrInvalid, in.Kind)
	}
	var err error
	if in.Title, err = clean(in.Title, 300); err != nil {
		return Incident{}, err
	}
	if in.Title == "" || in.Unit == "" {
		return Incident{}, fmt.Errorf("%w: an incident needs a title and a unit", ErrInvalid)
	}
	now := s.now()
	c := Opened{ID: newID(now), Kind: in.Kind, Unit: in.Unit, Vehicle: in.Vehicle, Camera: in.Camera, Title: in.Title,
		By: by, At: now, Due: s.days.AddWorkingDays(now, days)}
	if err := s.submit.Submit(c); err != nil {
		return Incident{}, err
	}
	if by == "auto" {
		// The command opened nothing when one was open already.
		open, err := s.List(func(x *Incident) bool { return x.Closed.IsZero() && c.sameCause(x) })
		if err != nil {
			return Incident{}, err
		}
		if len(open) > 0 {
			return open[0], nil
		}
	}
	return s.Get(c.ID)
}

// Get returns one incident.
func (s *Store) Get(id string) (Incident, error) {
	var in Incident
	if err := s.db.Get(prefix+id, &in); err != nil {
		return in, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	return in, nil
}

// List returns the incidents keep selects, newest first.
func (s *Store) List(keep func(*Incident) bool) ([]Incident, error) {
	all, err := store.List[Incident](s.db, prefix)
	if err != nil {
		return nil, fmt.Errorf("incidents: %w", err)
	}
	out := []Incident{}
	for i := len(all) - 1; i >= 0; i-- {
		if keep(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// do submits c and returns the incident it changed.
func (s *Store) do(id string, c command.Command) (Incident, error) {
	if err := s.submit.Submit(c); err != nil {
		return Incident{}, err
	}
	return s.Get(id)
}

// Assign gives the incident to an officer.
func (s *Store) Assign(id, assignee, by string) (Incident, error) {
	return s.do(id, Assigned{ID: id, Assignee: assignee, By: by, At: s.now()})
}

// AddUpdate posts a progress note.
func (s *Store) AddUpdate(id, by, text string) (Incident, error) {
	text, err := clean(text, 4000)
	if err != nil || text == "" {
		return Incident{}, fmt.Errorf("%w: an update of 1 to 4000 characters", ErrInvalid)
	}
	return s.do(id, Updated{ID: id, By: by, At: s.now(), Text: text})
}

// LogGate adds a line to the manual gate log.
func (s *Store) LogGate(id, by string, g GateEntry) (Incident, error) {
	var err error
	if g.Plate, err = clean(strings.ToUpper(g.Plate), 20); err != nil {
		return Incident{}, err
	}
	if g.Container, err = clean(strings.ToUpper(g.Container), 20); err != nil {
		return Incident{}, err
	}
	if g.Note, err = clean(g.Note, 500); err != nil {
		return Incident{}, err
	}
	if g.Plate == "" && g.Container == "" {
		return Incident{}, fmt.Errorf("%w: a plate or a container number", ErrInvalid)
	}
	if g.In.IsZero() && g.Out.IsZero() {
		return Incident{}, fmt.Errorf("%w: a time in or out", ErrInvalid)
	}
	g.Time, g.By = s.now(), by
	return s.do(id, GateLogged{ID: id, Entry: g})
}

// Close closes the incident with its cause and fix.
func (s *Store) Close(id, by, cause, fix string) (Incident, error) {
	cause, err1 := clean(cause, 2000)
	fix, err2 := clean(fix, 2000)
	if err := errors.Join(err1, err2); err != nil || cause == "" || fix == "" {
		return Incident{}, fmt.Errorf("%w: closing needs the cause and the fix", ErrInvalid)
	}
	return s.do(id, Closed{ID: id, By: by, At: s.now(), Cause: cause, Fix: fix})
}

// CloseAuto closes open automatic incidents of a vehicle's camera (or its
// link, camera "") when the fault clears by itself.
func (s *Store) CloseAuto(kind, vehicle, camera string) ([]Incident, error) {
	open, err := s.List(func(x *Incident) bool {
		return x.Closed.IsZero() && x.OpenedBy == "auto" && x.Kind == kind && x.Vehicle == vehicle && x.Camera == camera
	})
	if err != nil {
		return nil, err
	}
	var out []Incident
	for _, in := range open {
		c, err := s.Close(in.ID, "auto", "tự phục hồi", "kết nối trở lại")
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Escalate marks overdue open incidents as escalated and returns them, once each.
func (s *Store) Escalate() ([]Incident, error) {
	now := s.now()
	due, err := s.List(func(x *Incident) bool { return x.Overdue(now) && x.Escalated.IsZero() })
	if err != nil {
		return nil, err
	}
	var out []Incident
	for _, in := range due {
		e, err := s.do(in.ID, Escalated{ID: in.ID, At: now})
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Weekdays is a working-day calendar of Monday to Friday with no holidays,
// for when no calendar is configured.
type Weekdays struct{ Zone *time.Location }

// IsWorkingDay implements WorkingDays.
func (w Weekdays) IsWorkingDay(t time.Time) bool {
	d := t.In(w.Zone).Weekday()
	return d != time.Saturday && d != time.Sunday
}

// AddWorkingDays implements WorkingDays: the end (23:59:59) of the n-th
// working day after t's day.
func (w Weekdays) AddWorkingDays(t time.Time, n int) time.Time {
	d := t.In(w.Zone)
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, w.Zone)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if w.IsWorkingDay(d) {
			n--
		}
	}
	return d.Add(24*time.Hour - time.Second)
}
