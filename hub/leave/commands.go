package leave

import (
	"time"

	"fieldwatch/hub/command"
)

// The leave domain's commands:
//
//   - leave.added: a leave period was entered for an officer (its ID, who entered it and when are in it).
//   - leave.removed: a leave period was removed.
func init() { command.Register(Added{}, Removed{}) }

// Added stores a new leave period.
type Added struct {
	Leave Leave `json:"leave"`
}

// Removed removes a leave period.
type Removed struct {
	ID string    `json:"id"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// CommandKind names the command.
func (Added) CommandKind() string { return "leave.added" }

// CommandKind names the command.
func (Removed) CommandKind() string { return "leave.removed" }
