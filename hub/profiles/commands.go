package profiles

// The commands of targeted surveillance: every change to a focus profile
// or to a profile alert is one of these, applied in one transaction
// (profiles by (*Store).Apply, alerts by (*Alerts).Apply).
//
//	profiles.draft          Drafted           a draft profile of a unit, by its author
//	profiles.edit           Edited            a draft (or rejected profile) rewritten, or a revision of an approved one proposed
//	profiles.submit         Submitted         a draft sent to the leaders
//	profiles.decide         Decided           a leader approves or rejects a submitted profile or its pending revision
//	profiles.close          Closed            a profile closed for good (a pending revision dropped)
//	profiles.alert.raise    AlertsRaised      what one event fired: the rule engine's memory it changed and each new alert
//	                                          with its cause key (a cause already alerted raises nothing)
//	profiles.alert.ack      AlertAcked        an open alert taken in hand
//	profiles.alert.resolve  AlertClosed       an alert closed with a note

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
)

func init() {
	command.Register(Drafted{}, Edited{}, Submitted{}, Decided{}, Closed{}, AlertsRaised{}, AlertAcked{}, AlertClosed{})
}

// Drafted stores a new draft profile.
type Drafted struct {
	ID     string    `json:"id"`
	Unit   string    `json:"unit"`
	Author string    `json:"author"`
	At     time.Time `json:"at"`
	Spec   Spec      `json:"spec"` // normalised
}

// Edited rewrites a draft or proposes a revision of an approved profile.
type Edited struct {
	ID   string    `json:"id"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Spec Spec      `json:"spec"` // normalised
}

// Submitted sends a draft to the leaders.
type Submitted struct {
	ID string    `json:"id"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// Decided approves or rejects what awaits a decision.
type Decided struct {
	ID      string    `json:"id"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Approve bool      `json:"approve"`
	Note    string    `json:"note"`
}

// Closed ends a profile.
type Closed struct {
	ID   string    `json:"id"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Note string    `json:"note"`
}

// AlertsRaised is what one event did to the alerts: the engine's memory
// it set and the alerts it raised, each under its cause key.
type AlertsRaised struct {
	Memory map[string]string `json:"memory,omitempty"`
	Alerts []RaisedAlert     `json:"alerts,omitempty"`
}

// RaisedAlert is a new alert and the key of its cause.
type RaisedAlert struct {
	Cause string `json:"cause"`
	Alert Alert  `json:"alert"`
}

// AlertAcked marks an open alert taken in hand.
type AlertAcked struct {
	ID string    `json:"id"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// AlertClosed closes an alert with a note.
type AlertClosed struct {
	ID   string    `json:"id"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Note string    `json:"note"`
}

// CommandKind implements command.Command.
func (Drafted) CommandKind() string      { return "profiles.draft" }
func (Edited) CommandKind() string       { return "profiles.edit" }
func (Submitted) CommandKind() string    { return "profiles.submit" }
func (Decided) CommandKind() string      { return "profiles.decide" }
func (Closed) CommandKind() string       { return "profiles.close" }
func (AlertsRaised) CommandKind() string { return "profiles.alert.raise" }
func (AlertAcked) CommandKind() string   { return "profiles.alert.ack" }
func (AlertClosed) CommandKind() string  { return "profiles.alert.resolve" }

// profileCommand is a command on one profile.
type profileCommand interface {
	command.Command
	profile() string
}

func (c Drafted) profile() string   { return c.ID }
func (c Edited) profile() string    { return c.ID }
func (c Submitted) profile() string { return c.ID }
func (c Decided) profile() string   { return c.ID }
func (c Closed) profile() string    { return c.ID }

// Apply applies one profile command in one transaction.
func (s *Store) Apply(cmd command.Command) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.db.Badger().Update(func(txn *badger.Txn) error {
		switch c := cmd.(type) {
		case Drafted:
			p := Profile{ID: c.ID, Unit: c.Unit, Author: c.Author, State: StateDraft, Revision: 1, Spec: c.Spec,
				Created: c.At, Updated: c.At, History: []Step{{Time: c.At, By: c.Author, Action: "created", Revision: 1}}}
			return store.SetJSON(txn, profilePrefix+p.ID, p)
		case Edited:
			return changeProfile(txn, c.ID, "edit", c.At, func(p *Profile) error { return p.edit(c) })
		case Submitted:
			return changeProfile(txn, c.ID, "submit", c.At, func(p *Profile) error {
				if p.State != StateDraft {
					return fmt.Errorf("%w: only a draft is submitted (this one is %s)", ErrState, p.State)
				}
				p.State = StateSubmitted
				p.History = append(p.History, Step{Time: c.At, By: c.By, Action: "submitted", Revision: p.Revision})
				return nil
			})
		case Decided:
			return changeProfile(txn, c.ID, "decide", c.At, func(p *Profile) error { return p.decide(c) })
		case Closed:
			return changeProfile(txn, c.ID, "close", c.At, func(p *Profile) error {
				if p.State == StateClosed {
					return fmt.Errorf("%w: already closed", ErrState)
				}
				p.State, p.Pending = StateClosed, nil
				p.History = append(p.History, Step{Time: c.At, By: c.By, Action: "closed", Revision: p.Revision, Note: c.Note})
				return nil
			})
		}
		return fmt.Errorf("profiles: not a profile command: %s", cmd.CommandKind())
	})
	s.approved = nil
	return err
}

func (p *Profile) edit(c Edited) error {
	switch p.State {
	case StateDraft, StateRejected:
		p.State, p.Spec, p.DecidedBy, p.Decided, p.Note = StateDraft, c.Spec, "", time.Time{}, ""
		p.History = append(p.History, Step{Time: c.At, By: c.By, Action: "edited", Revision: p.Revision})
	case StateApproved:
		if p.Spec.Window.Ended(c.At) {
			return fmt.Errorf("%w: the profile has expired", ErrState)
		}
		p.Pending = &Revision{Number: p.Revision + 1, Spec: c.Spec, Author: c.By, Proposed: c.At}
		p.History = append(p.History, Step{Time: c.At, By: c.By, Action: "revision_proposed", Revision: p.Revision + 1})
	default:
		return fmt.Errorf("%w: a %s profile cannot be edited", ErrState, p.State)
	}
	return nil
}

func (p *Profile) decide(c Decided) error {
	if !p.AwaitsDecision() {
		return fmt.Errorf("%w: nothing awaits a decision (the profile is %s)", ErrState, p.State)
	}
	if c.By == p.Proposer() || c.By == p.Author {
		return ErrOwn
	}
	verdict := map[bool]string{true: "approved", false: "rejected"}[c.Approve]
	if p.Pending != nil {
		rev := p.Pending
		if c.Approve {
			p.Spec, p.Revision = rev.Spec, rev.Number
		}
		p.Pending = nil
		p.History = append(p.History, Step{Time: c.At, By: c.By, Action: "revision_" + verdict, Revision: rev.Number, Note: c.Note})
	} else {
		p.State = map[bool]string{true: StateApproved, false: StateRejected}[c.Approve]
		p.History = append(p.History, Step{Time: c.At, By: c.By, Action: verdict, Revision: p.Revision, Note: c.Note})
	}
	p.DecidedBy, p.Decided, p.Note = c.By, c.At, c.Note
	return nil
}

// changeProfile reads a profile in txn, lets fn change it and writes it back.
func changeProfile(txn *badger.Txn, id, what string, at time.Time, fn func(*Profile) error) error {
	var p Profile
	if err := getJSON(txn, profilePrefix+id, &p); err != nil {
		if errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("%w: %q", ErrUnknown, id)
		}
		return fmt.Errorf("profiles: %s %s: %w", what, id, err)
	}
	if err := fn(&p); err != nil {
		return fmt.Errorf("profiles: %s %s: %w", what, id, err)
	}
	p.Updated = at
	return store.SetJSON(txn, profilePrefix+p.ID, p)
}

func getJSON(txn *badger.Txn, key string, v any) error {
	item, err := txn.Get([]byte(key))
	if err != nil {
		return err
	}
	return item.Value(func(val []byte) error { return json.Unmarshal(val, v) })
}

// Apply applies one alert command in one transaction.
func (a *Alerts) Apply(cmd command.Command) error {
	a.memMu.Lock()
	defer a.memMu.Unlock()
	err := a.db.Badger().Update(func(txn *badger.Txn) error {
		switch c := cmd.(type) {
		case AlertsRaised:
			for k, v := range c.Memory {
				if err := store.SetJSON(txn, memPrefix+k, v); err != nil {
					return err
				}
			}
			for _, r := range c.Alerts {
				ck := causePrefix + r.Cause
				if _, err := txn.Get([]byte(ck)); err == nil {
					continue // raised before (a replay, or before a restart)
				} else if !errors.Is(err, badger.ErrKeyNotFound) {
					return err
				}
				if err := store.SetJSON(txn, ck, r.Alert.ID); err != nil {
					return err
				}
				if err := store.SetJSON(txn, alertPrefix+r.Alert.ID, r.Alert); err != nil {
					return err
				}
			}
			return nil
		case AlertAcked:
			return changeAlert(txn, c.ID, func(al *Alert) error {
				if al.State != AlertOpen {
					return fmt.Errorf("%w: the alert is %s", ErrAlertState, al.State)
				}
				al.State, al.AckBy, al.AckAt = AlertAcknowledged, c.By, c.At
				return nil
			})
		case AlertClosed:
			return changeAlert(txn, c.ID, func(al *Alert) error {
				if al.State == AlertResolved {
					return fmt.Errorf("%w: the alert is already resolved", ErrAlertState)
				}
				if al.AckBy == "" {
					al.AckBy, al.AckAt = c.By, c.At
				}
				al.State, al.ResolvedBy, al.ResolvedAt, al.Note = AlertResolved, c.By, c.At, c.Note
				return nil
			})
		}
		return fmt.Errorf("profiles: not an alert command: %s", cmd.CommandKind())
	})
	if err != nil {
		return err
	}
	if c, ok := cmd.(AlertsRaised); ok {
		for k, v := range c.Memory {
			a.mem[k] = v
		}
	}
	return nil
}

func changeAlert(txn *badger.Txn, id string, fn func(*Alert) error) error {
	var al Alert
	if err := getJSON(txn, alertPrefix+id, &al); err != nil {
		if errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("%w: %q", ErrUnknownAlert, id)
		}
		return fmt.Errorf("profiles: alert %s: %w", id, err)
	}
	if err := fn(&al); err != nil {
		return fmt.Errorf("profiles: alert %s: %w", id, err)
	}
	return store.SetJSON(txn, alertPrefix+al.ID, al)
}
