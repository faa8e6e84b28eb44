package watch

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// AssignmentView is an assignment with its officer's name, its groups'
// names and how many cameras they hold now.
type AssignmentView struct {
	Assignment
	OfficerName string   `json:"officer_name"`
	GroupNames  []string `json:"group_names"`
	Cameras     int      `json:"cameras"`
}

// AssignmentsAnswer is a unit's assignments of a shift.
type AssignmentsAnswer struct {
	Unit        string           `json:"unit"`
	Shift       string           `json:"shift"`
	From        time.Time        `json:"from"`
	To          time.Time        `json:"to"`
	Assignments []AssignmentView `json:"assignments"`
}

// AssignRequest binds an officer to groups for a shift or from/to (RFC 3339).
type AssignRequest struct {
	Unit    string   `json:"unit"`
	Officer string   `json:"officer"`
	Groups  []string `json:"groups"`
	Shift   string   `json:"shift"`
	From    string   `json:"from"`
	To      string   `json:"to"`
}

// AutoRequest asks for the automatic spread of a unit's shift.
type AutoRequest struct {
	Unit  string `json:"unit"`
	Shift string `json:"shift"`
}

// AutoAnswer is the spread made.
type AutoAnswer struct {
	Unit        string           `json:"unit"`
	Shift       string           `json:"shift"`
	Officers    []string         `json:"officers"`
	Assignments []AssignmentView `json:"assignments"`
}

func (a *API) viewAssignments(list []Assignment) ([]AssignmentView, error) {
	vs, _, err := a.Fleet()
	if err != nil {
		return nil, err
	}
	out := []AssignmentView{}
	for _, as := range list {
		v := AssignmentView{Assignment: as, OfficerName: as.Officer, GroupNames: []string{}}
		if acc, err := a.accounts.User(as.Officer); err == nil && acc.Name != "" {
			v.OfficerName = acc.Name
		}
		seen := map[CameraRef]bool{}
		for _, id := range as.Groups {
			g, err := a.store.Group(id)
			if err != nil {
				v.GroupNames = append(v.GroupNames, id+" (đã xoá)")
				continue
			}
			v.GroupNames = append(v.GroupNames, g.Name)
			for _, c := range Resolve(g, vs, a.units.Within) {
				seen[c] = true
			}
		}
		v.Cameras = len(seen)
		out = append(out, v)
	}
	return out, nil
}

// handleAssignments lists a unit's assignments of a shift (?unit=&shift=).
func (a *API) handleAssignments(w http.ResponseWriter, r *http.Request) error {
	unit, err := a.unit(auth.Caller(r), access.WatchRead, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	shift, period, err := a.shift(r.URL.Query().Get("shift"))
	if err != nil {
		return err
	}
	list, err := a.store.Assignments(period, func(as Assignment) bool { return a.units.Within(as.Unit, unit) })
	if err != nil {
		return err
	}
	views, err := a.viewAssignments(list)
	if err != nil {
		return err
	}
	return httpapi.OK(w, AssignmentsAnswer{Unit: unit, Shift: shift, From: period.From, To: period.To, Assignments: views})
}

// unitGroups checks that every id names a group of unit's subtree.
func (a *API) unitGroups(unit string, ids []string) error {
	for _, id := range ids {
		g, err := a.store.Group(id)
		if err != nil {
			return fmt.Errorf("%w: group %q", ErrInvalid, id)
		}
		if !a.units.Within(g.Unit, unit) {
			return fmt.Errorf("%w: group %q is not of unit %s", ErrInvalid, id, unit)
		}
	}
	if len(ids) == 0 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		return fmt.Errorf("%w: one or more distinct groups", ErrInvalid)
	}
	return nil
}

// handleAddAssignment binds an officer to groups for a shift or an
// explicit from/to (leader, duty officer).
func (a *API) handleAddAssignment(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req AssignRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	unit, err := a.unit(u, access.WatchWrite, req.Unit)
	if err != nil {
		return err
	}
	as := Assignment{Unit: unit, Officer: req.Officer, Groups: req.Groups, By: u.Username}
	if req.From != "" || req.To != "" {
		from, err1 := time.Parse(time.RFC3339, req.From)
		to, err2 := time.Parse(time.RFC3339, req.To)
		if err1 != nil || err2 != nil || req.Shift != "" {
			return fmt.Errorf("%w: give a shift (YYYY-MM-DD) or from and to (RFC 3339)", ErrInvalid)
		}
		as.From, as.To = from, to
	} else {
		shift, p, err := a.shift(req.Shift)
		if err != nil {
			return err
		}
		as.Shift, as.From, as.To = shift, p.From, p.To
	}
	officer, err := a.accounts.User(req.Officer)
	if err != nil || officer.Retired || !officer.HasRole(auth.RoleSurveillance, auth.RoleDuty, auth.RoleLeader) || !a.units.Within(officer.Unit, unit) && !a.units.Within(unit, officer.Unit) {
		return fmt.Errorf("%w: officer %q: an active surveillance, duty or leader account of %s or above it", ErrInvalid, req.Officer, unit)
	}
	if err := a.unitGroups(unit, as.Groups); err != nil {
		return err
	}
	if as, err = a.store.AddAssignment(as); err != nil {
		return err
	}
	a.audit.Record(r, u, "watch.assign", as.ID, fmt.Sprintf("%s %s → %s, %s–%s", unit, as.Officer, strings.Join(as.Groups, ","),
		as.From.Format(time.RFC3339), as.To.Format(time.RFC3339)))
	views, err := a.viewAssignments([]Assignment{as})
	if err != nil {
		return err
	}
	return httpapi.Created(w, views[0])
}

// handleAuto spreads a unit's groups evenly over the surveillance officers
// on duty for the shift (if none is, the other officers on duty),
// replacing the shift's earlier automatic assignments.
func (a *API) handleAuto(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req AutoRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	unit, err := a.unit(u, access.WatchWrite, req.Unit)
	if err != nil {
		return err
	}
	shift, period, err := a.shift(req.Shift)
	if err != nil {
		return err
	}
	at := period.From
	if now := a.now(); period.Contains(now) {
		at = now
	}
	officers, err := OfficersOnDuty{a.roster}.Officers(unit, at)
	if err != nil {
		return err
	}
	if len(officers) == 0 {
		return fmt.Errorf("%w: nobody of %s is on duty at %s per the published roster", ErrConflict, unit, at.Format(time.RFC3339))
	}
	vs, _, err := a.Fleet()
	if err != nil {
		return err
	}
	groups, err := a.store.Groups(func(g Group) bool { return a.units.Within(g.Unit, unit) })
	if err != nil {
		return err
	}
	if len(groups) == 0 {
		return fmt.Errorf("%w: %s has no camera group to assign", ErrConflict, unit)
	}
	var loads []Load
	for _, g := range groups {
		loads = append(loads, Load{Group: g.ID, Cameras: len(Resolve(g, vs, a.units.Within))})
	}
	spread := Spread(loads, officers)
	var fresh []Assignment
	for _, o := range officers {
		if gs := spread[o]; len(gs) > 0 {
			fresh = append(fresh, Assignment{Officer: o, Groups: gs, From: period.From, To: period.To, By: u.Username})
		}
	}
	made, err := a.store.ReplaceAuto(unit, shift, u.Username, fresh)
	if err != nil {
		return err
	}
	a.audit.Record(r, u, "watch.auto", unit+" "+shift, fmt.Sprintf("%d groups over %d officers: %s", len(groups), len(made), strings.Join(officers, ", ")))
	views, err := a.viewAssignments(made)
	if err != nil {
		return err
	}
	return httpapi.OK(w, AutoAnswer{Unit: unit, Shift: shift, Officers: officers, Assignments: views})
}

func (a *API) handleDeleteAssignment(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	as, err := a.store.Assignment(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := access.AllowIn(a.units, u.Subject(), access.WatchWrite, as.Unit); err != nil {
		return err
	}
	if err := a.store.DeleteAssignment(as.ID, u.Username); err != nil {
		return err
	}
	a.audit.Record(r, u, "watch.unassign", as.ID, fmt.Sprintf("%s %s %s", as.Unit, as.Officer, strings.Join(as.Groups, ",")))
	return httpapi.OK(w, Deleted{Deleted: as.ID})
}
