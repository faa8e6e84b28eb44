package profiles

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// Users finds accounts (a profile's watchers).
type Users interface {
	User(username string) (auth.User, error)
}

// Auditor records what a user did.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// APIParams are what the profiles' HTTP handlers need.
type APIParams struct {
	Profiles *Store
	Alerts   *Alerts
	Scope    access.Scope // units and vehicles' units
	// Cameras lists a vehicle's camera IDs (an unknown vehicle is an error).
	Cameras func(vehicle string) ([]string, error)
	Users   Users
	Audit   Auditor
	Now     func() time.Time // nil: time.Now
}

// API serves focus profiles and their alerts over HTTP.
type API struct{ p APIParams }

// NewAPI returns the profiles' handlers.
func NewAPI(p APIParams) *API {
	if p.Now == nil {
		p.Now = time.Now
	}
	return &API{p: p}
}

// Routes are the routes of targeted surveillance.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/profiles", access.ProfileRead, "", "Focus profiles of units one sees (?state=draft|submitted|approved|rejected|closed|expired|pending)", a.list).
			WithBody(nil, []View{}),
		httpapi.NewUser("POST", "/api/v1/profiles", access.ProfileWrite, "", "Draft a focus profile {unit, title, content, requirements, scope, window, rules, watchers, watch_on_duty}", a.create).
			WithBody(Request{}, View{}),
		httpapi.NewUser("GET", "/api/v1/profiles/{id}", access.ProfileRead, "", "One focus profile with its history and pending revision", a.one).
			WithBody(nil, View{}),
		httpapi.NewUser("PUT", "/api/v1/profiles/{id}", access.ProfileWrite, "", "Edit a draft, or propose a revision of an approved profile (no effect until a leader approves it)", a.edit).
			WithBody(Request{}, View{}),
		httpapi.NewUser("POST", "/api/v1/profiles/{id}/submit", access.ProfileWrite, "", "Submit a draft profile to the leaders", a.op).
			WithBody(NoteRequest{}, View{}),
		httpapi.NewUser("POST", "/api/v1/profiles/{id}/decision", access.ProfileApprove, "", "Approve or reject a profile or its pending revision {approve, note} (a leader, not its author)", a.decide).
			WithBody(DecisionRequest{}, View{}),
		httpapi.NewUser("POST", "/api/v1/profiles/{id}/close", access.ProfileWrite, "", "Close a profile for good {note}", a.op).
			WithBody(NoteRequest{}, View{}),
		httpapi.NewUser("GET", "/api/v1/profile-alerts", access.ProfileAlertRead, "", "Alerts of focus profiles of units one sees (?state=open|acknowledged|resolved, ?mine=1: addressed to me)", a.alerts).
			WithBody(nil, []Alert{}),
		httpapi.NewUser("POST", "/api/v1/profile-alerts/{id}/ack", access.ProfileAlertHandle, "", "Acknowledge a profile alert", a.alertOp).
			WithBody(NoteRequest{}, Alert{}),
		httpapi.NewUser("POST", "/api/v1/profile-alerts/{id}/resolve", access.ProfileAlertHandle, "", "Resolve a profile alert with a note {note}", a.alertOp).
			WithBody(NoteRequest{}, Alert{}),
	}
}

// View is a profile as the API shows it: with its state at this moment
// (an approved profile past its window is expired) and whether its rules
// are armed now.
type View struct {
	Profile
	Status string `json:"status"`
	Armed  bool   `json:"armed"`
}

func (a *API) view(p Profile) View {
	now := a.p.Now()
	return View{Profile: p, Status: p.Status(now), Armed: p.Armed(now)}
}

// Request is the body of a new profile or an edit.
type Request struct {
	Unit string `json:"unit"` // new profiles only; default one's own unit
	Spec
}

// NoteRequest is an optional note (submit, close, ack, resolve).
type NoteRequest struct {
	Note string `json:"note"`
}

// DecisionRequest approves or rejects.
type DecisionRequest struct {
	Approve *bool  `json:"approve"`
	Note    string `json:"note"`
}

// checkSpec checks what a spec names: vehicles and cameras u sees,
// watchers who exist, may watch and belong to the profile's line of
// command.
func (a *API) checkSpec(u auth.User, unit string, s Spec) error {
	for _, id := range s.Scope.Vehicles {
		if !a.p.Scope.SeesVehicle(u.Subject(), id) {
			return httpapi.BadRequest("vehicle %s is not one you see", id)
		}
	}
	for _, c := range s.Scope.Cameras {
		vid, cam, _ := strings.Cut(c, "/")
		cams, err := a.p.Cameras(vid)
		if err != nil || !a.p.Scope.SeesVehicle(u.Subject(), vid) || !slices.Contains(cams, cam) {
			return httpapi.BadRequest("camera %s is not one you see", c)
		}
	}
	tree := a.p.Scope.Tree
	for _, name := range s.Watchers {
		w, err := a.p.Users.User(name)
		if err != nil || w.Retired {
			return httpapi.BadRequest("watcher %s is not an account", name)
		}
		if !w.HasRole(access.Leader) && !w.HasRole(access.Duty) && !w.HasRole(access.Surveillance) {
			return httpapi.BadRequest("watcher %s is not a leader, duty or surveillance officer", name)
		}
		if !tree.Within(w.Unit, unit) && !tree.Within(unit, w.Unit) {
			return httpapi.BadRequest("watcher %s is not of unit %s's line of command", name, unit)
		}
	}
	return nil
}

// profileFor loads the path's profile and checks the caller may take ac on its unit.
func (a *API) profileFor(r *http.Request, ac access.Action) (Profile, error) {
	p, err := a.p.Profiles.Get(r.PathValue("id"))
	if err != nil {
		return p, err
	}
	return p, a.p.Scope.AllowIn(auth.Caller(r).Subject(), ac, p.Unit)
}

// list lists the profiles of units the caller sees (?state=draft|
// submitted|approved|rejected|closed|expired, or pending: awaiting a
// decision).
func (a *API) list(w http.ResponseWriter, r *http.Request) error {
	u, state, now := auth.Caller(r), r.URL.Query().Get("state"), a.p.Now()
	list, err := a.p.Profiles.List(func(p *Profile) bool {
		if !a.p.Scope.Sees(u.Subject(), p.Unit) {
			return false
		}
		return state == "" || p.Status(now) == state || state == "pending" && p.AwaitsDecision()
	})
	if err != nil {
		return err
	}
	out := make([]View, 0, len(list))
	for _, p := range list {
		out = append(out, a.view(p))
	}
	return httpapi.OK(w, out)
}

func (a *API) one(w http.ResponseWriter, r *http.Request) error {
	p, err := a.profileFor(r, access.ProfileRead)
	if err != nil {
		return err
	}
	return httpapi.OK(w, a.view(p))
}

// create stores a draft profile of the body's unit (default one's own).
func (a *API) create(w http.ResponseWriter, r *http.Request) error {
	var req Request
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	u := auth.Caller(r)
	if req.Unit == "" {
		req.Unit = u.Unit
	}
	if err := a.p.Scope.AllowIn(u.Subject(), access.ProfileWrite, req.Unit); err != nil {
		return err
	}
	spec, err := req.Spec.Normalize()
	if err == nil {
		err = a.checkSpec(u, req.Unit, spec)
	}
	if err != nil {
		return err
	}
	p, err := a.p.Profiles.Create(req.Unit, u.Username, spec)
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "profile.create", p.ID, audit.Clip(p.Spec.Title))
	return httpapi.Created(w, a.view(p))
}

// edit edits a draft or proposes a revision of an approved profile (no
// effect until a leader approves it).
func (a *API) edit(w http.ResponseWriter, r *http.Request) error {
	var req Request
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	p, err := a.profileFor(r, access.ProfileWrite)
	if err != nil {
		return err
	}
	if req.Unit != "" && req.Unit != p.Unit {
		return httpapi.BadRequest("a profile's unit does not change")
	}
	u := auth.Caller(r)
	spec, err := req.Spec.Normalize()
	if err == nil {
		err = a.checkSpec(u, p.Unit, spec)
	}
	if err == nil {
		p, err = a.p.Profiles.Edit(p.ID, u.Username, spec)
	}
	if err != nil {
		return err
	}
	action := "profile.edit"
	if p.Pending != nil {
		action = "profile.revise"
	}
	a.p.Audit.Record(r, u, action, p.ID, audit.Clip(spec.Title))
	return httpapi.OK(w, a.view(p))
}

// op submits or closes a profile.
func (a *API) op(w http.ResponseWriter, r *http.Request) error {
	var req NoteRequest
	if r.ContentLength != 0 {
		if err := httpapi.DecodeJSON(w, r, &req); err != nil {
			return err
		}
	}
	p, err := a.profileFor(r, access.ProfileWrite)
	if err != nil {
		return err
	}
	u := auth.Caller(r)
	op := "close"
	if strings.HasSuffix(r.URL.Path, "/submit") {
		op = "submit"
		p, err = a.p.Profiles.Submit(p.ID, u.Username)
	} else {
		p, err = a.p.Profiles.Close(p.ID, u.Username, req.Note)
	}
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "profile."+op, p.ID, audit.Clip(req.Note))
	return httpapi.OK(w, a.view(p))
}

// decide: a leader over the profile's unit, not its author, approves or
// rejects it (or its pending revision).
func (a *API) decide(w http.ResponseWriter, r *http.Request) error {
	var req DecisionRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Approve == nil {
		return httpapi.BadRequest("approve (true or false) is required")
	}
	p, err := a.profileFor(r, access.ProfileApprove)
	if err != nil {
		return err
	}
	u := auth.Caller(r)
	p, err = a.p.Profiles.Decide(p.ID, u.Username, *req.Approve, req.Note)
	if errors.Is(err, ErrOwn) {
		return fmt.Errorf("%w: %w", access.ErrDenied, err) // a denial, audited as such
	}
	if err != nil {
		return err
	}
	verdict := map[bool]string{true: "approve", false: "reject"}[*req.Approve]
	a.p.Audit.Record(r, u, "profile."+verdict, p.ID, fmt.Sprintf("revision %d: %s", p.History[len(p.History)-1].Revision, audit.Clip(req.Note)))
	return httpapi.OK(w, a.view(p))
}

// alerts lists the alerts of units the caller sees (?state=open|
// acknowledged|resolved, ?mine=1: those addressed to the caller), newest
// first.
func (a *API) alerts(w http.ResponseWriter, r *http.Request) error {
	u, q := auth.Caller(r), r.URL.Query()
	state, mine := q.Get("state"), q.Get("mine") == "1" || q.Get("mine") == "true"
	list, err := a.p.Alerts.List(func(al *Alert) bool {
		return a.p.Scope.Sees(u.Subject(), al.Unit) && (state == "" || al.State == state) &&
			(!mine || slices.Contains(al.Audience, u.Username))
	}, 500)
	if err != nil {
		return err
	}
	return httpapi.OK(w, list)
}

// alertOp acknowledges an alert, or resolves it with a note.
func (a *API) alertOp(w http.ResponseWriter, r *http.Request) error {
	var req NoteRequest
	if r.ContentLength != 0 {
		if err := httpapi.DecodeJSON(w, r, &req); err != nil {
			return err
		}
	}
	al, err := a.p.Alerts.Get(r.PathValue("id"))
	if err != nil {
		return err
	}
	u := auth.Caller(r)
	if err := a.p.Scope.AllowIn(u.Subject(), access.ProfileAlertHandle, al.Unit); err != nil {
		return err
	}
	op := "ack"
	if strings.HasSuffix(r.URL.Path, "/resolve") {
		op = "resolve"
		al, err = a.p.Alerts.Resolve(al.ID, u.Username, req.Note)
	} else {
		al, err = a.p.Alerts.Acknowledge(al.ID, u.Username)
	}
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "profile.alert."+op, al.ID, audit.Clip(req.Note))
	return httpapi.OK(w, al)
}
