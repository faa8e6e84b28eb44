package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/rules"
	"fieldwatch/hub/store"
)

// Key prefixes of the alerts, the causes already alerted and the engine's memory.
const (
	alertPrefix = "palert/a/"
	causePrefix = "palert/c/"
	memPrefix   = "palert/m/"
)

// Alert states.
const (
	AlertOpen         = "open"
	AlertAcknowledged = "acknowledged"
	AlertResolved     = "resolved"
)

// Errors of alerts.
var (
	ErrUnknownAlert = errors.New("profiles: no such alert")
	ErrAlertState   = errors.New("profiles: not allowed in the alert's state")
)

// Alert is one alert a profile's rule raised.
type Alert struct {
	ID           string       `json:"id"`
	Profile      string       `json:"profile"`
	ProfileTitle string       `json:"profile_title"`
	Unit         string       `json:"unit"`
	Rule         string       `json:"rule"`
	Type         string       `json:"type"`
	Cause        string       `json:"cause"`
	Message      string       `json:"message"`
	Vehicle      string       `json:"vehicle,omitempty"`
	Camera       string       `json:"camera,omitempty"`
	Report       string       `json:"report,omitempty"`
	Position     *rules.Point `json:"position,omitempty"`
	Time         time.Time    `json:"time"`
	State        string       `json:"state"`
	// Audience are the officers the alert is addressed to.
	Audience   []string  `json:"audience"`
	AckBy      string    `json:"ack_by,omitempty"`
	AckAt      time.Time `json:"ack_at,omitzero"`
	ResolvedBy string    `json:"resolved_by,omitempty"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	Note       string    `json:"note,omitempty"`
}

// Alerts keeps the profiles' alerts and the rule engine's memory. Events
// are evaluated one at a time; each event's alerts, their cause keys and
// the memory it changed are written in one transaction, so a restart
// neither forgets a side of a geofence nor raises a cause twice.
type Alerts struct {
	db  *store.DB
	now func() time.Time
	mu  sync.Mutex
	mem rules.MapMemory
}

// OpenAlerts loads the engine's memory; now is the clock (nil: time.Now).
func OpenAlerts(db *store.DB, now func() time.Time) (*Alerts, error) {
	if now == nil {
		now = time.Now
	}
	a := &Alerts{db: db, now: now, mem: rules.MapMemory{}}
	err := db.Each(memPrefix, func(key string, raw []byte) error {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decode %s: %w", key, err)
		}
		a.mem[strings.TrimPrefix(key, memPrefix)] = v
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("profiles: load alert memory: %w", err)
	}
	return a, nil
}

// Process evaluates one event against the watches and raises what fires;
// decorate (optional) fills in each new alert's unit, title and audience
// before it is stored. It returns the alerts raised.
func (a *Alerts) Process(watches []rules.Watch, ev rules.Event, decorate func(*Alert)) ([]Alert, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := rules.Evaluate(a.mem, watches, ev)
	if len(out.Set) == 0 && len(out.Fired) == 0 {
		return nil, nil
	}
	var raised []Alert
	err := a.db.Badger().Update(func(txn *badger.Txn) error {
		for k, v := range out.Set {
			if err := setJSON(txn, memPrefix+k, v); err != nil {
				return err
			}
		}
		for _, f := range out.Fired {
			ck := causePrefix + f.Key()
			if _, err := txn.Get([]byte(ck)); err == nil {
				continue // raised before (a replay, or before a restart)
			} else if !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
			al := Alert{ID: newID("pa", f.At), Profile: f.Profile, Rule: f.Rule, Type: f.Type, Cause: f.Cause, Message: f.Message,
				Vehicle: f.Vehicle, Camera: f.Camera, Report: f.Report, Position: f.Position, Time: f.At, State: AlertOpen, Audience: []string{}}
			if decorate != nil {
				decorate(&al)
			}
			if err := setJSON(txn, ck, al.ID); err != nil {
				return err
			}
			if err := setJSON(txn, alertPrefix+al.ID, al); err != nil {
				return err
			}
			raised = append(raised, al)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("profiles: raise alerts: %w", err)
	}
	for k, v := range out.Set {
		a.mem[k] = v
	}
	return raised, nil
}

func setJSON(txn *badger.Txn, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return txn.Set([]byte(key), data)
}

// Get returns one alert.
func (a *Alerts) Get(id string) (Alert, error) {
	var al Alert
	if err := a.db.Get(alertPrefix+id, &al); err != nil {
		return al, fmt.Errorf("%w: %q", ErrUnknownAlert, id)
	}
	return al, nil
}

// List returns the alerts keep selects, newest first, at most limit (0: all).
func (a *Alerts) List(keep func(*Alert) bool, limit int) ([]Alert, error) {
	all, err := store.List[Alert](a.db, alertPrefix)
	if err != nil {
		return nil, fmt.Errorf("profiles: list alerts: %w", err)
	}
	out := []Alert{}
	for i := len(all) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		if keep == nil || keep(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// Acknowledge marks an open alert seen and taken in hand by by.
func (a *Alerts) Acknowledge(id, by string) (Alert, error) {
	return a.change(id, func(al *Alert, now time.Time) error {
		if al.State != AlertOpen {
			return fmt.Errorf("%w: the alert is %s", ErrAlertState, al.State)
		}
		al.State, al.AckBy, al.AckAt = AlertAcknowledged, by, now
		return nil
	})
}

// Resolve closes an alert with a note saying what was done.
func (a *Alerts) Resolve(id, by, note string) (Alert, error) {
	note = strings.TrimSpace(note)
	if note == "" || len([]rune(note)) > maxText {
		return Alert{}, fmt.Errorf("%w: resolving an alert needs a note (at most %d characters)", ErrInvalid, maxText)
	}
	return a.change(id, func(al *Alert, now time.Time) error {
		if al.State == AlertResolved {
			return fmt.Errorf("%w: the alert is already resolved", ErrAlertState)
		}
		if al.AckBy == "" {
			al.AckBy, al.AckAt = by, now
		}
		al.State, al.ResolvedBy, al.ResolvedAt, al.Note = AlertResolved, by, now, note
		return nil
	})
}

func (a *Alerts) change(id string, fn func(al *Alert, now time.Time) error) (Alert, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	al, err := a.Get(id)
	if err != nil {
		return al, err
	}
	if err := fn(&al, a.now()); err != nil {
		return Alert{}, fmt.Errorf("profiles: alert %s: %w", id, err)
	}
	if err := a.db.Put(alertPrefix+al.ID, al, 0); err != nil {
		return Alert{}, fmt.Errorf("profiles: alert %s: %w", id, err)
	}
	return al, nil
}
