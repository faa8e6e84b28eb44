package watch

import (
	"slices"
	"time"
)

// Duty is one officer on shift at an instant, per the published rosters.
type Duty struct {
	Officer string
	Role    string // roster role: surveillance, office, ...
}

// OnDuty tells who is on shift in a unit's subtree at an instant (unit ""
// means every unit).
type OnDuty interface {
	OnDuty(unit string, at time.Time) ([]Duty, error)
}

// Roster is what the watch needs of the rosters: who is on duty at an
// instant, whether one officer is, and every officer's on-duty time within
// a period.
type Roster interface {
	OnDuty
	OnShift(username, unit string, at time.Time) (bool, error)
	DutySets(period Interval) (map[string]Set, error)
}

// Officers picks who takes surveillance work among those on duty:
// the surveillance officers; without any, the duty (office) officers;
// without those, whoever is on duty. Sorted, without duplicates.
func Officers(list []Duty) []string {
	for _, role := range []string{"surveillance", "office", ""} {
		var out []string
		for _, d := range list {
			if (role == "" || d.Role == role) && !slices.Contains(out, d.Officer) {
				out = append(out, d.Officer)
			}
		}
		if len(out) > 0 {
			slices.Sort(out)
			return out
		}
	}
	return nil
}

// OfficersOnDuty answers who takes surveillance work in a unit's subtree at
// an instant (see Officers).
type OfficersOnDuty struct{ Roster OnDuty }

// Officers lists them.
func (o OfficersOnDuty) Officers(unit string, at time.Time) ([]string, error) {
	list, err := o.Roster.OnDuty(unit, at)
	if err != nil {
		return nil, err
	}
	return Officers(list), nil
}
