package server

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/watch"
)

// tourInterval is how long the console's tour shows each camera by default.
const tourInterval = 20 * time.Second

// dutySets gives every officer's on-duty time within period, exactly as
// onDuty answers instant by instant: it asks onDuty at every instant where
// a published roster or one of its effective shifts begins or ends, and
// the answer holds until the next such instant.
func (h *Hub) dutySets(period watch.Interval) (map[string]watch.Set, error) {
	rs, err := h.publishedRosters(period.From, period.To)
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

// cameraNames maps "vehicle/camera" to "vehicle name · camera name".
func cameraNames(vs []fleet.Vehicle) map[string]string {
	out := map[string]string{}
	for _, v := range vs {
		for _, c := range v.Cameras {
			out[v.ID+"/"+c.ID] = v.Name + " · " + c.Name
		}
	}
	return out
}

// handleWatchCoverage checks that every camera of a unit's subtree was
// watched by an assigned officer on duty during the shift (?unit=&shift=),
// flagging every unwatched interval with its reason. Crew phones, which
// come and go, are not fixed cameras and are left out.
func (h *Hub) handleWatchCoverage(w http.ResponseWriter, r *http.Request, u auth.User) {
	unit, ok := h.dutyUnit(w, r, u, access.WatchRead, r.URL.Query().Get("unit"))
	if !ok {
		return
	}
	shift, period, err := h.watchShift(r.URL.Query().Get("shift"))
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	vs, seen, err := h.watchFleet()
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	in := watch.CoverageInput{Period: period}
	for _, c := range watch.InScope(unit, vs, h.units.Within) {
		if !strings.HasPrefix(c.Camera, "phone-") {
			in.Cameras = append(in.Cameras, watch.ScopeCamera{Ref: c, Since: seen[c]})
		}
	}
	list, err := h.watch.Assignments(period, nil)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	groups := map[string]watch.Group{}
	for _, a := range list {
		p := watch.Planned{Assignment: a}
		for _, id := range a.Groups {
			g, ok := groups[id]
			if !ok {
				if g, err = h.watch.Group(id); err != nil {
					continue // deleted: watches nothing
				}
				groups[id] = g
			}
			p.Cameras = append(p.Cameras, watch.Resolve(g, vs, h.units.Within)...)
		}
		in.Assignments = append(in.Assignments, p)
	}
	if in.Duty, err = h.dutySets(period); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit": unit, "shift": shift, "coverage": watch.Check(in), "names": cameraNames(vs)})
}

// tourCamera is one camera of one's tour.
type tourCamera struct {
	watch.CameraRef
	Name      string `json:"name"`
	Group     string `json:"group"`
	GroupName string `json:"group_name"`
}

// handleWatchMine gives the cameras one is assigned now, without
// duplicates, in the order of one's assignments and their groups, then
// those of the armed focus profiles one watches (targeted surveillance:
// officers watch cameras per profile), with the tour's period and default
// interval.
func (h *Hub) handleWatchMine(w http.ResponseWriter, r *http.Request, u auth.User) {
	now := h.watch.Now()
	list, err := h.watch.Assignments(watch.Interval{From: now, To: now.Add(time.Nanosecond)}, func(a watch.Assignment) bool { return a.Officer == u.Username })
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	vs, _, err := h.watchFleet()
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	names, units := cameraNames(vs), map[string]string{}
	for _, v := range vs {
		units[v.ID] = v.Unit
	}
	cams := []tourCamera{}
	seen := map[watch.CameraRef]bool{}
	var from, to time.Time
	for _, a := range list {
		if from.IsZero() || a.From.Before(from) {
			from = a.From
		}
		if a.To.After(to) {
			to = a.To
		}
		for _, id := range a.Groups {
			g, err := h.watch.Group(id)
			if err != nil {
				continue
			}
			for _, c := range watch.Resolve(g, vs, h.units.Within) {
				if seen[c] || !access.Sees(h.units, u.Subject(), units[c.Vehicle]) {
					continue
				}
				seen[c] = true
				cams = append(cams, tourCamera{CameraRef: c, Name: names[c.String()], Group: g.ID, GroupName: g.Name})
			}
		}
	}
	profileCams, err := h.profileTour(u, now, vs, names, units)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	for _, c := range profileCams {
		if !seen[c.CameraRef] {
			seen[c.CameraRef] = true
			cams = append(cams, c)
		}
	}
	onDuty, err := h.onDutyOfficer(u.Username, "", now)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	out := map[string]any{"cameras": cams, "interval_seconds": int(tourInterval / time.Second), "on_duty": onDuty, "assignments": len(list)}
	if len(list) > 0 {
		out["from"], out["to"] = from, to
	}
	writeJSON(w, http.StatusOK, out)
}
