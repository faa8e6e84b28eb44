// Commands of the calendar domain, applied by Calendar.Apply (one entry
// of the Store each):
//
//   - calendar.set: enter an announced day off or working day for a date,
//     replacing the date's previous entry
//   - calendar.unset: remove a date's entry (a built-in announcement of
//     that date applies again)
package calendar

import (
	"time"

	"fieldwatch/hub/command"
)

func init() { command.Register(SetCmd{}, UnsetCmd{}) }

// SetCmd enters an Override; its Source says who entered it when the
// administrator named no document.
type SetCmd struct {
	Override Override  `json:"override"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// UnsetCmd removes a date's entry (YYYY-MM-DD).
type UnsetCmd struct {
	Date string    `json:"date"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// CommandKind implements command.Command.
func (SetCmd) CommandKind() string { return "calendar.set" }

// CommandKind implements command.Command.
func (UnsetCmd) CommandKind() string { return "calendar.unset" }
