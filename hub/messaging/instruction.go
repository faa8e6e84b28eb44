// Package messaging is the hub's end of instructions and receipts: a
// leader or duty officer sends an instruction to vehicles (their crews) or
// to officers, it travels to each vehicle through a persistent outbox over
// the control channel, and read and acknowledgement receipts come back
// through the vehicle's outbox, applied exactly once. Each instruction
// keeps, per recipient, when it was sent, delivered, read and acknowledged
// (and by whom), and whether it is overdue; an unacknowledged urgent
// instruction escalates to the duty officers who cover the recipient and
// the crews of its unit.
//
// The package owns its records (Store, changed only by the commands in
// commands.go), its HTTP routes (API), and its background loop
// (Escalation).
package messaging

import (
	"time"

	"fieldwatch/internal/errkind"
)

// Errors.
var (
	ErrInvalid = errkind.New(errkind.Invalid, "invalid", "messaging: invalid instruction")
	ErrUnknown = errkind.New(errkind.NotFound, "not_found", "messaging: no such instruction")
)

// Recipient states, in the order they are reached.
const (
	StateSent         = "sent"         // queued for the vehicle
	StateDelivered    = "delivered"    // applied by the vehicle (on its screen)
	StateRead         = "read"         // opened by a crew member
	StateAcknowledged = "acknowledged" // acknowledged by a crew member
)

// Recipient is one vehicle (its crew) or one officer an instruction goes
// to, with its progress.
type Recipient struct {
	Vehicle      string    `json:"vehicle,omitempty"`
	User         string    `json:"user,omitempty"` // an officer or crew member, reading at the hub`
	Unit         string    `json:"unit"`
	State        string    `json:"state"`
	Sent         time.Time `json:"sent"`
	Delivered    time.Time `json:"delivered,omitzero"`
	Read         time.Time `json:"read,omitzero"`
	Acknowledged time.Time `json:"acknowledged,omitzero"`
	AckedBy      string    `json:"acked_by,omitempty"`
	// Seq is the instruction's place in the hub>vehicle stream (0 for a user).
	Seq uint64 `json:"seq"`
}

// Instruction is what a leader or duty officer sent.
type Instruction struct {
	ID       string `json:"id"`
	From     string `json:"from"`
	FromName string `json:"from_name"`
	FromUnit string `json:"from_unit"`
	Text     string `json:"text"`
	Urgent   bool   `json:"urgent"`
	// Notice marks a notice to officers, seen by its recipients and sender only.
	Notice  bool        `json:"notice,omitempty"`
	Created time.Time   `json:"created"`
	Due     time.Time   `json:"due"` // acknowledgement expected by then
	To      []Recipient `json:"to"`
	// Escalated is when the unacknowledged instruction was escalated.
	Escalated   time.Time `json:"escalated,omitzero"`
	EscalatedTo []string  `json:"escalated_to,omitempty"`
}

// Overdue reports whether some recipient has not acknowledged by Due.
func (in *Instruction) Overdue(now time.Time) bool {
	if now.Before(in.Due) {
		return false
	}
	for _, r := range in.To {
		if r.State != StateAcknowledged {
			return true
		}
	}
	return false
}

// Body is what a vehicle receives (protocol message type "instruction").
type Body struct {
	ID       string    `json:"id"`
	From     string    `json:"from"`
	FromName string    `json:"from_name"`
	Text     string    `json:"text"`
	Urgent   bool      `json:"urgent"`
	Created  time.Time `json:"created"`
	Due      time.Time `json:"due"`
}

// Receipt is what a vehicle sends back (protocol message type "receipt").
type Receipt struct {
	Instruction string    `json:"instruction"`
	State       string    `json:"state"` // StateRead or StateAcknowledged
	By          string    `json:"by"`    // crew member's name or username
	At          time.Time `json:"at"`
}

// advance moves a recipient forward to state (never back) at time at.
func (r *Recipient) advance(state string, at time.Time, by string) bool {
	rank := map[string]int{StateSent: 0, StateDelivered: 1, StateRead: 2, StateAcknowledged: 3}
	if rank[state] <= rank[r.State] {
		return false
	}
	r.State = state
	switch state {
	case StateDelivered:
		r.Delivered = at
	case StateRead:
		r.Read = at
		if r.Delivered.IsZero() {
			r.Delivered = at
		}
	case StateAcknowledged:
		r.Acknowledged, r.AckedBy = at, by
		if r.Read.IsZero() {
			r.Read = at
		}
		if r.Delivered.IsZero() {
			r.Delivered = at
		}
	}
	return true
}
