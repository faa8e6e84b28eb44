package rosters

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/roster"
)

// Auditor records what a user did.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// Units says whether a unit exists.
type Units interface {
	Known(id string) bool
}

// Leave is the officers' leave, as periods per officer overlapping [from, to).
type Leave interface {
	Overlapping(from, to time.Time) (map[string][][2]time.Time, error)
}

// API serves the rosters, who is on duty and one's own shifts.
type API struct {
	svc      *Service
	scope    access.Scope
	units    Units
	accounts Accounts
	days     roster.Days
	leave    Leave
	audit    Auditor
	now      func() time.Time
	seed     func() uint64
}

// APIParams build an API.
type APIParams struct {
	Service  *Service
	Scope    access.Scope
	Units    Units
	Accounts Accounts
	// Days is the working-day calendar the presets follow.
	Days  roster.Days
	Leave Leave
	Audit Auditor
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// Seed is the generator's random seed of each new roster; nil = from the clock.
	Seed func() uint64
}

// NewAPI returns the roster API.
func NewAPI(p APIParams) *API {
	a := &API{svc: p.Service, scope: p.Scope, units: p.Units, accounts: p.Accounts, days: p.Days, leave: p.Leave, audit: p.Audit, now: p.Now, seed: p.Seed}
	if a.now == nil {
		a.now = time.Now
	}
	if a.seed == nil {
		a.seed = func() uint64 { return uint64(a.now().UnixNano()) }
	}
	return a
}

// Summary is one roster in the list of rosters.
type Summary struct {
	ID, Unit, CreatedBy string
	From, To, Created   time.Time
	Published           bool
	Shifts, Unfilled    int
	PendingOverrides    int
}

// ProposeRequest proposes a swap or replacement.
type ProposeRequest struct {
	Shift string    `json:"shift"`
	Start time.Time `json:"start"`
	Role  string    `json:"role"`
	From  string    `json:"from"`
	To    string    `json:"to"`
	Note  string    `json:"note"`
}

// DecideRequest approves or rejects a proposed override.
type DecideRequest struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

// Routes are the roster domain's routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/rosters", access.RosterRead, "", "Duty rosters of units one sees (drafts for leaders and duty officers)", a.list).WithBody(nil, []Summary{}),
		httpapi.NewUser("POST", "/api/v1/rosters", access.RosterWrite, "", "Generate a draft roster of a unit for [from, to) from its accounts (24-hour shifts by default)", a.generate).WithBody(GenerateRequest{}, View{}),
		httpapi.NewUser("GET", "/api/v1/rosters/{id}", access.RosterRead, "", "One roster with its unfilled slots explained and approved overrides applied", a.get).WithBody(nil, View{}),
		httpapi.NewUser("POST", "/api/v1/rosters/{id}/publish", access.RosterApprove, "", "Publish a roster (leader)", a.publish).WithBody(nil, View{}).NoBody(),
		httpapi.NewUser("POST", "/api/v1/rosters/{id}/overrides", access.RosterWrite, "", "Propose a swap or replacement (no effect until a leader approves)", a.propose).WithBody(ProposeRequest{}, Override{}),
		httpapi.NewUser("POST", "/api/v1/rosters/{id}/overrides/{n}/decision", access.RosterApprove, "", "Approve or reject a proposed override (leader)", a.decide).WithBody(DecideRequest{}, View{}),
		httpapi.NewUser("GET", "/api/v1/me/shifts", access.Self, "", "One's own shifts running or starting in the next two weeks, per the published rosters", a.myShifts).WithBody(nil, []OnDuty{}),
		httpapi.NewUser("GET", "/api/v1/onduty", access.RosterRead, "", "Who is on shift in a unit's subtree (?unit=, ?at=RFC3339), per the published rosters with approved swaps", a.onDuty).WithBody(nil, []OnDuty{}),
	}
}

// unit is unit (default u's own), which must exist and be one u may take act in.
func (a *API) unit(u auth.User, act access.Action, unit string) (string, error) {
	if unit == "" {
		unit = u.Unit
	}
	if !a.units.Known(unit) {
		return "", fmt.Errorf("%w: unit %q", httpapi.ErrNotFound, unit)
	}
	if err := a.scope.AllowIn(u.Subject(), act, unit); err != nil {
		return "", err
	}
	return unit, nil
}

// load reads the path's roster and checks u may take act on its unit.
func (a *API) load(r *http.Request, u auth.User, act access.Action) (Roster, error) {
	s, err := a.svc.store.Get(r.PathValue("id"))
	if err != nil {
		return s, err
	}
	return s, a.scope.AllowIn(u.Subject(), act, s.Unit)
}

func (a *API) list(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	all, err := a.svc.store.List()
	if err != nil {
		return err
	}
	out := []Summary{}
	for _, s := range all {
		if !a.scope.Sees(u.Subject(), s.Unit) || (s.Published.IsZero() && !access.RoleMay(u.Roles, access.RosterWrite)) {
			continue
		}
		out = append(out, Summary{s.ID, s.Unit, s.CreatedBy, s.From, s.To, s.Created, !s.Published.IsZero(), len(s.Roster.Assignments), len(s.Roster.Unfilled), s.Pending()})
	}
	return httpapi.OK(w, out)
}

func (a *API) get(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	s, err := a.load(r, u, access.RosterRead)
	if err != nil {
		return err
	}
	if s.Published.IsZero() && !access.RoleMay(u.Roles, access.RosterWrite) {
		return fmt.Errorf("%w: the roster is not published yet", ErrNotFound)
	}
	v, err := ViewOf(s)
	if err != nil {
		return err
	}
	return httpapi.OK(w, v)
}

// publish: a leader publishes the roster; its officers are told their shifts.
func (a *API) publish(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	if _, err := a.load(r, u, access.RosterApprove); err != nil {
		return err
	}
	s, err := a.svc.store.Publish(r.PathValue("id"), u.Username)
	if err != nil {
		return err
	}
	a.audit.Record(r, u, "roster.publish", s.ID, s.Unit)
	a.svc.noticeRoster(u, s)
	v, _ := ViewOf(s)
	return httpapi.OK(w, v)
}

// propose: a swap or replacement, pending a leader's approval.
func (a *API) propose(w http.ResponseWriter, r *http.Request) error {
	var req ProposeRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	u := auth.Caller(r)
	s, err := a.load(r, u, access.RosterWrite)
	if err != nil {
		return err
	}
	ov := roster.Override{Shift: req.Shift, Start: req.Start, Role: req.Role, From: req.From, To: req.To}
	so, err := a.svc.store.Propose(s.ID, ov, u.Username, req.Note)
	if err != nil {
		return err
	}
	a.audit.Record(r, u, "roster.propose", s.ID, fmt.Sprintf("#%d %s → %s, %s %s", so.N, ov.From, ov.To, ov.Shift, ov.Start.In(roster.Zone).Format("02/01")))
	return httpapi.Created(w, so)
}

// decide: a leader approves or rejects a proposed override.
func (a *API) decide(w http.ResponseWriter, r *http.Request) error {
	var req DecideRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	u := auth.Caller(r)
	s, err := a.load(r, u, access.RosterApprove)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return fmt.Errorf("%w: override %s", ErrNotFound, r.PathValue("n"))
	}
	s, o, err := a.svc.store.Decide(s.ID, n, req.Approve, u.Username, req.Note)
	if err != nil {
		return err
	}
	verb := "reject"
	if req.Approve {
		verb = "approve"
	}
	a.audit.Record(r, u, "roster."+verb, s.ID, fmt.Sprintf("#%d %s → %s", n, o.From, o.To))
	if req.Approve {
		a.svc.noticeSwap(u, s, o)
	}
	v, _ := ViewOf(s)
	return httpapi.OK(w, v)
}

// onDuty lists who is on shift (?unit=, default one's own unit;
// ?at=RFC3339, default now), per the published rosters.
func (a *API) onDuty(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	unit := r.URL.Query().Get("unit")
	if unit == "" {
		unit = u.Unit
	}
	if unit != "" {
		if err := a.scope.AllowIn(u.Subject(), access.RosterRead, unit); err != nil {
			return err
		}
	} else if !u.Subject().Global() {
		return fmt.Errorf("%w: unit required", ErrBadRequest)
	}
	at := a.now()
	if s := r.URL.Query().Get("at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return fmt.Errorf("%w: at: RFC 3339 time", ErrBadRequest)
		}
		at = t
	}
	list, err := a.svc.OnDuty(unit, at)
	if err != nil {
		return err
	}
	if list == nil {
		list = []OnDuty{}
	}
	return httpapi.OK(w, list)
}

// myShifts lists one's own shifts running or starting in the next two
// weeks, per the published rosters with approved swaps, soonest first.
func (a *API) myShifts(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.ShiftsOf(auth.Caller(r), a.now())
	if err != nil {
		return err
	}
	return httpapi.OK(w, list)
}
