package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
	"fieldwatch/hub/roster"
	"fieldwatch/hub/store"
)

// storedRoster is a unit's roster for a period, with its proposed overrides.
type storedRoster struct {
	ID          string           `json:"id"`
	Unit        string           `json:"unit"`
	From        time.Time        `json:"from"`
	To          time.Time        `json:"to"`
	Created     time.Time        `json:"created"`
	CreatedBy   string           `json:"created_by"`
	Published   time.Time        `json:"published,omitzero"`
	PublishedBy string           `json:"published_by,omitempty"`
	Roster      *roster.Roster   `json:"roster"`
	Overrides   []storedOverride `json:"overrides"`
}

type storedOverride struct {
	roster.Override
	N         int       `json:"n"`
	By        string    `json:"by"`
	Proposed  time.Time `json:"proposed"`
	DecidedBy string    `json:"decided_by,omitempty"`
	Decided   time.Time `json:"decided,omitzero"`
	Note      string    `json:"note,omitempty"`
}

var rosterMu sync.Mutex // serialises roster read-modify-write

func rosterKey(id string) string { return "roster/" + id }

// rosterView is a stored roster with its approved overrides applied.
type rosterView struct {
	storedRoster
	Effective *roster.Roster `json:"effective"`
}

func (h *Hub) rosterView(s storedRoster) (rosterView, error) {
	var ovs []roster.Override
	for _, o := range s.Overrides {
		ovs = append(ovs, o.Override)
	}
	eff, err := s.Roster.Apply(ovs)
	return rosterView{storedRoster: s, Effective: eff}, err
}

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

type templateRequest struct {
	Name  string        `json:"name"`
	Start string        `json:"start"` // "08:00"
	Hours float64       `json:"hours"`
	Days  string        `json:"days"`
	Slots []roster.Slot `json:"slots"`
}

// defaultTemplates: the 24-hour shift from 08:00 (Decision 888, Art. 10).
var defaultTemplates = []roster.Template{{Name: "Ca trực 24 giờ", Start: 8 * time.Hour, Length: 24 * time.Hour, Days: roster.EveryDay,
	Slots: []roster.Slot{{Role: "shift_leader", Count: 1}, {Role: "office", Count: 1}, {Role: "surveillance", Count: 1}}}}

// rosterPreset is a named set of shift templates with its rest rule.
type rosterPreset struct {
	templates []roster.Template
	minRest   time.Duration
}

// rosterPresets: "24h" is the 24-hour shift; "office_hours" staffs
// surveillance in business hours on working days (Decision 888, Art. 17)
// and keeps duty outside them, and around the clock on weekends and
// public holidays, by the working-day calendar.
var rosterPresets = map[string]rosterPreset{
	"24h": {templates: defaultTemplates, minRest: 24 * time.Hour},
	"office_hours": {minRest: 11 * time.Hour, templates: []roster.Template{
		{Name: "Giờ hành chính", Start: 7*time.Hour + 30*time.Minute, Length: 9 * time.Hour, Days: roster.WorkingDays,
			Slots: []roster.Slot{{Role: "division_leader", Count: 1}, {Role: "surveillance", Count: 2}}},
		{Name: "Trực ngoài giờ", Start: 16*time.Hour + 30*time.Minute, Length: 15 * time.Hour, Days: roster.WorkingDays,
			Slots: []roster.Slot{{Role: "shift_leader", Count: 1}, {Role: "office", Count: 1}, {Role: "surveillance", Count: 1}}},
		{Name: "Trực ngày nghỉ, lễ", Start: 7*time.Hour + 30*time.Minute, Length: 24 * time.Hour, Days: roster.NonWorkingDays,
			Slots: []roster.Slot{{Role: "shift_leader", Count: 1}, {Role: "office", Count: 1}, {Role: "surveillance", Count: 1}}},
	}},
}

// handleGenerateRoster generates a draft roster of a unit for [from, to)
// from the active accounts of the unit's subtree.
func (h *Hub) handleGenerateRoster(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Unit       string            `json:"unit"`
		From       string            `json:"from"`
		To         string            `json:"to"`
		Preset     string            `json:"preset"` // 24h (default) or office_hours
		MinRestH   float64           `json:"min_rest_hours"`
		MaxPerWeek int               `json:"max_per_week"`
		Templates  []templateRequest `json:"templates"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	unit, ok := h.dutyUnit(w, r, u, access.RosterWrite, req.Unit)
	if !ok {
		return
	}
	from, err1 := time.ParseInLocation(time.DateOnly, req.From, calendar.Zone)
	to, err2 := time.ParseInLocation(time.DateOnly, req.To, calendar.Zone)
	if err := errors.Join(err1, err2); err != nil || !from.Before(to) || to.Sub(from) > 190*24*time.Hour {
		writeError(w, r, h.log, fmt.Errorf("%w: from and to are YYYY-MM-DD, from before to, at most about six months", errBadRequest))
		return
	}
	if req.Preset == "" {
		req.Preset = "24h"
	}
	preset, ok := rosterPresets[req.Preset]
	if !ok {
		writeError(w, r, h.log, fmt.Errorf("%w: preset %q: 24h or office_hours", errBadRequest, req.Preset))
		return
	}
	templates := preset.templates
	if len(req.Templates) > 0 {
		templates = nil
		for _, t := range req.Templates {
			st, err := time.Parse("15:04", t.Start)
			if err != nil {
				writeError(w, r, h.log, fmt.Errorf("%w: template start %q (HH:MM)", errBadRequest, t.Start))
				return
			}
			templates = append(templates, roster.Template{Name: t.Name, Start: time.Duration(st.Hour())*time.Hour + time.Duration(st.Minute())*time.Minute,
				Length: time.Duration(t.Hours * float64(time.Hour)), Days: t.Days, Slots: t.Slots})
		}
	}
	users, err := h.auth.Users()
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	var officers []roster.Officer
	for _, a := range users {
		if a.Retired || a.Locked || !h.units.Within(a.Unit, unit) {
			continue
		}
		if roles := officerRoles(a); len(roles) > 0 {
			officers = append(officers, roster.Officer{ID: a.Username, Name: a.Name, Department: a.Unit, Roles: roles})
		}
	}
	// Shifts of the last day run into the next two at most: leave up to then counts.
	if err := h.withLeave(officers, from, to.AddDate(0, 0, 2)); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	rules := roster.Rules{MinRest: time.Duration(req.MinRestH * float64(time.Hour)), MaxPerWeek: req.MaxPerWeek}
	if req.MinRestH == 0 {
		rules.MinRest = preset.minRest
	}

	gen, err := roster.Generate(roster.Request{From: from, To: to, Zone: calendar.Zone, Officers: officers, Templates: templates,
		Rules: rules, Days: h.calendar, Seed: uint64(time.Now().UnixNano())})
	if err != nil {
		writeError(w, r, h.log, fmt.Errorf("%w: %v", errBadRequest, err))
		return
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	s := storedRoster{ID: "lt-" + hex.EncodeToString(b[:]), Unit: unit, From: from, To: to, Created: time.Now(), CreatedBy: u.Username,
		Roster: gen, Overrides: []storedOverride{}}
	if err := h.db.Put(rosterKey(s.ID), s, 0); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "roster.generate", s.ID, fmt.Sprintf("%s %s–%s: %d shifts filled, %d unfilled", unit, req.From, req.To, len(gen.Assignments), len(gen.Unfilled)))
	v, err := h.rosterView(s)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

// loadRoster reads the path's roster and checks u may take a on its unit.
func (h *Hub) loadRoster(w http.ResponseWriter, r *http.Request, u auth.User, a access.Action) (storedRoster, bool) {
	var s storedRoster
	if err := h.db.Get(rosterKey(r.PathValue("id")), &s); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = fmt.Errorf("%w: roster %s", errNotFound, r.PathValue("id"))
		}
		writeError(w, r, h.log, err)
		return s, false
	}
	if err := access.AllowIn(h.units, u.Subject(), a, s.Unit); err != nil {
		h.deny(w, r, u, err)
		return s, false
	}
	return s, true
}

func (h *Hub) handleRosters(w http.ResponseWriter, r *http.Request, u auth.User) {
	all, err := store.List[storedRoster](h.db, "roster/")
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	type summary struct {
		ID, Unit, CreatedBy string
		From, To, Created   time.Time
		Published           bool
		Shifts, Unfilled    int
		PendingOverrides    int
	}
	out := []summary{}
	for _, s := range all {
		if !access.Sees(h.units, u.Subject(), s.Unit) || (s.Published.IsZero() && !access.RoleMay(u.Roles, access.RosterWrite)) {
			continue
		}
		pending := 0
		for _, o := range s.Overrides {
			if o.Decided.IsZero() {
				pending++
			}
		}
		out = append(out, summary{s.ID, s.Unit, s.CreatedBy, s.From, s.To, s.Created, !s.Published.IsZero(), len(s.Roster.Assignments), len(s.Roster.Unfilled), pending})
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Hub) handleRoster(w http.ResponseWriter, r *http.Request, u auth.User) {
	s, ok := h.loadRoster(w, r, u, access.RosterRead)
	if !ok {
		return
	}
	if s.Published.IsZero() && !access.RoleMay(u.Roles, access.RosterWrite) {
		writeError(w, r, h.log, fmt.Errorf("%w: the roster is not published yet", errNotFound))
		return
	}
	v, err := h.rosterView(s)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// handlePublishRoster: a leader publishes the roster.
func (h *Hub) handlePublishRoster(w http.ResponseWriter, r *http.Request, u auth.User) {
	rosterMu.Lock()
	defer rosterMu.Unlock()
	s, ok := h.loadRoster(w, r, u, access.RosterApprove)
	if !ok {
		return
	}
	s.Published, s.PublishedBy, s.Roster.Published = time.Now(), u.Username, true
	if err := h.db.Put(rosterKey(s.ID), s, 0); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "roster.publish", s.ID, s.Unit)
	h.noticeRoster(u, s)
	v, _ := h.rosterView(s)
	writeJSON(w, http.StatusOK, v)
}

// handleProposeOverride: a swap or replacement, pending a leader's approval.
func (h *Hub) handleProposeOverride(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Shift string    `json:"shift"`
		Start time.Time `json:"start"`
		Role  string    `json:"role"`
		From  string    `json:"from"`
		To    string    `json:"to"`
		Note  string    `json:"note"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	rosterMu.Lock()
	defer rosterMu.Unlock()
	s, ok := h.loadRoster(w, r, u, access.RosterWrite)
	if !ok {
		return
	}
	ov := roster.Override{Shift: req.Shift, Start: req.Start, Role: req.Role, From: req.From, To: req.To, Approved: true}
	if _, err := s.Roster.Apply([]roster.Override{ov}); err != nil { // would it hold if approved?
		writeError(w, r, h.log, fmt.Errorf("%w: %v", errConflict, err))
		return
	}
	ov.Approved = false
	so := storedOverride{Override: ov, N: len(s.Overrides) + 1, By: u.Username, Proposed: time.Now(), Note: strings.TrimSpace(req.Note)}
	s.Overrides = append(s.Overrides, so)
	if err := h.db.Put(rosterKey(s.ID), s, 0); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "roster.propose", s.ID, fmt.Sprintf("#%d %s → %s, %s %s", so.N, ov.From, ov.To, ov.Shift, ov.Start.In(calendar.Zone).Format("02/01")))
	writeJSON(w, http.StatusCreated, so)
}

// handleDecideOverride: a leader approves or rejects a proposed override.
func (h *Hub) handleDecideOverride(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Approve bool   `json:"approve"`
		Note    string `json:"note"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	rosterMu.Lock()
	defer rosterMu.Unlock()
	s, ok := h.loadRoster(w, r, u, access.RosterApprove)
	if !ok {
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	i := slices.IndexFunc(s.Overrides, func(o storedOverride) bool { return o.N == n })
	if err != nil || i < 0 {
		writeError(w, r, h.log, fmt.Errorf("%w: override %s", errNotFound, r.PathValue("n")))
		return
	}
	o := &s.Overrides[i]
	if !o.Decided.IsZero() {
		writeError(w, r, h.log, fmt.Errorf("%w: override #%d is already decided", errConflict, n))
		return
	}
	o.Decided, o.DecidedBy, o.Note = time.Now(), u.Username, strings.TrimSpace(req.Note)
	o.Approved, o.Rejected = req.Approve, !req.Approve
	if _, err := h.rosterView(s); err != nil { // the roster changed since: refuse rather than store a broken one
		writeError(w, r, h.log, fmt.Errorf("%w: %v", errConflict, err))
		return
	}
	if err := h.db.Put(rosterKey(s.ID), s, 0); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	verb := "reject"
	if req.Approve {
		verb = "approve"
	}
	h.audit(r, u, "roster."+verb, s.ID, fmt.Sprintf("#%d %s → %s", n, o.From, o.To))
	if req.Approve {
		h.noticeSwap(u, s, *o)
	}
	v, _ := h.rosterView(s)
	writeJSON(w, http.StatusOK, v)
}
