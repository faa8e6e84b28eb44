package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/watch"
)

// handleAddWatchAssignment binds an officer to groups for a shift or an
// explicit from/to (leader, duty officer).
func (h *Hub) handleAddWatchAssignment(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Unit    string   `json:"unit"`
		Officer string   `json:"officer"`
		Groups  []string `json:"groups"`
		Shift   string   `json:"shift"`
		From    string   `json:"from"`
		To      string   `json:"to"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	unit, ok := h.dutyUnit(w, r, u, access.WatchWrite, req.Unit)
	if !ok {
		return
	}
	a := watch.Assignment{Unit: unit, Officer: req.Officer, Groups: req.Groups, By: u.Username}
	if req.From != "" || req.To != "" {
		from, err1 := time.Parse(time.RFC3339, req.From)
		to, err2 := time.Parse(time.RFC3339, req.To)
		if err1 != nil || err2 != nil || req.Shift != "" {
			writeError(w, r, h.log, fmt.Errorf("%w: give a shift (YYYY-MM-DD) or from and to (RFC 3339)", errBadRequest))
			return
		}
		a.From, a.To = from, to
	} else {
		shift, p, err := h.watchShift(req.Shift)
		if err != nil {
			writeError(w, r, h.log, err)
			return
		}
		a.Shift, a.From, a.To = shift, p.From, p.To
	}
	officer, err := h.auth.User(req.Officer)
	if err != nil || officer.Retired || !officer.HasRole(auth.RoleSurveillance, auth.RoleDuty, auth.RoleLeader) || !h.units.Within(officer.Unit, unit) && !h.units.Within(unit, officer.Unit) {
		writeError(w, r, h.log, fmt.Errorf("%w: officer %q: an active surveillance, duty or leader account of %s or above it", errBadRequest, req.Officer, unit))
		return
	}
	if err := h.unitGroups(unit, a.Groups); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	a, err = h.watch.AddAssignment(a)
	if err != nil {
		writeError(w, r, h.log, watchErr(err))
		return
	}
	h.audit(r, u, "watch.assign", a.ID, fmt.Sprintf("%s %s → %s, %s–%s", unit, a.Officer, strings.Join(a.Groups, ","),
		a.From.Format(time.RFC3339), a.To.Format(time.RFC3339)))
	views, err := h.viewAssignments([]watch.Assignment{a})
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusCreated, views[0])
}

// handleAutoWatchAssign spreads a unit's groups evenly over the
// surveillance officers on duty for the shift (if none is, the other
// officers on duty), replacing the shift's earlier automatic assignments.
func (h *Hub) handleAutoWatchAssign(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Unit  string `json:"unit"`
		Shift string `json:"shift"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	unit, ok := h.dutyUnit(w, r, u, access.WatchWrite, req.Unit)
	if !ok {
		return
	}
	shift, period, err := h.watchShift(req.Shift)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	at := period.From
	if now := h.watch.Now(); period.Contains(now) {
		at = now
	}
	officers, err := h.watchOfficers(unit, at)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if len(officers) == 0 {
		writeError(w, r, h.log, fmt.Errorf("%w: nobody of %s is on duty at %s per the published roster", errConflict, unit, at.Format(time.RFC3339)))
		return
	}
	vs, _, err := h.watchFleet()
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	groups, err := h.watch.Groups(func(g watch.Group) bool { return h.units.Within(g.Unit, unit) })
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if len(groups) == 0 {
		writeError(w, r, h.log, fmt.Errorf("%w: %s has no camera group to assign", errConflict, unit))
		return
	}
	var loads []watch.Load
	for _, g := range groups {
		loads = append(loads, watch.Load{Group: g.ID, Cameras: len(watch.Resolve(g, vs, h.units.Within))})
	}
	spread := watch.Spread(loads, officers)
	var fresh []watch.Assignment
	for _, o := range officers {
		if gs := spread[o]; len(gs) > 0 {
			fresh = append(fresh, watch.Assignment{Officer: o, Groups: gs, From: period.From, To: period.To, By: u.Username})
		}
	}
	made, err := h.watch.ReplaceAuto(unit, shift, fresh)
	if err != nil {
		writeError(w, r, h.log, watchErr(err))
		return
	}
	h.audit(r, u, "watch.auto", unit+" "+shift, fmt.Sprintf("%d groups over %d officers: %s", len(groups), len(made), strings.Join(officers, ", ")))
	views, err := h.viewAssignments(made)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit": unit, "shift": shift, "officers": officers, "assignments": views})
}

// watchOfficers: who is on duty in unit's subtree at at, surveillance
// officers first; without any, the duty (office) officers; without those,
// whoever is on duty.
func (h *Hub) watchOfficers(unit string, at time.Time) ([]string, error) {
	list, err := h.onDuty(unit, at)
	if err != nil {
		return nil, err
	}
	for _, role := range []string{"surveillance", "office", ""} {
		var out []string
		for _, d := range list {
			if (role == "" || d.Role == role) && !slices.Contains(out, d.Officer) {
				out = append(out, d.Officer)
			}
		}
		if len(out) > 0 {
			slices.Sort(out)
			return out, nil
		}
	}
	return nil, nil
}

func (h *Hub) handleDeleteWatchAssignment(w http.ResponseWriter, r *http.Request, u auth.User) {
	a, err := h.watch.Assignment(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, watchErr(err))
		return
	}
	if err := access.AllowIn(h.units, u.Subject(), access.WatchWrite, a.Unit); err != nil {
		h.deny(w, r, u, err)
		return
	}
	if err := h.watch.DeleteAssignment(a.ID); err != nil {
		writeError(w, r, h.log, watchErr(err))
		return
	}
	h.audit(r, u, "watch.unassign", a.ID, fmt.Sprintf("%s %s %s", a.Unit, a.Officer, strings.Join(a.Groups, ",")))
	writeJSON(w, http.StatusOK, map[string]string{"deleted": a.ID})
}
