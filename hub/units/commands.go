// Commands of the units domain, applied by Tree.Apply (one record each):
//
//   - units.put: create a unit, rename it or move it under another parent
//     (refused if the parent is unknown or the move makes a cycle)
//   - units.delete: remove a unit without sub-units (whoever submits it
//     checks that no account or vehicle still belongs to it)
package units

import (
	"time"

	"fieldwatch/hub/command"
)

func init() { command.Register(PutCmd{}, DeleteCmd{}) }

// PutCmd creates, renames or moves a unit.
type PutCmd struct {
	Unit Unit      `json:"unit"`
	By   string    `json:"by"` // who: an account, or "config" for the hub's configuration
	At   time.Time `json:"at"`
}

// DeleteCmd removes a unit.
type DeleteCmd struct {
	ID string    `json:"id"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// CommandKind implements command.Command.
func (PutCmd) CommandKind() string { return "units.put" }

// CommandKind implements command.Command.
func (DeleteCmd) CommandKind() string { return "units.delete" }
