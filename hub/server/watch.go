package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/samples"
	"fieldwatch/hub/watch"
)

// Continuous surveillance (issue 5, item 4): camera groups, watch
// assignments, the coverage check and one's own tour.

// watchErr maps the watch and samples packages' errors to the HTTP layer's.
func watchErr(err error) error {
	switch {
	case errors.Is(err, watch.ErrInvalid), errors.Is(err, samples.ErrInvalid):
		return fmt.Errorf("%w: %v", errBadRequest, err)
	case errors.Is(err, watch.ErrUnknown), errors.Is(err, samples.ErrUnknown):
		return fmt.Errorf("%w: %v", errNotFound, err)
	case errors.Is(err, samples.ErrDone):
		return fmt.Errorf("%w: %v", errConflict, err)
	}
	return err
}

// watchFleet lists the fleet and dates cameras the watch register has not
// seen before (a camera added mid-shift is checked from then on).
func (h *Hub) watchFleet() ([]fleet.Vehicle, map[watch.CameraRef]time.Time, error) {
	vs, err := h.fleet.List()
	if err != nil {
		return nil, nil, err
	}
	seen, err := h.watch.NoteCameras(vs)
	return vs, seen, err
}

// groupView is a group with its cameras as the fleet stands now.
type groupView struct {
	watch.Group
	Cameras []watch.CameraRef `json:"cameras"`
}

func (h *Hub) viewGroup(g watch.Group, vs []fleet.Vehicle) groupView {
	cams := watch.Resolve(g, vs, h.units.Within)
	if cams == nil {
		cams = []watch.CameraRef{}
	}
	return groupView{Group: g, Cameras: cams}
}

// handleWatchGroups lists the groups of a unit's subtree (?unit=, default one's own).
func (h *Hub) handleWatchGroups(w http.ResponseWriter, r *http.Request, u auth.User) {
	unit, ok := h.dutyUnit(w, r, u, access.WatchRead, r.URL.Query().Get("unit"))
	if !ok {
		return
	}
	vs, _, err := h.watchFleet()
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	gs, err := h.watch.Groups(func(g watch.Group) bool { return h.units.Within(g.Unit, unit) })
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	out := []groupView{}
	for _, g := range gs {
		out = append(out, h.viewGroup(g, vs))
	}
	writeJSON(w, http.StatusOK, out)
}

// checkMembers: every vehicle and unit a group names lies in the group's unit.
func (h *Hub) checkMembers(g watch.Group) error {
	for i, m := range g.Members {
		switch m.Kind {
		case watch.MemberUnit:
			if _, ok := h.units.Get(m.Unit); !ok || !h.units.Within(m.Unit, g.Unit) {
				return fmt.Errorf("%w: member %d: unit %q is not in %s", errBadRequest, i+1, m.Unit, g.Unit)
			}
		default:
			v, err := h.fleet.Get(m.Vehicle)
			if err != nil || !h.units.Within(v.Unit, g.Unit) {
				return fmt.Errorf("%w: member %d: vehicle %q is not in %s", errBadRequest, i+1, m.Vehicle, g.Unit)
			}
			if _, ok := v.Camera(m.Camera); m.Kind == watch.MemberCamera && !ok {
				return fmt.Errorf("%w: member %d: vehicle %s has no camera %q", errBadRequest, i+1, m.Vehicle, m.Camera)
			}
		}
	}
	return nil
}

// handlePutWatchGroup creates (POST) or replaces (PUT /{id}) a group.
func (h *Hub) handlePutWatchGroup(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Unit    string         `json:"unit"`
		Name    string         `json:"name"`
		Members []watch.Member `json:"members"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	g := watch.Group{Unit: req.Unit, Name: strings.TrimSpace(req.Name), Members: req.Members, By: u.Username}
	if id := r.PathValue("id"); id != "" {
		old, err := h.watch.Group(id)
		if err != nil {
			writeError(w, r, h.log, watchErr(err))
			return
		}
		if err := access.AllowIn(h.units, u.Subject(), access.WatchWrite, old.Unit); err != nil {
			h.deny(w, r, u, err)
			return
		}
		g.ID, g.Created = old.ID, old.Created
		if g.Unit == "" {
			g.Unit = old.Unit
		}
	}
	unit, ok := h.dutyUnit(w, r, u, access.WatchWrite, g.Unit)
	if !ok {
		return
	}
	g.Unit = unit
	if err := g.Validate(); err != nil {
		writeError(w, r, h.log, watchErr(err))
		return
	}
	if err := h.checkMembers(g); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	g, err := h.watch.PutGroup(g)
	if err != nil {
		writeError(w, r, h.log, watchErr(err))
		return
	}
	vs, _, err := h.watchFleet()
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	view := h.viewGroup(g, vs)
	h.audit(r, u, "watch.group.put", g.ID, fmt.Sprintf("%s %q: %d members, %d cameras", g.Unit, g.Name, len(g.Members), len(view.Cameras)))
	status := http.StatusOK
	if r.PathValue("id") == "" {
		status = http.StatusCreated
	}
	writeJSON(w, status, view)
}

func (h *Hub) handleDeleteWatchGroup(w http.ResponseWriter, r *http.Request, u auth.User) {
	g, err := h.watch.Group(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, watchErr(err))
		return
	}
	if err := access.AllowIn(h.units, u.Subject(), access.WatchWrite, g.Unit); err != nil {
		h.deny(w, r, u, err)
		return
	}
	if err := h.watch.DeleteGroup(g.ID); err != nil {
		writeError(w, r, h.log, watchErr(err))
		return
	}
	h.audit(r, u, "watch.group.delete", g.ID, fmt.Sprintf("%s %q", g.Unit, g.Name))
	writeJSON(w, http.StatusOK, map[string]string{"deleted": g.ID})
}

// watchShift reads ?shift= (or a body's shift; default the current one) as
// the 08:00–08:00 duty day.
func (h *Hub) watchShift(s string) (string, watch.Interval, error) {
	if s == "" {
		s = watch.ShiftOf(h.watch.Now(), calendar.Zone)
	}
	p, err := watch.ShiftPeriod(s, calendar.Zone)
	return s, p, watchErr(err)
}

// assignmentView is an assignment with its officer's name and group names.
type assignmentView struct {
	watch.Assignment
	OfficerName string   `json:"officer_name"`
	GroupNames  []string `json:"group_names"`
	Cameras     int      `json:"cameras"`
}

func (h *Hub) viewAssignments(list []watch.Assignment) ([]assignmentView, error) {
	vs, _, err := h.watchFleet()
	if err != nil {
		return nil, err
	}
	out := []assignmentView{}
	for _, a := range list {
		v := assignmentView{Assignment: a, OfficerName: a.Officer, GroupNames: []string{}}
		if acc, err := h.auth.User(a.Officer); err == nil && acc.Name != "" {
			v.OfficerName = acc.Name
		}
		seen := map[watch.CameraRef]bool{}
		for _, id := range a.Groups {
			g, err := h.watch.Group(id)
			if err != nil {
				v.GroupNames = append(v.GroupNames, id+" (đã xoá)")
				continue
			}
			v.GroupNames = append(v.GroupNames, g.Name)
			for _, c := range watch.Resolve(g, vs, h.units.Within) {
				seen[c] = true
			}
		}
		v.Cameras = len(seen)
		out = append(out, v)
	}
	return out, nil
}

// handleWatchAssignments lists a unit's assignments of a shift (?unit=&shift=).
func (h *Hub) handleWatchAssignments(w http.ResponseWriter, r *http.Request, u auth.User) {
	unit, ok := h.dutyUnit(w, r, u, access.WatchRead, r.URL.Query().Get("unit"))
	if !ok {
		return
	}
	shift, period, err := h.watchShift(r.URL.Query().Get("shift"))
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	list, err := h.watch.Assignments(period, func(a watch.Assignment) bool { return h.units.Within(a.Unit, unit) })
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	views, err := h.viewAssignments(list)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit": unit, "shift": shift, "from": period.From, "to": period.To, "assignments": views})
}

// unitGroups checks that every id names a group of unit's subtree.
func (h *Hub) unitGroups(unit string, ids []string) error {
	for _, id := range ids {
		g, err := h.watch.Group(id)
		if err != nil {
			return fmt.Errorf("%w: group %q", errBadRequest, id)
		}
		if !h.units.Within(g.Unit, unit) {
			return fmt.Errorf("%w: group %q is not of unit %s", errBadRequest, id, unit)
		}
	}
	if len(ids) == 0 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		return fmt.Errorf("%w: one or more distinct groups", errBadRequest)
	}
	return nil
}
