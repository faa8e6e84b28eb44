package dutylog

import (
	"time"

	"fieldwatch/hub/command"
)

// The duty log's commands:
//
//   - dutylog.entry_written: an officer wrote an entry in the unit's log (the entry whole: ID, shift, time, author).
//   - dutylog.entry_closed: an open item was closed (by whom, when).
//   - dutylog.handover_begun: the outgoing officer handed over the shift (summary and the open items as they stood).
//   - dutylog.handover_accepted: the incoming officer took the shift.
func init() {
	command.Register(EntryWritten{}, EntryClosed{}, HandoverBegun{}, HandoverAccepted{})
}

// EntryWritten stores a new entry.
type EntryWritten struct {
	Entry Entry `json:"entry"`
}

// EntryClosed closes an open entry.
type EntryClosed struct {
	Unit string    `json:"unit"`
	ID   string    `json:"id"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// HandoverBegun stores a new handover, pending acceptance.
type HandoverBegun struct {
	Handover Handover `json:"handover"`
}

// HandoverAccepted records the incoming officer taking the shift.
type HandoverAccepted struct {
	Unit   string    `json:"unit"`
	ID     string    `json:"id"`
	By     string    `json:"by"`
	ByName string    `json:"by_name"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

// CommandKind names the command.
func (EntryWritten) CommandKind() string { return "dutylog.entry_written" }

// CommandKind names the command.
func (EntryClosed) CommandKind() string { return "dutylog.entry_closed" }

// CommandKind names the command.
func (HandoverBegun) CommandKind() string { return "dutylog.handover_begun" }

// CommandKind names the command.
func (HandoverAccepted) CommandKind() string { return "dutylog.handover_accepted" }
