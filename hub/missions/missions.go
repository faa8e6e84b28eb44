// Package missions keeps mobile surveillance missions (giám sát cơ động,
// Decision 888): a command vehicle and its crew sent to a site or along a
// route for a time window with a purpose. A mission is planned, starts by
// itself when its window opens (or by hand), ends when the window closes
// unless it is closed earlier with the crew's or the duty officer's
// closing report, and can be cancelled. Each change goes to the vehicle
// through the hub's message stream; the mission keeps its own log: its
// events, the GPS track of its vehicle while it runs and its live streams.
package missions

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/internal/errkind"
	"fieldwatch/protocol"
)

// Errors.
var (
	ErrInvalid = errkind.New(errkind.Invalid, "invalid", "missions: invalid")
	ErrUnknown = errkind.New(errkind.NotFound, "not_found", "missions: no such mission")
	ErrState   = errkind.New(errkind.Conflict, "conflict", "missions: not allowed in the mission's state")
)

// Key prefixes.
const (
	recPrefix   = "mission/" // mission/<id> -> Mission
	logPrefix   = "mlog/"    // mlog/<id>/<unix nanos>/<n> -> Event
	trackPrefix = "mtrack/"  // mtrack/<id>/<unix nanos> -> Point
)

// Mission is a mission as the hub keeps it: what its vehicle receives,
// plus the unit it belongs to (its vehicle's) and who planned it.
type Mission struct {
	protocol.Mission
	Unit      string    `json:"unit"`
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"created_by"`
	Updated   time.Time `json:"updated"`
	// Delivered is the newest revision the vehicle has applied.
	Delivered    uint64    `json:"delivered"`
	DeliveredAt  time.Time `json:"delivered_at,omitzero"`
	CancelReason string    `json:"cancel_reason,omitempty"`
}

// Actor is who does something to a mission ("auto" for the hub itself).
type Actor struct {
	Username, Name string
}

func (a Actor) label() string {
	if a.Name != "" {
		return a.Name
	}
	return a.Username
}

// Auto is the hub acting on its own (a window opening or closing).
var Auto = Actor{Username: "auto", Name: "tự động"}

// Params configure the store. Zero values take defaults.
type Params struct {
	Now    func() time.Time
	Logger *slog.Logger
	// Send queues a mission's new revision for its vehicle; optional.
	Send func(m protocol.Mission) error
	// MinMove and MinGap thin the GPS track: a fix is kept when the
	// vehicle moved at least MinMove metres or MinGap passed; 10 m, 15 s.
	MinMove float64
	MinGap  time.Duration
	// Submit sees a command applied; nil: applied at once by the store.
	Submit command.Submitter
}

// Store keeps missions and their logs. Its writes are commands
// (commands.go) handed to its submitter.
type Store struct {
	db     *store.DB
	p      Params
	log    *slog.Logger
	submit command.Submitter

	mu      sync.Mutex                 // orders decisions; guards streams
	streams map[string]map[string]bool // vehicle -> camera -> publishing

	cache sync.Mutex         // guards what follows, kept by Apply
	open  map[string]Mission // planned and active missions by id
	last  map[string]Point   // the last kept fix per mission
}

// New opens the store and loads the open missions.
func New(db *store.DB, p Params) (*Store, error) {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	if p.MinMove <= 0 {
		p.MinMove = 10
	}
	if p.MinGap <= 0 {
		p.MinGap = 15 * time.Second
	}
	s := &Store{db: db, p: p, log: p.Logger.With("component", "missions"), open: map[string]Mission{},
		last: map[string]Point{}, streams: map[string]map[string]bool{}, submit: p.Submit}
	if s.submit == nil {
		s.submit = command.Local(s)
	}
	all, err := store.List[Mission](db, recPrefix)
	if err != nil {
		return nil, fmt.Errorf("missions: load: %w", err)
	}
	for _, m := range all {
		if m.Open() {
			s.open[m.ID] = m
		}
	}
	return s, nil
}

// Get returns one mission.
func (s *Store) Get(id string) (Mission, error) {
	var m Mission
	if err := s.db.Get(recPrefix+id, &m); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return m, fmt.Errorf("%w: %q", ErrUnknown, id)
		}
		return m, fmt.Errorf("missions: get %s: %w", id, err)
	}
	return m, nil
}

// List returns the missions keep selects, by window start, newest first.
func (s *Store) List(keep func(*Mission) bool) ([]Mission, error) {
	all, err := store.List[Mission](s.db, recPrefix)
	if err != nil {
		return nil, fmt.Errorf("missions: list: %w", err)
	}
	out := []Mission{}
	for i := range all {
		if keep == nil || keep(&all[i]) {
			out = append(out, all[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].From.After(out[j].From) })
	return out, nil
}

// send queues the mission's current revision for its vehicle and logs
// it; a failure is logged, not returned: the mission stands, and the next
// change resends.
func (s *Store) send(id string) {
	m, err := s.Get(id)
	if err != nil {
		s.log.Error("queue mission for its vehicle", "mission", id, "err", err)
		return
	}
	s.sendCopy(m.Mission)
}

func (s *Store) sendCopy(m protocol.Mission) {
	if s.p.Send == nil {
		return
	}
	if err := s.p.Send(m); err != nil {
		s.log.Error("queue mission for its vehicle", "mission", m.ID, "vehicle", m.Vehicle, "err", err)
		return
	}
	if err := s.submit.Submit(Sent{ID: m.ID, Rev: m.Rev, Vehicle: m.Vehicle, At: s.p.Now()}); err != nil {
		s.log.Error("log mission sent", "mission", m.ID, "err", err)
	}
}

func newID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("ms-%s-%s", now.In(time.UTC).Format("20060102-150405"), hex.EncodeToString(b[:]))
}

func clean(s string) string { return strings.TrimSpace(s) }
