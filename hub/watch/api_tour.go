package watch

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
)

// TourInterval is how long the console's tour shows each camera by default.
const TourInterval = 20 * time.Second

// CoverageAnswer is the coverage of a unit's cameras in a shift, with the
// cameras' display names ("vehicle/camera" -> "vehicle · camera").
type CoverageAnswer struct {
	Unit     string            `json:"unit"`
	Shift    string            `json:"shift"`
	Coverage Coverage          `json:"coverage"`
	Names    map[string]string `json:"names"`
}

// TourCamera is one camera of one's tour.
type TourCamera struct {
	CameraRef
	Name      string `json:"name"`
	Group     string `json:"group"`
	GroupName string `json:"group_name"`
}

// Tour is the cameras one watches now and the tour's period (when one has
// assignments) and default interval.
type Tour struct {
	Cameras         []TourCamera `json:"cameras"`
	IntervalSeconds int          `json:"interval_seconds"`
	OnDuty          bool         `json:"on_duty"`
	Assignments     int          `json:"assignments"`
	From            time.Time    `json:"from,omitzero"`
	To              time.Time    `json:"to,omitzero"`
}

// handleCoverage checks that every camera of a unit's subtree was watched
// by an assigned officer on duty during the shift (?unit=&shift=),
// flagging every unwatched interval with its reason. Crew phones, which
// come and go, are not fixed cameras and are left out.
func (a *API) handleCoverage(w http.ResponseWriter, r *http.Request) error {
	unit, err := a.unit(auth.Caller(r), access.WatchRead, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	shift, period, err := a.shift(r.URL.Query().Get("shift"))
	if err != nil {
		return err
	}
	vs, seen, err := a.Fleet()
	if err != nil {
		return err
	}
	in := CoverageInput{Period: period}
	for _, c := range InScope(unit, vs, a.units.Within) {
		if !strings.HasPrefix(c.Camera, "phone-") {
			in.Cameras = append(in.Cameras, ScopeCamera{Ref: c, Since: seen[c]})
		}
	}
	list, err := a.store.Assignments(period, nil)
	if err != nil {
		return err
	}
	groups := map[string]Group{}
	for _, as := range list {
		p := Planned{Assignment: as}
		for _, id := range as.Groups {
			g, ok := groups[id]
			if !ok {
				if g, err = a.store.Group(id); err != nil {
					continue // deleted: watches nothing
				}
				groups[id] = g
			}
			p.Cameras = append(p.Cameras, Resolve(g, vs, a.units.Within)...)
		}
		in.Assignments = append(in.Assignments, p)
	}
	if in.Duty, err = a.roster.DutySets(period); err != nil {
		return err
	}
	return httpapi.OK(w, CoverageAnswer{Unit: unit, Shift: shift, Coverage: Check(in), Names: cameraNames(vs)})
}

// handleMine gives the cameras one is assigned now, without duplicates, in
// the order of one's assignments and their groups, then those of the armed
// focus profiles one watches (targeted surveillance: officers watch
// cameras per profile), with the tour's period and default interval.
func (a *API) handleMine(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	now := a.now()
	list, err := a.store.Assignments(Interval{From: now, To: now.Add(time.Nanosecond)}, func(as Assignment) bool { return as.Officer == u.Username })
	if err != nil {
		return err
	}
	vs, _, err := a.Fleet()
	if err != nil {
		return err
	}
	names, units := cameraNames(vs), map[string]string{}
	for _, v := range vs {
		units[v.ID] = v.Unit
	}
	out := Tour{Cameras: []TourCamera{}, IntervalSeconds: int(TourInterval / time.Second), Assignments: len(list)}
	seen := map[CameraRef]bool{}
	for _, as := range list {
		if out.From.IsZero() || as.From.Before(out.From) {
			out.From = as.From
		}
		if as.To.After(out.To) {
			out.To = as.To
		}
		for _, id := range as.Groups {
			g, err := a.store.Group(id)
			if err != nil {
				continue
			}
			for _, c := range Resolve(g, vs, a.units.Within) {
				if seen[c] || !access.Sees(a.units, u.Subject(), units[c.Vehicle]) {
					continue
				}
				seen[c] = true
				out.Cameras = append(out.Cameras, TourCamera{CameraRef: c, Name: names[c.String()], Group: g.ID, GroupName: g.Name})
			}
		}
	}
	profileCams, err := a.profileTour(u, now, vs, names, units)
	if err != nil {
		return err
	}
	for _, c := range profileCams {
		if !seen[c.CameraRef] {
			seen[c.CameraRef] = true
			out.Cameras = append(out.Cameras, c)
		}
	}
	if out.OnDuty, err = a.roster.OnShift(u.Username, "", now); err != nil {
		return err
	}
	return httpapi.OK(w, out)
}

// profileTour is the cameras of the focus profiles armed at now that u
// watches: each camera named in a profile's scope, and every camera of
// each vehicle in it, in the tour's order.
func (a *API) profileTour(u auth.User, now time.Time, vs []fleet.Vehicle, names, units map[string]string) ([]TourCamera, error) {
	if a.profiles == nil {
		return nil, nil
	}
	watched, err := a.profiles.Watched(u, now)
	if err != nil {
		return nil, err
	}
	var cams []TourCamera
	for _, p := range watched {
		add := func(c CameraRef) {
			if access.Sees(a.units, u.Subject(), units[c.Vehicle]) {
				cams = append(cams, TourCamera{CameraRef: c, Name: names[c.String()], Group: "profile:" + p.ID, GroupName: "Hồ sơ: " + p.Title})
			}
		}
		for _, v := range vs {
			if slices.Contains(p.Vehicles, v.ID) {
				for _, c := range v.Cameras {
					add(CameraRef{Vehicle: v.ID, Camera: c.ID})
				}
			}
		}
		for _, key := range p.Cameras {
			if vehicle, camera, ok := strings.Cut(key, "/"); ok && names[key] != "" && !slices.Contains(p.Vehicles, vehicle) {
				add(CameraRef{Vehicle: vehicle, Camera: camera})
			}
		}
	}
	return cams, nil
}
