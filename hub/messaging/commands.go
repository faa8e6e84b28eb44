package messaging

import (
	"time"

	"fieldwatch/hub/command"
)

// The commands of the messaging domain, each applied by Store.Apply in one
// Badger transaction:
//
//	messaging.send      InstructionSent: an instruction is recorded with its recipients (vehicles and
//	                    officers, each "sent"), and the sender's client id that makes a retry send once
//	messaging.notice    NoticeSent: the same for a notice to officers (a roster's publication, a swap,
//	                    a shift reminder), seen by its recipients and its sender only
//	messaging.queue     Queued: an instruction took sequence Seq in a vehicle's hub>vehicle stream
//	messaging.receipt   ReceiptGiven: a recipient's progress: delivered (the vehicle acked it, the
//	                    officer's app fetched it), read or acknowledged, by whom and when
//	messaging.escalate  Escalated: an overdue urgent instruction was escalated, to whom and when
//
// The outbound and inbound streams themselves (internal/outbox) are the
// hub's link to its vehicles, not replicated state: a hub queues what the
// records say is not queued yet.

// InstructionSent records a new instruction.
type InstructionSent struct {
	Instruction Instruction `json:"instruction"`
	ClientID    string      `json:"client_id,omitempty"`
}

// NoticeSent records a new notice to officers.
type NoticeSent struct {
	Instruction Instruction `json:"instruction"`
	ClientID    string      `json:"client_id,omitempty"`
}

// Queued records the sequence an instruction took in a vehicle's stream.
type Queued struct {
	Instruction string `json:"instruction"`
	Vehicle     string `json:"vehicle"`
	Seq         uint64 `json:"seq"`
}

// ReceiptGiven moves a recipient (a vehicle's crew, or a user when Vehicle
// is empty) forward to State at At.
type ReceiptGiven struct {
	Instruction string    `json:"instruction"`
	Vehicle     string    `json:"vehicle,omitempty"`
	User        string    `json:"user,omitempty"`
	State       string    `json:"state"`
	By          string    `json:"by,omitempty"`
	At          time.Time `json:"at"`
}

// Escalated marks an instruction escalated (once).
type Escalated struct {
	Instruction string    `json:"instruction"`
	At          time.Time `json:"at"`
	To          []string  `json:"to"`
}

// CommandKind names the command.
func (InstructionSent) CommandKind() string { return "messaging.send" }

// CommandKind names the command.
func (NoticeSent) CommandKind() string { return "messaging.notice" }

// CommandKind names the command.
func (Queued) CommandKind() string { return "messaging.queue" }

// CommandKind names the command.
func (ReceiptGiven) CommandKind() string { return "messaging.receipt" }

// CommandKind names the command.
func (Escalated) CommandKind() string { return "messaging.escalate" }

func init() {
	command.Register(InstructionSent{}, NoticeSent{}, Queued{}, ReceiptGiven{}, Escalated{})
}
