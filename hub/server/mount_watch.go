package server

import (
	"fmt"
	"slices"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/samples"
	"fieldwatch/hub/watch"
)

// watchAPI builds continuous surveillance's camera groups, assignments,
// coverage and tour handlers from the hub's parts.
func (h *Hub) watchAPI() *watch.API {
	return watch.NewAPI(watch.APIParams{Store: h.watch, Fleet: h.fleet, Units: h.units, Accounts: h.auth,
		Roster: watchRoster{h}, Profiles: watchProfiles{h}, Audit: h.auditLog, Now: h.watch.Now})
}

// watchRoutes: the routes of continuous surveillance: camera groups, watch assignments, coverage, samples.
func (h *Hub) watchRoutes() []httpapi.Route {
	sampleAPI := samples.NewAPI(samples.APIParams{Store: h.samples, Units: h.units,
		Officers: watch.OfficersOnDuty{Roster: watchRoster{h}}, Audit: h.auditLog,
		Now: h.watch.Now}) // the surveillance clock decides who is on duty for a list
	return append(h.watchAPI().Routes(), sampleAPI.Routes()...)
}

// watchFleet lists the fleet and dates cameras the watch register has not
// seen before (a camera added mid-shift is checked from then on).
func (h *Hub) watchFleet() ([]fleet.Vehicle, map[watch.CameraRef]time.Time, error) {
	return h.watchAPI().Fleet()
}

// watchRoster answers the watch's roster questions from the published rosters.
type watchRoster struct{ h *Hub }

// OnDuty is who is on shift in unit's subtree at at.
func (r watchRoster) OnDuty(unit string, at time.Time) ([]watch.Duty, error) {
	list, err := r.h.onDuty(unit, at)
	if err != nil {
		return nil, err
	}
	out := make([]watch.Duty, len(list))
	for i, d := range list {
		out[i] = watch.Duty{Officer: d.Officer, Role: d.Role}
	}
	return out, nil
}

// OnShift reports whether username is on shift in unit's subtree at at.
func (r watchRoster) OnShift(username, unit string, at time.Time) (bool, error) {
	return r.h.onDutyOfficer(username, unit, at)
}

// DutySets gives every officer's on-duty time within period, exactly as
// onDuty answers instant by instant: it asks at every instant where a
// published roster or one of its effective shifts begins or ends, and the
// answer holds until the next such instant.
func (r watchRoster) DutySets(period watch.Interval) (map[string]watch.Set, error) {
	rs, err := r.h.publishedRosters(period.From, period.To)
	if err != nil {
		return nil, err
	}
	bounds := []time.Time{period.From}
	add := func(t time.Time) {
		if period.Contains(t) {
			bounds = append(bounds, t)
		}
	}
	for _, s := range rs.rosters {
		add(s.From)
		add(s.To)
		eff, err := rs.effectiveOf(s)
		if err != nil {
			return nil, err
		}
		for _, a := range eff.Assignments {
			if a.End.After(period.From) && a.Start.Before(period.To) {
				add(a.Start)
				add(a.End)
			}
		}
	}
	slices.SortFunc(bounds, func(a, b time.Time) int { return a.Compare(b) })
	bounds = slices.CompactFunc(bounds, func(a, b time.Time) bool { return a.Equal(b) })
	parts := map[string][]watch.Interval{}
	for i, b := range bounds {
		end := period.To
		if i+1 < len(bounds) {
			end = bounds[i+1]
		}
		list, err := rs.onDutyAt("", b)
		if err != nil {
			return nil, err
		}
		for _, d := range list {
			parts[d.Officer] = append(parts[d.Officer], watch.Interval{From: b, To: end})
		}
	}
	out := map[string]watch.Set{}
	for o, p := range parts {
		out[o] = watch.Union(p...)
	}
	return out, nil
}

// watchProfiles gives the armed focus profiles a user watches, for the tour.
type watchProfiles struct{ h *Hub }

// Watched is the focus profiles armed at now that u watches (named a
// watcher, or on shift as a surveillance officer of a profile watched by
// those on duty) in units u sees.
func (p watchProfiles) Watched(u auth.User, now time.Time) ([]watch.ProfileWatch, error) {
	in, err := p.h.profiles.InForce(now)
	if err != nil {
		return nil, err
	}
	var out []watch.ProfileWatch
	for _, pr := range in {
		if !pr.Armed(now) || !access.Sees(p.h.units, u.Subject(), pr.Unit) {
			continue
		}
		watches := slices.Contains(pr.Spec.Watchers, u.Username)
		if !watches && pr.Spec.WatchOnDuty {
			list, err := p.h.onDuty(pr.Unit, now)
			if err != nil {
				return nil, fmt.Errorf("profile tour: %w", err)
			}
			watches = slices.ContainsFunc(list, func(d OnDuty) bool { return d.Officer == u.Username && d.Role == "surveillance" })
		}
		if watches {
			out = append(out, watch.ProfileWatch{ID: pr.ID, Title: pr.Spec.Title, Vehicles: pr.Spec.Scope.Vehicles, Cameras: pr.Spec.Scope.Cameras})
		}
	}
	return out, nil
}
