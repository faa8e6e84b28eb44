// Package monitor keeps the state of every service of the hub and of its
// vehicles (Decision 3035, Appendix II): camera ingest, uplink, recorder,
// sync, storage and control channel on each vehicle; relay, archive,
// control server and scheduler on the hub. Each is running (green),
// stopped (yellow) or in error (red), with its unit, address, name, time
// and message; every change is kept as history.
package monitor

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
)

// States.
const (
	Running = "running" // green
	Stopped = "stopped" // yellow
	Error   = "error"   // red
)

// Service is one service's current state.
type Service struct {
	Host    string    `json:"host"` // "hub" or a vehicle id
	Name    string    `json:"name"` // e.g. "camera cam1", "recorder"
	Unit    string    `json:"unit"`
	Address string    `json:"address"`
	State   string    `json:"state"`
	Message string    `json:"message"`
	Since   time.Time `json:"since"` // when State last changed
	Seen    time.Time `json:"seen"`  // last report
}

// Event is one change in the history.
type Event struct {
	Time    time.Time `json:"time"`
	Host    string    `json:"host"`
	Name    string    `json:"name"`
	Unit    string    `json:"unit"`
	Address string    `json:"address"`
	State   string    `json:"state"`
	Was     string    `json:"was"`
	Message string    `json:"message"`
}

// Monitor holds the current states and writes changes to the history.
type Monitor struct {
	db        *store.DB
	retention time.Duration
	submit    command.Submitter

	mu      sync.Mutex
	current map[string]*Service
}

// Params build a monitor.
type Params struct {
	DB *store.DB
	// Retention: history older than this expires (0 = 1 year).
	Retention time.Duration
	// Submit sees the monitor's commands applied; nil applies them to
	// this monitor at once.
	Submit command.Submitter
}

// New returns a monitor; history older than retention expires (0 = 1 year).
func New(db *store.DB, retention time.Duration) *Monitor {
	return Open(Params{DB: db, Retention: retention})
}

// Open returns the monitor p describes.
func Open(p Params) *Monitor {
	m := &Monitor{db: p.DB, retention: p.Retention, submit: p.Submit, current: map[string]*Service{}}
	if m.retention <= 0 {
		m.retention = 366 * 24 * time.Hour
	}
	if m.submit == nil {
		m.submit = command.Local(m)
	}
	return m
}

func key(host, name string) string { return host + "\x00" + name }

// Report records a service's state at now. A change of state is a
// command (it goes to the history); the same state again only refreshes
// Seen and the message.
func (m *Monitor) Report(s Service, now time.Time) error {
	switch s.State {
	case Running, Stopped, Error:
	default:
		return fmt.Errorf("monitor: state %q", s.State)
	}
	m.mu.Lock()
	if old := m.current[key(s.Host, s.Name)]; old != nil && old.State == s.State {
		// Same state: the message (a bitrate, a backlog) is refreshed,
		// and the history keeps state changes only.
		old.Seen, old.Address, old.Unit, old.Message = now, s.Address, s.Unit, s.Message
		m.mu.Unlock()
		return nil
	}
	m.mu.Unlock()
	s.Since, s.Seen = time.Time{}, time.Time{}
	return m.submit.Submit(Change{Service: s, At: now})
}

// change applies a reported state: a change goes to the current states
// and to the history, the same state refreshes the current one.
func (m *Monitor) change(c Change) error {
	switch c.Service.State {
	case Running, Stopped, Error:
	default:
		return fmt.Errorf("monitor: state %q", c.Service.State)
	}
	s, now := c.Service, c.At
	m.mu.Lock()
	defer m.mu.Unlock()
	k := key(s.Host, s.Name)
	old := m.current[k]
	s.Seen = now
	if old != nil && old.State == s.State {
		old.Seen, old.Address, old.Unit, old.Message = now, s.Address, s.Unit, s.Message
		return nil
	}
	was := ""
	s.Since = now
	if old != nil {
		was = old.State
	}
	m.current[k] = &s
	ev := Event{Time: now, Host: s.Host, Name: s.Name, Unit: s.Unit, Address: s.Address, State: s.State, Was: was, Message: s.Message}
	return m.db.Put(fmt.Sprintf("svc/%020d/%s/%s", now.UnixNano(), s.Host, s.Name), ev, m.retention)
}

// Current returns every service's state, hub first, then by host and name.
func (m *Monitor) Current() []Service {
	m.mu.Lock()
	out := make([]Service, 0, len(m.current))
	for _, s := range m.current {
		out = append(out, *s)
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Host == "hub") != (b.Host == "hub") {
			return a.Host == "hub"
		}
		if a.Host != b.Host {
			return a.Host < b.Host
		}
		return a.Name < b.Name
	})
	return out
}

// History returns the changes keep selects in [from, to), newest first, at most limit.
func (m *Monitor) History(from, to time.Time, keep func(*Event) bool, limit int) ([]Event, error) {
	var out []Event
	all, err := store.List[Event](m.db, "svc/")
	if err != nil {
		return nil, fmt.Errorf("monitor: %w", err)
	}
	for i := len(all) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		e := all[i]
		if (!from.IsZero() && e.Time.Before(from)) || (!to.IsZero() && !e.Time.Before(to)) || !keep(&e) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}
