package profiles

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/rules"
	"fieldwatch/hub/store"
	"fieldwatch/internal/errkind"
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
	ErrUnknownAlert = errkind.New(errkind.NotFound, "not_found", "profiles: no such alert")
	ErrAlertState   = errkind.New(errkind.Conflict, "conflict", "profiles: not allowed in the alert's state")
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
// the memory it changed are one command, written in one transaction, so a
// restart neither forgets a side of a geofence nor raises a cause twice.
type Alerts struct {
	db     *store.DB
	now    func() time.Time
	submit command.Submitter
	mu     sync.Mutex // one event at a time
	memMu  sync.Mutex // guards mem
	mem    rules.MapMemory
}

// OpenAlerts loads the engine's memory; now is the clock (nil: time.Now).
func OpenAlerts(db *store.DB, now func() time.Time) (*Alerts, error) {
	return OpenAlertsWith(Params{DB: db, Now: now})
}

// OpenAlertsWith loads the engine's memory.
func OpenAlertsWith(p Params) (*Alerts, error) {
	if p.Now == nil {
		p.Now = time.Now
	}
	a := &Alerts{db: p.DB, now: p.Now, submit: p.Submit, mem: rules.MapMemory{}}
	if a.submit == nil {
		a.submit = command.Local(a)
	}
	err := p.DB.Each(memPrefix, func(key string, raw []byte) error {
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
	a.memMu.Lock()
	out := rules.Evaluate(a.mem, watches, ev)
	a.memMu.Unlock()
	if len(out.Set) == 0 && len(out.Fired) == 0 {
		return nil, nil
	}
	c := AlertsRaised{Memory: out.Set}
	for _, f := range out.Fired {
		if _, err := a.causeAlert(f.Key()); err == nil {
			continue // raised before (a replay, or before a restart)
		}
		al := Alert{ID: newID("pa", f.At), Profile: f.Profile, Rule: f.Rule, Type: f.Type, Cause: f.Cause, Message: f.Message,
			Vehicle: f.Vehicle, Camera: f.Camera, Report: f.Report, Position: f.Position, Time: f.At, State: AlertOpen, Audience: []string{}}
		if decorate != nil {
			decorate(&al)
		}
		c.Alerts = append(c.Alerts, RaisedAlert{Cause: f.Key(), Alert: al})
	}
	if err := a.submit.Submit(c); err != nil {
		return nil, fmt.Errorf("profiles: raise alerts: %w", err)
	}
	var raised []Alert
	for _, r := range c.Alerts {
		if id, err := a.causeAlert(r.Cause); err == nil && id == r.Alert.ID {
			raised = append(raised, r.Alert)
		}
	}
	return raised, nil
}

// causeAlert is the ID of the alert raised for a cause key.
func (a *Alerts) causeAlert(cause string) (string, error) {
	var id string
	err := a.db.Get(causePrefix+cause, &id)
	return id, err
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
	return a.do(id, AlertAcked{ID: id, By: by, At: a.now()})
}

// Resolve closes an alert with a note saying what was done.
func (a *Alerts) Resolve(id, by, note string) (Alert, error) {
	note = strings.TrimSpace(note)
	if note == "" || len([]rune(note)) > maxText {
		return Alert{}, fmt.Errorf("%w: resolving an alert needs a note (at most %d characters)", ErrInvalid, maxText)
	}
	return a.do(id, AlertClosed{ID: id, By: by, At: a.now(), Note: note})
}

func (a *Alerts) do(id string, c command.Command) (Alert, error) {
	if err := a.submit.Submit(c); err != nil {
		return Alert{}, err
	}
	return a.Get(id)
}
