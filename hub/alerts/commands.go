package alerts

import (
	"fmt"

	"fieldwatch/hub/command"
)

// The alerts' commands:
//
//   - alerts.raise: record an alert (its ID, time, vehicle, camera, kind
//     and message decided by whoever raised it). Alerts are not cleared:
//     they expire after the store's retention.

// Raise records an alert.
type Raise struct {
	Alert Alert `json:"alert"`
}

// CommandKind names the command.
func (Raise) CommandKind() string { return "alerts.raise" }

func init() { command.Register(Raise{}) }

// Apply applies one of the alerts' commands in one transaction.
func (s *Store) Apply(c command.Command) error {
	switch c := c.(type) {
	case Raise:
		if err := s.db.Put(prefix+c.Alert.ID, c.Alert, s.retention); err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		return nil
	case *Raise:
		return s.Apply(*c)
	}
	return fmt.Errorf("%w: alerts cannot apply %s", command.ErrUnknownKind, c.CommandKind())
}
