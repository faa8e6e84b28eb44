package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/roster"
	"fieldwatch/hub/store"
)

// OnDuty is one officer on shift at an instant, per a published roster
// with its approved overrides applied.
type OnDuty struct {
	Unit   string `json:"unit"`
	Roster string `json:"roster"`
	Name   string `json:"name"` // the officer's full name
	roster.Assignment
}

// rosterSet is the published rosters of a period, read once, each with its
// approved overrides applied when first needed.
type rosterSet struct {
	h         *Hub
	rosters   []storedRoster
	effective map[string]*roster.Roster // roster id -> with approved overrides
}

// publishedRosters reads the published rosters overlapping [from, to).
func (h *Hub) publishedRosters(from, to time.Time) (*rosterSet, error) {
	all, err := store.List[storedRoster](h.db, "roster/")
	if err != nil {
		return nil, err
	}
	rs := &rosterSet{h: h, effective: map[string]*roster.Roster{}}
	for _, s := range all {
		if !s.Published.IsZero() && s.To.After(from) && s.From.Before(to) {
			rs.rosters = append(rs.rosters, s)
		}
	}
	return rs, nil
}

// effectiveOf is s with its approved overrides applied.
func (rs *rosterSet) effectiveOf(s storedRoster) (*roster.Roster, error) {
	if r, ok := rs.effective[s.ID]; ok {
		return r, nil
	}
	v, err := rs.h.rosterView(s)
	if err != nil {
		return nil, fmt.Errorf("roster %s: %w", s.ID, err)
	}
	rs.effective[s.ID] = v.Effective
	return v.Effective, nil
}

// onDutyAt is who is on shift at at in unit and the units below it (""
// means every unit). When two rosters of a unit cover the instant, the one
// published last wins. Names are left empty.
func (rs *rosterSet) onDutyAt(unit string, at time.Time) ([]OnDuty, error) {
	latest := map[string]storedRoster{} // unit -> the roster in force
	for _, s := range rs.rosters {
		if at.Before(s.From) || !at.Before(s.To) || unit != "" && !rs.h.units.Within(s.Unit, unit) {
			continue
		}
		if cur, ok := latest[s.Unit]; !ok || s.Published.After(cur.Published) {
			latest[s.Unit] = s
		}
	}
	var out []OnDuty
	for _, s := range latest {
		eff, err := rs.effectiveOf(s)
		if err != nil {
			return nil, err
		}
		for _, a := range eff.Assignments {
			if !at.Before(a.Start) && at.Before(a.End) {
				out = append(out, OnDuty{Unit: s.Unit, Roster: s.ID, Assignment: a})
			}
		}
	}
	slices.SortFunc(out, func(a, b OnDuty) int {
		if a.Unit != b.Unit {
			return strings.Compare(a.Unit, b.Unit)
		}
		if a.Role != b.Role {
			return strings.Compare(a.Role, b.Role)
		}
		return strings.Compare(a.Officer, b.Officer)
	})
	return out, nil
}

// onDuty returns who is on shift at instant at in unit and the units below
// it (unit "" means every unit), from the published rosters covering at,
// with approved swaps and replacements applied, and the officers' names.
// When two published rosters of a unit cover the instant, the one
// published last wins.
func (h *Hub) onDuty(unit string, at time.Time) ([]OnDuty, error) {
	rs, err := h.publishedRosters(at, at.Add(time.Nanosecond))
	if err != nil {
		return nil, fmt.Errorf("on duty: %w", err)
	}
	out, err := rs.onDutyAt(unit, at)
	if err != nil {
		return nil, fmt.Errorf("on duty: %w", err)
	}
	names := map[string]string{}
	for i, d := range out {
		if _, ok := names[d.Officer]; !ok {
			acct, _ := h.auth.User(d.Officer) // a retired or renamed account still shows by username
			names[d.Officer] = acct.Name
		}
		out[i].Name = names[d.Officer]
	}
	return out, nil
}

// onDutyOfficer reports whether username is on shift in unit's subtree at at.
func (h *Hub) onDutyOfficer(username, unit string, at time.Time) (bool, error) {
	list, err := h.onDuty(unit, at)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(list, func(d OnDuty) bool { return d.Officer == username }), nil
}

// handleOnDuty lists who is on shift (?unit=, default one's own unit;
// ?at=RFC3339, default now), per the published rosters.
func (h *Hub) handleOnDuty(w http.ResponseWriter, r *http.Request, u auth.User) {
	unit := r.URL.Query().Get("unit")
	if unit == "" {
		unit = u.Unit
	}
	if unit != "" {
		if err := access.AllowIn(h.units, u.Subject(), access.RosterRead, unit); err != nil {
			h.deny(w, r, u, err)
			return
		}
	} else if !u.Subject().Global() {
		writeError(w, r, h.log, fmt.Errorf("%w: unit required", errBadRequest))
		return
	}
	at := time.Now()
	if s := r.URL.Query().Get("at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			writeError(w, r, h.log, fmt.Errorf("%w: at: RFC 3339 time", errBadRequest))
			return
		}
		at = t
	}
	list, err := h.onDuty(unit, at)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if list == nil {
		list = []OnDuty{}
	}
	writeJSON(w, http.StatusOK, list)
}

// myShiftsAhead is how far ahead one's own shifts are listed.
const myShiftsAhead = 14 * 24 * time.Hour

// handleMyShifts lists one's own shifts running or starting in the next
// two weeks, per the published rosters with approved swaps, soonest first.
func (h *Hub) handleMyShifts(w http.ResponseWriter, r *http.Request, u auth.User) {
	now := time.Now()
	rs, err := h.publishedRosters(now, now.Add(myShiftsAhead+time.Nanosecond))
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	out := []OnDuty{}
	for _, s := range rs.rosters {
		eff, err := rs.effectiveOf(s)
		if err != nil {
			writeError(w, r, h.log, err)
			return
		}
		for _, a := range eff.Assignments {
			if a.Officer == u.Username && now.Before(a.End) && a.Start.Before(now.Add(myShiftsAhead)) {
				out = append(out, OnDuty{Unit: s.Unit, Roster: s.ID, Name: u.Name, Assignment: a})
			}
		}
	}
	slices.SortFunc(out, func(a, b OnDuty) int { return a.Start.Compare(b.Start) })
	writeJSON(w, http.StatusOK, out)
}
