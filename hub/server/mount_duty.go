package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/dutylog"
	"fieldwatch/hub/dutyreport"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/incidents"
	"fieldwatch/hub/leave"
	"fieldwatch/hub/roster"
	"fieldwatch/hub/roster/rosters"
)

// openDuty builds the duty domains: the duty log, leave and the rosters.
func (h *Hub) openDuty() {
	h.dutylog = dutylog.New(dutylog.Params{DB: h.db})
	h.leave = leave.New(leave.Params{DB: h.db})
	h.rosters = rosters.NewService(rosters.ServiceParams{Store: rosters.NewStore(rosters.StoreParams{DB: h.db}), Tree: h.units,
		Accounts: h.auth, Messages: h.messages, UnitName: h.unitName, Log: h.log.With("component", "rosters")})
}

// dutyRoutes: the routes of rosters, leave, on duty, the duty log and handovers.
func (h *Hub) dutyRoutes() []httpapi.Route {
	scope, units, names := access.Scope{Tree: h.units}, dutyUnits{h}, dutyNames{h}
	var out []httpapi.Route
	out = append(out, dutylog.NewAPI(dutylog.APIParams{Log: h.dutylog, Scope: scope, Units: units, Audit: h.auditLog}).Routes()...)
	out = append(out, dutyreport.NewAPI(dutyreport.APIParams{Log: h.dutylog, Rosters: h.rosters, Incidents: dutyIncidents{h},
		Names: names, Scope: scope, Units: units, Audit: h.auditLog}).Routes()...)
	out = append(out, rosters.NewAPI(rosters.APIParams{Service: h.rosters, Scope: scope, Units: units, Accounts: h.auth,
		Days: h.calendar, Leave: h.leave, Audit: h.auditLog}).Routes()...)
	out = append(out, leave.NewAPI(leave.APIParams{Store: h.leave, Scope: scope, Units: units, Accounts: h.auth, Audit: h.auditLog}).Routes()...)
	return out
}

// dutyLoops: reminders of coming shifts.
func (h *Hub) dutyLoops() []func(context.Context) {
	return []func(context.Context){h.rosters.Run}
}

// dutyUnits says whether a unit exists.
type dutyUnits struct{ h *Hub }

func (u dutyUnits) Known(id string) bool { _, ok := u.h.units.Get(id); return ok }

// dutyNames names accounts and units for the duty report.
type dutyNames struct{ h *Hub }

func (n dutyNames) DisplayName(username string) string { return n.h.rosters.DisplayName(username) }
func (n dutyNames) UnitName(id string) string          { return n.h.unitName(id) }

// dutyIncidents lists the incidents a duty report shows.
type dutyIncidents struct{ h *Hub }

func (d dutyIncidents) OpenAt(unit string, at time.Time) ([]dutyreport.Incident, error) {
	open, err := d.h.incidents.List(func(in *incidents.Incident) bool {
		return d.h.units.Within(in.Unit, unit) && in.Opened.Before(at) && (in.Closed.IsZero() || in.Closed.After(at))
	})
	if err != nil {
		return nil, err
	}
	var out []dutyreport.Incident
	for _, in := range open {
		out = append(out, dutyreport.Incident{Title: in.Title, Kind: in.Kind, Where: strings.Trim(in.Vehicle+" / "+in.Camera, " /"),
			Opened: in.Opened, Due: in.Due, Assignee: in.Assignee})
	}
	return out, nil
}

// unitName is a unit's name, or its id when it has none.
func (h *Hub) unitName(id string) string {
	if u, ok := h.units.Get(id); ok && u.Name != "" {
		return u.Name
	}
	return id
}

// OnDuty is one officer on shift at an instant (the roster domain's).
type OnDuty = rosters.OnDuty

// onDuty is who is on shift at at in unit's subtree (the roster domain answers).
func (h *Hub) onDuty(unit string, at time.Time) ([]OnDuty, error) { return h.rosters.OnDuty(unit, at) }

// onDutyOfficer reports whether username is on shift in unit's subtree at at.
func (h *Hub) onDutyOfficer(username, unit string, at time.Time) (bool, error) {
	return h.rosters.OnDutyOfficer(username, unit, at)
}

// rosterSet is the published rosters of a period, as the watch coverage reads them.
type rosterSet struct {
	*rosters.Set
	rosters []rosters.Roster
}

func (rs *rosterSet) effectiveOf(r rosters.Roster) (*roster.Roster, error) { return rs.Effective(r) }
func (rs *rosterSet) onDutyAt(unit string, at time.Time) ([]OnDuty, error) {
	return rs.OnDutyAt(unit, at)
}

// publishedRosters reads the published rosters overlapping [from, to).
func (h *Hub) publishedRosters(from, to time.Time) (*rosterSet, error) {
	s, err := h.rosters.Published(from, to)
	if err != nil {
		return nil, err
	}
	return &rosterSet{Set: s, rosters: s.Rosters}, nil
}

// dutyUnit reads a unit (default the user's own) and checks u may take
// action a for it, answering the error itself.
func (h *Hub) dutyUnit(w http.ResponseWriter, r *http.Request, u auth.User, a access.Action, unit string) (string, bool) {
	unit, err := dutylog.Unit(dutyUnits{h}, access.Scope{Tree: h.units}, u, a, unit)
	if err != nil {
		if errors.Is(err, access.ErrDenied) {
			h.deny(w, r, u, err)
		} else {
			writeError(w, r, h.log, err)
		}
		return "", false
	}
	return unit, true
}
