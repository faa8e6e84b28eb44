package reports

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
)

// The commands of the reports domain, each applied by Store.Apply in one
// Badger transaction:
//
//	reports.file    Filed: a suspicious-sign report is raised (pending), with the reporter's
//	                client id that makes a resent report file once
//	reports.decide  Decided: a leader approves or rejects a pending report's proposed action
//	reports.reply   Replied: a leader answers (with the instruction sent, if any), on the timeline
//	reports.done    Finished: the approved action was carried out
//
// Photos have their own command (photos.store).

// Filed records a new report.
type Filed struct {
	Report   Report `json:"report"`
	ClientID string `json:"client_id,omitempty"`
}

// Decided records a leader's decision; Step says who, when and why.
type Decided struct {
	Report  string `json:"report"`
	Approve bool   `json:"approve"`
	Step    Step   `json:"step"`
}

// Replied records a leader's reply.
type Replied struct {
	Report string `json:"report"`
	Step   Step   `json:"step"`
}

// Finished records that the approved action was carried out.
type Finished struct {
	Report string `json:"report"`
	Step   Step   `json:"step"`
}

// CommandKind names the command.
func (Filed) CommandKind() string { return "reports.file" }

// CommandKind names the command.
func (Decided) CommandKind() string { return "reports.decide" }

// CommandKind names the command.
func (Replied) CommandKind() string { return "reports.reply" }

// CommandKind names the command.
func (Finished) CommandKind() string { return "reports.done" }

func init() { command.Register(Filed{}, Decided{}, Replied{}, Finished{}) }

// reportOf is the id of the report a command changes.
func reportOf(c command.Command) string {
	switch c := c.(type) {
	case Filed:
		return c.Report.ID
	case Decided:
		return c.Report
	case Replied:
		return c.Report
	case Finished:
		return c.Report
	}
	return ""
}

// Apply applies one of the domain's commands in one transaction.
func (s *Store) Apply(c command.Command) error {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	return s.db.Badger().Update(func(txn *badger.Txn) error {
		switch c := c.(type) {
		case Filed:
			return applyFiled(txn, c)
		case Decided:
			return update(txn, c.Report, func(r *Report) error {
				if r.State != StatePending {
					return fmt.Errorf("%w (%s)", ErrDecided, r.State)
				}
				st := c.Step
				st.What, r.State = StateRejected, StateRejected
				if c.Approve {
					st.What, r.State = StateApproved, StateApproved
				}
				r.Decision = &st
				r.Timeline = append(r.Timeline, st)
				return nil
			})
		case Replied:
			return update(txn, c.Report, func(r *Report) error {
				if r.State == StateDone {
					return ErrFinished
				}
				r.Timeline = append(r.Timeline, c.Step)
				return nil
			})
		case Finished:
			return update(txn, c.Report, func(r *Report) error {
				switch r.State {
				case StatePending, StateRejected:
					return fmt.Errorf("%w (%s)", ErrNotYet, r.State)
				case StateDone:
					return ErrFinished
				}
				r.State = StateDone
				r.Timeline = append(r.Timeline, c.Step)
				return nil
			})
		default:
			return fmt.Errorf("reports: not a reports command: %s", c.CommandKind())
		}
	})
}

func applyFiled(txn *badger.Txn, c Filed) error {
	if c.ClientID != "" {
		if _, err := txn.Get([]byte(clientKey(c.Report.By, c.ClientID))); err == nil {
			return nil // a resent report: the first one stands
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
	}
	if _, err := txn.Get([]byte(prefix + c.Report.ID)); err == nil {
		return nil // applied already
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return err
	}
	if err := set(txn, badger.NewEntry([]byte(prefix+c.Report.ID), nil), c.Report); err != nil {
		return err
	}
	if c.ClientID == "" {
		return nil
	}
	e := badger.NewEntry([]byte(clientKey(c.Report.By, c.ClientID)), nil)
	e.ExpiresAt = uint64(c.Report.Created.Add(clientTTL).Unix())
	return set(txn, e, c.Report.ID)
}

// update applies fn to a stored report inside txn.
func update(txn *badger.Txn, id string, fn func(*Report) error) error {
	item, err := txn.Get([]byte(prefix + id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	if err != nil {
		return err
	}
	var r Report
	if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &r) }); err != nil {
		return err
	}
	if err := fn(&r); err != nil {
		return err
	}
	return set(txn, badger.NewEntry([]byte(prefix+id), nil), r)
}

func set(txn *badger.Txn, e *badger.Entry, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	e.Value = data
	return txn.SetEntry(e)
}
