package monitor

import (
	"fmt"
	"time"

	"fieldwatch/hub/command"
)

// The monitor's commands:
//
//   - monitor.change: a service of the hub or of a vehicle changed state
//     (running, stopped, error) at a time; it becomes the service's
//     current state and an entry of the history. Reports of the same state
//     again only refresh the current state's message and are not commands.

// Change is a service's new state, reported at At.
type Change struct {
	Service Service   `json:"service"`
	At      time.Time `json:"at"`
}

// CommandKind names the command.
func (Change) CommandKind() string { return "monitor.change" }

func init() { command.Register(Change{}) }

// Apply applies one of the monitor's commands in one transaction.
func (m *Monitor) Apply(c command.Command) error {
	switch c := c.(type) {
	case Change:
		return m.change(c)
	case *Change:
		return m.change(*c)
	}
	return fmt.Errorf("%w: monitor cannot apply %s", command.ErrUnknownKind, c.CommandKind())
}
