package dutylog

import (
	"fmt"
	"net/http"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// Units says whether a unit exists.
type Units interface {
	Known(id string) bool
}

// Auditor records what a user did.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// API serves the duty log and the handovers.
type API struct {
	log   *Log
	scope access.Scope
	units Units
	audit Auditor
}

// APIParams build an API.
type APIParams struct {
	Log   *Log
	Scope access.Scope
	Units Units
	Audit Auditor
}

// NewAPI returns the duty log API.
func NewAPI(p APIParams) *API {
	return &API{log: p.Log, scope: p.Scope, units: p.Units, audit: p.Audit}
}

// ShiftLog is a unit's log of one shift, with its open items.
type ShiftLog struct {
	Unit    string  `json:"unit"`
	Shift   string  `json:"shift"`
	Entries []Entry `json:"entries"`
	Open    []Entry `json:"open"`
}

// AddRequest writes an entry.
type AddRequest struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
	Open bool   `json:"open"`
}

// HandoverRequest hands over the shift.
type HandoverRequest struct {
	Summary string `json:"summary"`
}

// AcceptRequest takes over the shift.
type AcceptRequest struct {
	Note string `json:"note"`
}

// Routes are the duty log's routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/dutylog", access.DutyLogRead, "", "Duty log of a unit's shift (?unit=&shift=YYYY-MM-DD, 08:00–08:00) and its open items", a.shiftLog).WithBody(nil, ShiftLog{}),
		httpapi.NewUser("POST", "/api/v1/dutylog", access.DutyLogWrite, "", "Write a duty log entry (event, equipment, incident, instruction, action; open items carry over)", a.add).WithBody(AddRequest{}, Entry{}),
		httpapi.NewUser("POST", "/api/v1/dutylog/{unit}/{id}/close", access.DutyLogWrite, "", "Close an open duty log item", a.close).WithBody(nil, Entry{}).NoBody(),
		httpapi.NewUser("GET", "/api/v1/handovers", access.DutyLogRead, "", "Shift handovers of a unit (?unit=)", a.handovers).WithBody(nil, []Handover{}),
		httpapi.NewUser("POST", "/api/v1/handovers", access.DutyLogWrite, "", "Hand over the shift: summary, with the unit's open items", a.beginHandover).WithBody(HandoverRequest{}, Handover{}),
		httpapi.NewUser("POST", "/api/v1/handovers/{unit}/{id}/accept", access.DutyLogWrite, "", "Take over the shift (the incoming officer)", a.acceptHandover).WithBody(AcceptRequest{}, Handover{}),
	}
}

// Unit is unit (default u's own), which must exist and be one u may take act in.
func Unit(units Units, scope access.Scope, u auth.User, act access.Action, unit string) (string, error) {
	if unit == "" {
		unit = u.Unit
	}
	if !units.Known(unit) {
		return "", fmt.Errorf("%w: unit %q", httpapi.ErrNotFound, unit)
	}
	if err := scope.AllowIn(u.Subject(), act, unit); err != nil {
		return "", err
	}
	return unit, nil
}

// PersonOf is a user as the log names them.
func PersonOf(u auth.User) Person {
	name := u.Name
	if name == "" {
		name = u.Username
	}
	return Person{Username: u.Username, Name: name, Unit: u.Unit}
}

// shiftLog lists a unit's duty log of a shift (?unit=&shift=YYYY-MM-DD; default the current shift).
func (a *API) shiftLog(w http.ResponseWriter, r *http.Request) error {
	unit, err := Unit(a.units, a.scope, auth.Caller(r), access.DutyLogRead, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	shift := r.URL.Query().Get("shift")
	if shift == "" {
		shift = Shift(a.log.Now())
	}
	entries, err := a.log.Entries(unit, shift)
	if err != nil {
		return err
	}
	open, err := a.log.Open(unit)
	if err != nil {
		return err
	}
	return httpapi.OK(w, ShiftLog{Unit: unit, Shift: shift, Entries: entries, Open: open})
}

// add writes an entry in the user's unit and current shift.
func (a *API) add(w http.ResponseWriter, r *http.Request) error {
	var req AddRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	u := auth.Caller(r)
	e, err := a.log.Add(PersonOf(u), req.Kind, req.Text, req.Open)
	if err != nil {
		return err
	}
	a.audit.Record(r, u, "dutylog.add", e.ID, e.Kind+": "+audit.Clip(e.Text))
	return httpapi.Created(w, e)
}

// close closes an open item.
func (a *API) close(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	unit, err := Unit(a.units, a.scope, u, access.DutyLogWrite, r.PathValue("unit"))
	if err != nil {
		return err
	}
	e, err := a.log.Close(unit, r.PathValue("id"), PersonOf(u))
	if err != nil {
		return err
	}
	a.audit.Record(r, u, "dutylog.close", e.ID, audit.Clip(e.Text))
	return httpapi.OK(w, e)
}

// handovers lists a unit's handovers (?unit=).
func (a *API) handovers(w http.ResponseWriter, r *http.Request) error {
	unit, err := Unit(a.units, a.scope, auth.Caller(r), access.DutyLogRead, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	list, err := a.log.Handovers(unit)
	if err != nil {
		return err
	}
	return httpapi.OK(w, list)
}

// beginHandover: the outgoing officer hands over the user's unit's shift.
func (a *API) beginHandover(w http.ResponseWriter, r *http.Request) error {
	var req HandoverRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	u := auth.Caller(r)
	ho, err := a.log.BeginHandover(PersonOf(u), req.Summary)
	if err != nil {
		return err
	}
	a.audit.Record(r, u, "handover.begin", ho.ID, fmt.Sprintf("%d open item(s): %s", len(ho.OpenItems), audit.Clip(ho.Summary)))
	return httpapi.Created(w, ho)
}

// acceptHandover: the incoming officer takes the shift.
func (a *API) acceptHandover(w http.ResponseWriter, r *http.Request) error {
	var req AcceptRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	u := auth.Caller(r)
	unit, err := Unit(a.units, a.scope, u, access.DutyLogWrite, r.PathValue("unit"))
	if err != nil {
		return err
	}
	ho, err := a.log.AcceptHandover(unit, r.PathValue("id"), PersonOf(u), req.Note)
	if err != nil {
		return err
	}
	a.audit.Record(r, u, "handover.accept", ho.ID, "from "+ho.From+": "+audit.Clip(ho.Note))
	return httpapi.OK(w, ho)
}
