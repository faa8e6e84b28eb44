package server

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/watch"
)

// profileTour is the cameras of the focus profiles armed at now that u
// watches (named a watcher, or on shift as a surveillance officer of a
// profile watched by those on duty): each camera named in a profile's
// scope, and every camera of each vehicle in it, in the tour's order.
func (h *Hub) profileTour(u auth.User, now time.Time, vs []fleet.Vehicle, names, units map[string]string) ([]tourCamera, error) {
	in, err := h.profiles.InForce(now)
	if err != nil {
		return nil, err
	}
	var cams []tourCamera
	for _, p := range in {
		if !p.Armed(now) || !access.Sees(h.units, u.Subject(), p.Unit) {
			continue
		}
		watches := slices.Contains(p.Spec.Watchers, u.Username)
		if !watches && p.Spec.WatchOnDuty {
			list, err := h.onDuty(p.Unit, now)
			if err != nil {
				return nil, fmt.Errorf("profile tour: %w", err)
			}
			watches = slices.ContainsFunc(list, func(d OnDuty) bool { return d.Officer == u.Username && d.Role == "surveillance" })
		}
		if !watches {
			continue
		}
		add := func(c watch.CameraRef) {
			if access.Sees(h.units, u.Subject(), units[c.Vehicle]) {
				cams = append(cams, tourCamera{CameraRef: c, Name: names[c.String()], Group: "profile:" + p.ID, GroupName: "Hồ sơ: " + p.Spec.Title})
			}
		}
		for _, v := range vs {
			if slices.Contains(p.Spec.Scope.Vehicles, v.ID) {
				for _, c := range v.Cameras {
					add(watch.CameraRef{Vehicle: v.ID, Camera: c.ID})
				}
			}
		}
		for _, key := range p.Spec.Scope.Cameras {
			if vehicle, camera, ok := strings.Cut(key, "/"); ok && names[key] != "" && !slices.Contains(p.Spec.Scope.Vehicles, vehicle) {
				add(watch.CameraRef{Vehicle: vehicle, Camera: camera})
			}
		}
	}
	return cams, nil
}
