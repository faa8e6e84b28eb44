package access

// VehicleUnits tells which unit a vehicle belongs to.
type VehicleUnits interface {
	UnitOf(vehicle string) (string, error)
}

// Scope answers scope questions about units and vehicles for handlers
// that check what a request body or a record names.
type Scope struct {
	Tree     Tree
	Vehicles VehicleUnits
}

// Sees reports whether something of unit is within s's scope.
func (sc Scope) Sees(s Subject, unit string) bool { return Sees(sc.Tree, s, unit) }

// AllowIn decides whether s may take action a on something of unit.
func (sc Scope) AllowIn(s Subject, a Action, unit string) error { return AllowIn(sc.Tree, s, a, unit) }

// SeesVehicle reports whether a vehicle is within s's scope (an unknown
// vehicle is not).
func (sc Scope) SeesVehicle(s Subject, vehicle string) bool {
	unit, err := sc.Vehicles.UnitOf(vehicle)
	return err == nil && Sees(sc.Tree, s, unit)
}

// AllowVehicle decides whether s may take action a on a vehicle; an
// unknown vehicle gives the vehicle register's error.
func (sc Scope) AllowVehicle(s Subject, a Action, vehicle string) error {
	unit, err := sc.Vehicles.UnitOf(vehicle)
	if err != nil {
		return err
	}
	return AllowIn(sc.Tree, s, a, unit)
}
