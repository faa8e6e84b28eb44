package rosters

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/roster"
	"fieldwatch/internal/ids"
	"fieldwatch/internal/vntime"
)

// officerRoles maps accounts to roster roles.
func officerRoles(u auth.User) []string {
	var out []string
	if u.HasRole(auth.RoleLeader) {
		out = append(out, "shift_leader", "division_leader")
	}
	if u.HasRole(auth.RoleDuty) {
		out = append(out, "office")
	}
	if u.HasRole(auth.RoleSurveillance) {
		out = append(out, "surveillance")
	}
	return out
}

// TemplateRequest is a shift template of a generate request.
type TemplateRequest struct {
	Name  string        `json:"name"`
	Start string        `json:"start"` // "08:00"
	Hours float64       `json:"hours"`
	Days  string        `json:"days"`
	Slots []roster.Slot `json:"slots"`
}

// GenerateRequest asks for a draft roster of a unit for [from, to).
type GenerateRequest struct {
	Unit       string            `json:"unit"`
	From       string            `json:"from"`
	To         string            `json:"to"`
	Preset     string            `json:"preset"` // 24h (default) or office_hours
	MinRestH   float64           `json:"min_rest_hours"`
	MaxPerWeek int               `json:"max_per_week"`
	Templates  []TemplateRequest `json:"templates"`
}

// DefaultTemplates is the 24-hour shift from 08:00 (Decision 888, Art. 10).
var DefaultTemplates = []roster.Template{{Name: "Ca trực 24 giờ", Start: 8 * time.Hour, Length: 24 * time.Hour, Days: roster.EveryDay,
	Slots: []roster.Slot{{Role: "shift_leader", Count: 1}, {Role: "office", Count: 1}, {Role: "surveillance", Count: 1}}}}

// preset is a named set of shift templates with its rest rule.
type preset struct {
	templates []roster.Template
	minRest   time.Duration
}

// presets: "24h" is the 24-hour shift; "office_hours" staffs
// surveillance in business hours on working days (Decision 888, Art. 17)
// and keeps duty outside them, and around the clock on weekends and
// public holidays, by the working-day calendar.
var presets = map[string]preset{
	"24h": {templates: DefaultTemplates, minRest: 24 * time.Hour},
	"office_hours": {minRest: 11 * time.Hour, templates: []roster.Template{
		{Name: "Giờ hành chính", Start: 7*time.Hour + 30*time.Minute, Length: 9 * time.Hour, Days: roster.WorkingDays,
			Slots: []roster.Slot{{Role: "division_leader", Count: 1}, {Role: "surveillance", Count: 2}}},
		{Name: "Trực ngoài giờ", Start: 16*time.Hour + 30*time.Minute, Length: 15 * time.Hour, Days: roster.WorkingDays,
			Slots: []roster.Slot{{Role: "shift_leader", Count: 1}, {Role: "office", Count: 1}, {Role: "surveillance", Count: 1}}},
		{Name: "Trực ngày nghỉ, lễ", Start: 7*time.Hour + 30*time.Minute, Length: 24 * time.Hour, Days: roster.NonWorkingDays,
			Slots: []roster.Slot{{Role: "shift_leader", Count: 1}, {Role: "office", Count: 1}, {Role: "surveillance", Count: 1}}},
	}},
}

// generate generates a draft roster of a unit for [from, to) from the
// active accounts of the unit's subtree, their leave respected.
func (a *API) generate(w http.ResponseWriter, r *http.Request) error {
	var req GenerateRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	u := auth.Caller(r)
	unit, err := a.unit(u, access.RosterWrite, req.Unit)
	if err != nil {
		return err
	}
	from, err1 := vntime.ParseDay(req.From)
	to, err2 := vntime.ParseDay(req.To)
	if err := errors.Join(err1, err2); err != nil || !from.Before(to) || to.Sub(from) > 190*24*time.Hour {
		return fmt.Errorf("%w: from and to are YYYY-MM-DD, from before to, at most about six months", ErrBadRequest)
	}
	if req.Preset == "" {
		req.Preset = "24h"
	}
	p, ok := presets[req.Preset]
	if !ok {
		return fmt.Errorf("%w: preset %q: 24h or office_hours", ErrBadRequest, req.Preset)
	}
	templates := p.templates
	if len(req.Templates) > 0 {
		templates = nil
		for _, t := range req.Templates {
			st, err := time.Parse("15:04", t.Start)
			if err != nil {
				return fmt.Errorf("%w: template start %q (HH:MM)", ErrBadRequest, t.Start)
			}
			templates = append(templates, roster.Template{Name: t.Name, Start: time.Duration(st.Hour())*time.Hour + time.Duration(st.Minute())*time.Minute,
				Length: time.Duration(t.Hours * float64(time.Hour)), Days: t.Days, Slots: t.Slots})
		}
	}
	users, err := a.accounts.Users()
	if err != nil {
		return err
	}
	var officers []roster.Officer
	for _, acct := range users {
		if acct.Retired || acct.Locked || !a.scope.Tree.Within(acct.Unit, unit) {
			continue
		}
		if roles := officerRoles(acct); len(roles) > 0 {
			officers = append(officers, roster.Officer{ID: acct.Username, Name: acct.Name, Department: acct.Unit, Roles: roles})
		}
	}
	// Shifts of the last day run into the next two at most: leave up to then counts.
	if err := a.withLeave(officers, from, to.AddDate(0, 0, 2)); err != nil {
		return err
	}
	rules := roster.Rules{MinRest: time.Duration(req.MinRestH * float64(time.Hour)), MaxPerWeek: req.MaxPerWeek}
	if req.MinRestH == 0 {
		rules.MinRest = p.minRest
	}
	gen, err := roster.Generate(roster.Request{From: from, To: to, Zone: vntime.Zone, Officers: officers, Templates: templates,
		Rules: rules, Days: a.days, Seed: a.seed()})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	s := Roster{ID: ids.New(), Unit: unit, From: from, To: to, Created: a.now(), CreatedBy: u.Username, Roster: gen, Overrides: []Override{}}
	if err := a.svc.store.Create(s); err != nil {
		return err
	}
	a.audit.Record(r, u, "roster.generate", s.ID, fmt.Sprintf("%s %s–%s: %d shifts filled, %d unfilled", unit, req.From, req.To, len(gen.Assignments), len(gen.Unfilled)))
	v, err := ViewOf(s)
	if err != nil {
		return err
	}
	return httpapi.Created(w, v)
}

// withLeave marks the leave overlapping [from, to) on the officers.
func (a *API) withLeave(officers []roster.Officer, from, to time.Time) error {
	if a.leave == nil {
		return nil
	}
	periods, err := a.leave.Overlapping(from, to)
	if err != nil {
		return err
	}
	for i := range officers {
		for _, p := range periods[officers[i].ID] {
			officers[i].Unavailable = append(officers[i].Unavailable, roster.Period{From: p[0], To: p[1]})
		}
	}
	return nil
}
