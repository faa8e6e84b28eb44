package fleet

import (
	"fmt"

	"fieldwatch/hub/command"
)

// The fleet's commands:
//
//   - fleet.put_vehicle: register a vehicle or replace its record (name,
//     unit, cameras), e.g. from the configuration or when a crew member's
//     phone becomes one of its cameras.

// PutVehicle registers a vehicle or replaces its record.
type PutVehicle struct {
	Vehicle Vehicle `json:"vehicle"`
}

// CommandKind names the command.
func (PutVehicle) CommandKind() string { return "fleet.put_vehicle" }

func init() { command.Register(PutVehicle{}) }

// Apply applies one of the fleet's commands in one transaction.
func (f *Fleet) Apply(c command.Command) error {
	switch c := c.(type) {
	case PutVehicle:
		if err := c.Vehicle.Validate(); err != nil {
			return err
		}
		return f.db.Put("vehicle/"+c.Vehicle.ID, c.Vehicle, 0)
	case *PutVehicle:
		return f.Apply(*c)
	}
	return fmt.Errorf("%w: fleet cannot apply %s", command.ErrUnknownKind, c.CommandKind())
}
