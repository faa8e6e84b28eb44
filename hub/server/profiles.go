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
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/profiles"
	"fieldwatch/hub/rules"
)

// Profiles gives the focus profiles (demo seeding).
func (h *Hub) Profiles() *profiles.Store { return h.profiles }

// profileView is a profile as the API shows it: with its state at this
// moment (an approved profile past its window is expired) and whether its
// rules are armed now.
type profileView struct {
	profiles.Profile
	Status string `json:"status"`
	Armed  bool   `json:"armed"`
}

func viewProfile(p profiles.Profile, now time.Time) profileView {
	return profileView{Profile: p, Status: p.Status(now), Armed: p.Armed(now)}
}

// profileErr maps the profiles package's errors onto the HTTP layer's.
func profileErr(err error) error {
	switch {
	case errors.Is(err, profiles.ErrInvalid), errors.Is(err, rules.ErrInvalid):
		return fmt.Errorf("%w: %w", errBadRequest, err)
	case errors.Is(err, profiles.ErrUnknown), errors.Is(err, profiles.ErrUnknownAlert):
		return fmt.Errorf("%w: %w", errNotFound, err)
	case errors.Is(err, profiles.ErrState), errors.Is(err, profiles.ErrAlertState):
		return fmt.Errorf("%w: %w", errConflict, err)
	case errors.Is(err, profiles.ErrOwn):
		return fmt.Errorf("%w: %w", access.ErrDenied, err)
	}
	return err
}

// profileRequest is the body of a new profile or an edit.
type profileRequest struct {
	Unit string `json:"unit"` // new profiles only; default one's own unit
	profiles.Spec
}

// checkSpec checks what a spec names against the hub: vehicles and
// cameras u sees, watchers who exist, may watch and belong to the
// profile's line of command.
func (h *Hub) checkSpec(u auth.User, unit string, s profiles.Spec) error {
	for _, id := range s.Scope.Vehicles {
		if !h.sees(u, id) {
			return fmt.Errorf("%w: vehicle %s is not one you see", errBadRequest, id)
		}
	}
	for _, c := range s.Scope.Cameras {
		vid, cam, _ := strings.Cut(c, "/")
		v, err := h.fleet.Get(vid)
		if err != nil || !h.sees(u, vid) || !slices.ContainsFunc(v.Cameras, func(x fleet.Camera) bool { return x.ID == cam }) {
			return fmt.Errorf("%w: camera %s is not one you see", errBadRequest, c)
		}
	}
	for _, name := range s.Watchers {
		w, err := h.auth.User(name)
		if err != nil || w.Retired {
			return fmt.Errorf("%w: watcher %s is not an account", errBadRequest, name)
		}
		if !w.HasRole(access.Leader) && !w.HasRole(access.Duty) && !w.HasRole(access.Surveillance) {
			return fmt.Errorf("%w: watcher %s is not a leader, duty or surveillance officer", errBadRequest, name)
		}
		if !h.units.Within(w.Unit, unit) && !h.units.Within(unit, w.Unit) {
			return fmt.Errorf("%w: watcher %s is not of unit %s's line of command", errBadRequest, name, unit)
		}
	}
	return nil
}

// profileFor loads the path's profile and checks u may take a on its unit.
func (h *Hub) profileFor(w http.ResponseWriter, r *http.Request, u auth.User, a access.Action) (profiles.Profile, bool) {
	p, err := h.profiles.Get(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, profileErr(err))
		return p, false
	}
	if err := access.AllowIn(h.units, u.Subject(), a, p.Unit); err != nil {
		h.deny(w, r, u, err)
		return p, false
	}
	return p, true
}

// handleProfiles lists the profiles of units u sees (?state=draft|submitted|
// approved|rejected|closed|expired, or pending: awaiting a decision).
func (h *Hub) handleProfiles(w http.ResponseWriter, r *http.Request, u auth.User) {
	state, now := r.URL.Query().Get("state"), time.Now()
	list, err := h.profiles.List(func(p *profiles.Profile) bool {
		if !access.Sees(h.units, u.Subject(), p.Unit) {
			return false
		}
		return state == "" || p.Status(now) == state || state == "pending" && p.AwaitsDecision()
	})
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	out := make([]profileView, 0, len(list))
	for _, p := range list {
		out = append(out, viewProfile(p, now))
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Hub) handleProfile(w http.ResponseWriter, r *http.Request, u auth.User) {
	if p, ok := h.profileFor(w, r, u, access.ProfileRead); ok {
		writeJSON(w, http.StatusOK, viewProfile(p, time.Now()))
	}
}

// handleCreateProfile stores a draft profile of the body's unit (default
// one's own).
func (h *Hub) handleCreateProfile(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req profileRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if req.Unit == "" {
		req.Unit = u.Unit
	}
	if err := access.AllowIn(h.units, u.Subject(), access.ProfileWrite, req.Unit); err != nil {
		h.deny(w, r, u, err)
		return
	}
	spec, err := req.Spec.Normalize()
	if err == nil {
		err = h.checkSpec(u, req.Unit, spec)
	}
	if err != nil {
		writeError(w, r, h.log, profileErr(err))
		return
	}
	p, err := h.profiles.Create(req.Unit, u.Username, spec)
	if err != nil {
		writeError(w, r, h.log, profileErr(err))
		return
	}
	h.audit(r, u, "profile.create", p.ID, clipText(p.Spec.Title))
	writeJSON(w, http.StatusCreated, viewProfile(p, time.Now()))
}

// handleEditProfile edits a draft or proposes a revision of an approved
// profile (no effect until a leader approves it).
func (h *Hub) handleEditProfile(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req profileRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	p, ok := h.profileFor(w, r, u, access.ProfileWrite)
	if !ok {
		return
	}
	if req.Unit != "" && req.Unit != p.Unit {
		writeError(w, r, h.log, fmt.Errorf("%w: a profile's unit does not change", errBadRequest))
		return
	}
	spec, err := req.Spec.Normalize()
	if err == nil {
		err = h.checkSpec(u, p.Unit, spec)
	}
	if err == nil {
		p, err = h.profiles.Edit(p.ID, u.Username, spec)
	}
	if err != nil {
		writeError(w, r, h.log, profileErr(err))
		return
	}
	action := "profile.edit"
	if p.Pending != nil {
		action = "profile.revise"
	}
	h.audit(r, u, action, p.ID, clipText(spec.Title))
	writeJSON(w, http.StatusOK, viewProfile(p, time.Now()))
}

// handleProfileOp submits or closes a profile.
func (h *Hub) handleProfileOp(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Note string `json:"note"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &req); err != nil {
			writeError(w, r, h.log, err)
			return
		}
	}
	p, ok := h.profileFor(w, r, u, access.ProfileWrite)
	if !ok {
		return
	}
	var err error
	op := r.URL.Path[len(r.URL.Path)-len("submit"):]
	if op == "submit" {
		p, err = h.profiles.Submit(p.ID, u.Username)
	} else {
		op = "close"
		p, err = h.profiles.Close(p.ID, u.Username, req.Note)
	}
	if err != nil {
		writeError(w, r, h.log, profileErr(err))
		return
	}
	h.audit(r, u, "profile."+op, p.ID, clipText(req.Note))
	writeJSON(w, http.StatusOK, viewProfile(p, time.Now()))
}

// handleDecideProfile: a leader over the profile's unit, not its author,
// approves or rejects it (or its pending revision).
func (h *Hub) handleDecideProfile(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Approve *bool  `json:"approve"`
		Note    string `json:"note"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if req.Approve == nil {
		writeError(w, r, h.log, fmt.Errorf("%w: approve (true or false) is required", errBadRequest))
		return
	}
	p, ok := h.profileFor(w, r, u, access.ProfileApprove)
	if !ok {
		return
	}
	p, err := h.profiles.Decide(p.ID, u.Username, *req.Approve, req.Note)
	if errors.Is(err, profiles.ErrOwn) {
		h.deny(w, r, u, profileErr(err))
		return
	}
	if err != nil {
		writeError(w, r, h.log, profileErr(err))
		return
	}
	verdict := map[bool]string{true: "approve", false: "reject"}[*req.Approve]
	h.audit(r, u, "profile."+verdict, p.ID, fmt.Sprintf("revision %d: %s", p.History[len(p.History)-1].Revision, clipText(req.Note)))
	writeJSON(w, http.StatusOK, viewProfile(p, time.Now()))
}
