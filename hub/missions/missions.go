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
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/store"
	"fieldwatch/protocol"
)

// Errors.
var (
	ErrInvalid = errors.New("missions: invalid")
	ErrUnknown = errors.New("missions: no such mission")
	ErrState   = errors.New("missions: not allowed in the mission's state")
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
}

// Store keeps missions and their logs.
type Store struct {
	db  *store.DB
	p   Params
	log *slog.Logger

	mu      sync.Mutex                 // serialises writes; guards what follows
	open    map[string]Mission         // planned and active missions by id
	last    map[string]Point           // the last kept fix per mission
	streams map[string]map[string]bool // vehicle -> camera -> publishing
	seq     uint32                     // orders events written in the same nanosecond
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
		last: map[string]Point{}, streams: map[string]map[string]bool{}}
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

// commit writes the mission and its events in one transaction, keeps the
// open index and queues the new revision for the vehicle (when send).
func (s *Store) commit(m *Mission, send bool, events ...Event) error {
	data, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("missions: encode %s: %w", m.ID, err)
	}
	err = s.db.Badger().Update(func(txn *badger.Txn) error {
		if err := txn.Set([]byte(recPrefix+m.ID), data); err != nil {
			return err
		}
		for _, e := range events {
			if err := s.putEvent(txn, m.ID, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("missions: write %s: %w", m.ID, err)
	}
	if m.Open() {
		s.open[m.ID] = *m
	} else {
		delete(s.open, m.ID)
		delete(s.last, m.ID)
	}
	if send {
		s.send(m)
	}
	return nil
}

// send queues the mission for its vehicle and logs it; a failure is
// logged, not returned: the mission stands, and the next change resends.
func (s *Store) send(m *Mission) {
	if s.p.Send == nil {
		return
	}
	if err := s.p.Send(m.Mission); err != nil {
		s.log.Error("queue mission for its vehicle", "mission", m.ID, "vehicle", m.Vehicle, "err", err)
		return
	}
	e := Event{Time: s.p.Now(), Kind: EventSent, Text: fmt.Sprintf("rev %d → %s", m.Rev, m.Vehicle)}
	if err := s.db.Badger().Update(func(txn *badger.Txn) error { return s.putEvent(txn, m.ID, e) }); err != nil {
		s.log.Error("log mission sent", "mission", m.ID, "err", err)
	}
}

func (s *Store) putEvent(txn *badger.Txn, id string, e Event) error {
	s.seq++
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return txn.Set([]byte(fmt.Sprintf("%s%s/%020d/%08d", logPrefix, id, e.Time.UnixNano(), s.seq)), data)
}

func newID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("ms-%s-%s", now.In(time.UTC).Format("20060102-150405"), hex.EncodeToString(b[:]))
}

func clean(s string) string { return strings.TrimSpace(s) }
