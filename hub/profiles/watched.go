package profiles

import (
	"fmt"
	"slices"
	"time"

	"fieldwatch/hub/access"
)

// Watch is a profile armed now that someone watches, for their camera tour.
type Watch struct {
	ID, Title         string
	Vehicles, Cameras []string
}

// WatchedBy is the profiles armed at now that the subject watches, in
// units they see: those naming them a watcher, and those watched by the
// officers on duty while the subject is on shift as a surveillance
// officer of the profile's unit.
func (s *Store) WatchedBy(tree access.Tree, who access.Subject, onDuty OnDuty, now time.Time) ([]Watch, error) {
	in, err := s.InForce(now)
	if err != nil {
		return nil, err
	}
	var out []Watch
	for _, p := range in {
		if !p.Armed(now) || !access.Sees(tree, who, p.Unit) {
			continue
		}
		watches := slices.Contains(p.Spec.Watchers, who.Username)
		if !watches && p.Spec.WatchOnDuty {
			list, err := onDuty.SurveillanceOnDuty(p.Unit, now)
			if err != nil {
				return nil, fmt.Errorf("profiles watched: %w", err)
			}
			watches = slices.Contains(list, who.Username)
		}
		if watches {
			out = append(out, Watch{ID: p.ID, Title: p.Spec.Title, Vehicles: p.Spec.Scope.Vehicles, Cameras: p.Spec.Scope.Cameras})
		}
	}
	return out, nil
}
