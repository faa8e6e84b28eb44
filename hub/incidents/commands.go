package incidents

// The commands of incidents: every change to an incident is one of these,
// applied by (*Store).Apply in one transaction.
//
//	incidents.open      Opened      an incident opened by hand or by the hub ("auto"), with its deadline; an automatic one
//	                                is not opened again while one of the same vehicle, camera and kind is open
//	incidents.assign    Assigned    the incident given to an officer (noted in its updates)
//	incidents.update    Updated     the day's progress note
//	incidents.gate      GateLogged  a line of the manual gate log of a camera fault
//	incidents.close     Closed      closed with its cause and fix (by an officer, or "auto" when the fault cleared)
//	incidents.escalate  Escalated   an overdue incident escalated, once

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
)

func init() {
	command.Register(Opened{}, Assigned{}, Updated{}, GateLogged{}, Closed{}, Escalated{})
}

// Opened opens an incident.
type Opened struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	Unit    string    `json:"unit"`
	Vehicle string    `json:"vehicle,omitempty"`
	Camera  string    `json:"camera,omitempty"`
	Title   string    `json:"title"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Due     time.Time `json:"due"`
}

// Assigned gives an incident to an officer.
type Assigned struct {
	ID       string    `json:"id"`
	Assignee string    `json:"assignee"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Updated posts a progress note.
type Updated struct {
	ID   string    `json:"id"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// GateLogged adds a line (its time and author set) to the gate log.
type GateLogged struct {
	ID    string    `json:"id"`
	Entry GateEntry `json:"entry"`
}

// Closed closes an incident.
type Closed struct {
	ID    string    `json:"id"`
	By    string    `json:"by"`
	At    time.Time `json:"at"`
	Cause string    `json:"cause"`
	Fix   string    `json:"fix"`
}

// Escalated marks an overdue incident escalated.
type Escalated struct {
	ID string    `json:"id"`
	At time.Time `json:"at"`
}

// CommandKind implements command.Command.
func (Opened) CommandKind() string     { return "incidents.open" }
func (Assigned) CommandKind() string   { return "incidents.assign" }
func (Updated) CommandKind() string    { return "incidents.update" }
func (GateLogged) CommandKind() string { return "incidents.gate" }
func (Closed) CommandKind() string     { return "incidents.close" }
func (Escalated) CommandKind() string  { return "incidents.escalate" }

func (c Opened) sameCause(x *Incident) bool {
	return x.Kind == c.Kind && x.Vehicle == c.Vehicle && x.Camera == c.Camera
}

// Apply applies one command of incidents in one transaction.
func (s *Store) Apply(cmd command.Command) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.db.Badger().Update(func(txn *badger.Txn) error {
		switch c := cmd.(type) {
		case Opened:
			return s.applyOpen(txn, c)
		case Assigned:
			return change(txn, c.ID, func(in *Incident) error {
				if !in.Closed.IsZero() {
					return ErrClosed
				}
				in.Assignee = c.Assignee
				in.Updates = append(in.Updates, Update{Time: c.At, By: c.By, Text: "giao cho " + c.Assignee})
				return nil
			})
		case Updated:
			return change(txn, c.ID, func(in *Incident) error {
				if !in.Closed.IsZero() {
					return ErrClosed
				}
				in.Updates = append(in.Updates, Update{Time: c.At, By: c.By, Text: c.Text})
				return nil
			})
		case GateLogged:
			return change(txn, c.ID, func(in *Incident) error {
				if !in.Closed.IsZero() {
					return ErrClosed
				}
				if in.Kind != KindCamera {
					return fmt.Errorf("%w: the gate log belongs to camera faults", ErrInvalid)
				}
				in.GateLog = append(in.GateLog, c.Entry)
				return nil
			})
		case Closed:
			return change(txn, c.ID, func(in *Incident) error {
				if !in.Closed.IsZero() {
					return ErrClosed
				}
				in.Closed, in.ClosedBy, in.Cause, in.Fix = c.At, c.By, c.Cause, c.Fix
				return nil
			})
		case Escalated:
			return change(txn, c.ID, func(in *Incident) error {
				if in.Escalated.IsZero() {
					in.Escalated = c.At
				}
				return nil
			})
		}
		return fmt.Errorf("incidents: not a command of incidents: %s", cmd.CommandKind())
	})
	return err
}

func (s *Store) applyOpen(txn *badger.Txn, c Opened) error {
	if c.By == "auto" {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte(prefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var x Incident
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &x) }); err != nil {
				return err
			}
			if x.Closed.IsZero() && c.sameCause(&x) {
				return nil // one is open for this cause already
			}
		}
	}
	in := Incident{ID: c.ID, Kind: c.Kind, Unit: c.Unit, Vehicle: c.Vehicle, Camera: c.Camera, Title: c.Title,
		Opened: c.At, OpenedBy: c.By, Due: c.Due, Updates: []Update{}, GateLog: []GateEntry{}}
	return put(txn, &in)
}

// change reads an incident in txn, lets fn change it and writes it back.
func change(txn *badger.Txn, id string, fn func(*Incident) error) error {
	item, err := txn.Get([]byte(prefix + id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	if err != nil {
		return fmt.Errorf("incidents: %w", err)
	}
	var in Incident
	if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &in) }); err != nil {
		return fmt.Errorf("incidents: decode %s: %w", id, err)
	}
	if err := fn(&in); err != nil {
		return err
	}
	return put(txn, &in)
}

func put(txn *badger.Txn, in *Incident) error {
	data, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("incidents: encode %s: %w", in.ID, err)
	}
	return txn.Set([]byte(prefix+in.ID), data)
}
