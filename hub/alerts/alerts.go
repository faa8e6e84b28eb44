// Package alerts keeps the hub's operational alerts (tampered or corrupt
// evidence, vehicle storage low or full, recordings lost before sync) in
// Badger, newest first, for the console.
package alerts

import (
	"fmt"
	"sync"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
)

// Alert kinds.
const (
	KindTamper             = "tamper"              // a segment failed its hash, chain or signature check
	KindKeyConflict        = "key_conflict"        // a vehicle presented a signing key other than its registered one
	KindDiskLow            = "disk_low"            // a vehicle's unsynced recordings fill most of its storage
	KindDiskFull           = "disk_full"           // a vehicle's storage is full
	KindUnsyncedEvicted    = "unsynced_evicted"    // a vehicle overwrote recordings the hub never received
	KindHubStorage         = "hub_storage"         // the hub could not store a segment (disk full, I/O error)
	KindInstructionOverdue = "instruction_overdue" // an urgent instruction was not acknowledged in time
	KindIncidentOverdue    = "incident_overdue"    // a camera or transmission fault not fixed by its deadline
)

// Alert is one alert.
type Alert struct {
	ID      string    `json:"id"`
	Time    time.Time `json:"time"`
	Vehicle string    `json:"vehicle"`
	Camera  string    `json:"camera"`
	Kind    string    `json:"kind"`
	Message string    `json:"message"`
}

// Store keeps alerts for a while (retention) and lists them.
type Store struct {
	db        *store.DB
	retention time.Duration
	now       func() time.Time
	submit    command.Submitter

	mu   sync.Mutex
	last int64
}

// Params build a store.
type Params struct {
	DB *store.DB
	// Retention: alerts older than this expire (0 = never).
	Retention time.Duration
	// Now is the clock (nil = time.Now).
	Now func() time.Time
	// Submit sees the store's commands applied; nil applies them to this
	// store at once.
	Submit command.Submitter
}

// New makes a store; alerts older than retention expire.
func New(db *store.DB, retention time.Duration, now func() time.Time) *Store {
	return Open(Params{DB: db, Retention: retention, Now: now})
}

// Open makes the store p describes.
func Open(p Params) *Store {
	s := &Store{db: p.DB, retention: p.Retention, now: p.Now, submit: p.Submit}
	if s.now == nil {
		s.now = time.Now
	}
	if s.submit == nil {
		s.submit = command.Local(s)
	}
	return s
}

const prefix = "alert/"

// Raise records an alert.
func (s *Store) Raise(kind, vehicle, camera, message string) (Alert, error) {
	s.mu.Lock()
	t := s.now()
	n := t.UnixNano()
	if n <= s.last {
		n = s.last + 1
	}
	s.last = n
	s.mu.Unlock()
	a := Alert{ID: fmt.Sprintf("%020d", n), Time: t, Vehicle: vehicle, Camera: camera, Kind: kind, Message: message}
	if err := s.submit.Submit(Raise{Alert: a}); err != nil {
		return a, err
	}
	return a, nil
}

// List returns up to limit alerts, newest first, that keep passes (nil = all).
func (s *Store) List(limit int, keep func(Alert) bool) ([]Alert, error) {
	all, err := store.List[Alert](s.db, prefix)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	var out []Alert
	for i := len(all) - 1; i >= 0 && len(out) < limit; i-- {
		if keep == nil || keep(all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}
