package leave

import (
	"fmt"
	"net/http"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// Accounts finds an officer's account.
type Accounts interface {
	User(username string) (auth.User, error)
}

// Units says whether a unit exists.
type Units interface {
	Known(id string) bool
}

// Auditor records what a user did.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// API serves the officers' leave.
type API struct {
	store    *Store
	scope    access.Scope
	units    Units
	accounts Accounts
	audit    Auditor
}

// APIParams build an API.
type APIParams struct {
	Store    *Store
	Scope    access.Scope
	Units    Units
	Accounts Accounts
	Audit    Auditor
}

// NewAPI returns the leave API.
func NewAPI(p APIParams) *API {
	return &API{store: p.Store, scope: p.Scope, units: p.Units, accounts: p.Accounts, audit: p.Audit}
}

// AddRequest enters a leave period.
type AddRequest struct {
	Officer string `json:"officer"`
	From    string `json:"from"`
	To      string `json:"to"`
	Kind    string `json:"kind"`
	Note    string `json:"note"`
}

// Routes are the leave domain's routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/leave", access.RosterRead, "", "Leave and unavailability of the officers of a unit's subtree (?unit=)", a.list).WithBody(nil, []Leave{}),
		httpapi.NewUser("POST", "/api/v1/leave", access.LeaveWrite, "", "Enter a leave period {officer (default oneself), from, to, kind: phép|ốm|công tác|khác, note}; another's by the unit's leaders and duty officers", a.add).WithBody(AddRequest{}, Leave{}),
		httpapi.NewUser("DELETE", "/api/v1/leave/{id}", access.LeaveWrite, "", "Remove a leave period (one's own; leaders and duty officers, their unit's)", a.remove).NoContent(),
	}
}

// mayManage checks that u may enter or remove officer's leave: one's
// own always, another's as a leader or duty officer of the officer's unit.
func (a *API) mayManage(u auth.User, officer, unit string) error {
	if officer == u.Username {
		return nil
	}
	return a.scope.AllowIn(u.Subject(), access.RosterWrite, unit)
}

// list lists the leave of the officers of a unit's subtree (?unit=, default one's own).
func (a *API) list(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	unit := r.URL.Query().Get("unit")
	if unit == "" {
		unit = u.Unit
	}
	if !a.units.Known(unit) {
		return fmt.Errorf("%w: unit %q", httpapi.ErrNotFound, unit)
	}
	if err := a.scope.AllowIn(u.Subject(), access.RosterRead, unit); err != nil {
		return err
	}
	list, err := a.store.List(func(l Leave) bool { return a.scope.Tree.Within(l.Unit, unit) })
	if err != nil {
		return err
	}
	return httpapi.OK(w, list)
}

// add enters a leave period: {officer (default oneself), from, to, kind, note}.
func (a *API) add(w http.ResponseWriter, r *http.Request) error {
	var req AddRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	u := auth.Caller(r)
	if req.Officer == "" {
		req.Officer = u.Username
	}
	officer, err := a.accounts.User(req.Officer)
	if err != nil {
		return fmt.Errorf("%w: officer %q", ErrInvalid, req.Officer)
	}
	if err := a.mayManage(u, officer.Username, officer.Unit); err != nil {
		return err
	}
	name := officer.Name
	if name == "" {
		name = officer.Username
	}
	l, err := a.store.Add(Leave{Officer: officer.Username, OfficerName: name, Unit: officer.Unit, From: req.From, To: req.To,
		Kind: req.Kind, Note: req.Note, EnteredBy: u.Username})
	if err != nil {
		return err
	}
	a.audit.Record(r, u, "leave.add", l.ID, fmt.Sprintf("%s %s %s–%s", l.Officer, l.Kind, l.From, l.To))
	return httpapi.Created(w, l)
}

// remove removes a leave period.
func (a *API) remove(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	l, err := a.store.Get(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := a.mayManage(u, l.Officer, l.Unit); err != nil {
		return err
	}
	if err := a.store.Delete(l.ID, u.Username); err != nil {
		return err
	}
	a.audit.Record(r, u, "leave.delete", l.ID, fmt.Sprintf("%s %s %s–%s", l.Officer, l.Kind, l.From, l.To))
	w.WriteHeader(http.StatusNoContent)
	return nil
}
