package incidents

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
	"fieldwatch/internal/vntime"
)

// Users finds accounts (an incident's assignee).
type Users interface {
	User(username string) (auth.User, error)
}

// Auditor records what a user did.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// APIParams are what the incidents' HTTP handlers need.
type APIParams struct {
	Store *Store
	Scope access.Scope // units and vehicles' units
	Users Users
	Audit Auditor
	Days  WorkingDays      // for the missing-update flag
	Now   func() time.Time // nil: time.Now
}

// API serves incidents over HTTP.
type API struct{ p APIParams }

// NewAPI returns the incidents' handlers.
func NewAPI(p APIParams) *API {
	if p.Now == nil {
		p.Now = time.Now
	}
	return &API{p: p}
}

// Routes are the incidents' routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/incidents", access.IncidentRead, "", "Camera and transmission faults of units one sees (?state=open|closed), with overdue and missing-update flags", a.list).
			WithBody(nil, []View{}),
		httpapi.NewUser("POST", "/api/v1/incidents", access.IncidentWrite, "", "Open an incident (camera: due in 10 working days; transmission: 3)", a.open).
			WithBody(OpenRequest{}, View{}),
		httpapi.NewUser("GET", "/api/v1/incidents/{id}", access.IncidentRead, "", "One incident", a.one).
			WithBody(nil, View{}),
		httpapi.NewUser("POST", "/api/v1/incidents/{id}/assign", access.IncidentWrite, "", "Assign an incident to an officer", a.action).
			WithBody(ActionRequest{}, View{}),
		httpapi.NewUser("POST", "/api/v1/incidents/{id}/update", access.IncidentWrite, "", "Post the day's progress on an incident", a.action).
			WithBody(ActionRequest{}, View{}),
		httpapi.NewUser("POST", "/api/v1/incidents/{id}/gate", access.IncidentWrite, "", "Add to the manual gate log while a camera is down (plate, container, time in/out)", a.action).
			WithBody(ActionRequest{}, View{}),
		httpapi.NewUser("POST", "/api/v1/incidents/{id}/close", access.IncidentWrite, "", "Close an incident with its cause and fix", a.action).
			WithBody(ActionRequest{}, View{}),
	}
}

// View is an incident with the flags the duty officer acts on.
type View struct {
	Incident
	Overdue       bool `json:"overdue"`
	UpdateMissing bool `json:"update_missing"`
}

func (a *API) view(in Incident) View {
	now := a.p.Now()
	return View{Incident: in, Overdue: in.Overdue(now), UpdateMissing: in.UpdateMissing(now, a.p.Days, vntime.Zone)}
}

// list lists incidents of units the caller sees (?state=open|closed).
func (a *API) list(w http.ResponseWriter, r *http.Request) error {
	u, state := auth.Caller(r), r.URL.Query().Get("state")
	list, err := a.p.Store.List(func(in *Incident) bool {
		open := in.Closed.IsZero()
		return (state == "" || state == "open" && open || state == "closed" && !open) && a.p.Scope.Sees(u.Subject(), in.Unit)
	})
	if err != nil {
		return err
	}
	out := make([]View, len(list))
	for i, in := range list {
		out[i] = a.view(in)
	}
	return httpapi.OK(w, out)
}

// OpenRequest opens an incident by hand.
type OpenRequest struct {
	Kind    string `json:"kind"`
	Vehicle string `json:"vehicle"`
	Camera  string `json:"camera"`
	Title   string `json:"title"`
}

// open opens an incident by hand (on a vehicle's camera or link, or on
// the caller's unit).
func (a *API) open(w http.ResponseWriter, r *http.Request) error {
	var req OpenRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	u := auth.Caller(r)
	unit := u.Unit
	if req.Vehicle != "" {
		if err := a.p.Scope.AllowVehicle(u.Subject(), access.IncidentWrite, req.Vehicle); err != nil {
			return err
		}
		unit, _ = a.p.Scope.Vehicles.UnitOf(req.Vehicle)
	}
	in, err := a.p.Store.Open(Incident{Kind: req.Kind, Unit: unit, Vehicle: req.Vehicle, Camera: req.Camera, Title: req.Title}, u.Username)
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "incident.open", in.ID, in.Kind+": "+audit.Clip(in.Title))
	return httpapi.Created(w, a.view(in))
}

// incidentFor loads the path's incident and checks the caller may take ac on it.
func (a *API) incidentFor(r *http.Request, ac access.Action) (Incident, error) {
	in, err := a.p.Store.Get(r.PathValue("id"))
	if err != nil {
		return in, err
	}
	return in, a.p.Scope.AllowIn(auth.Caller(r).Subject(), ac, in.Unit)
}

func (a *API) one(w http.ResponseWriter, r *http.Request) error {
	in, err := a.incidentFor(r, access.IncidentRead)
	if err != nil {
		return err
	}
	return httpapi.OK(w, a.view(in))
}

// ActionRequest is the body of assign (assignee), update (text), gate
// (plate, container, in, out, note) and close (cause, fix).
type ActionRequest struct {
	Assignee  string    `json:"assignee"`
	Text      string    `json:"text"`
	Cause     string    `json:"cause"`
	Fix       string    `json:"fix"`
	Plate     string    `json:"plate"`
	Container string    `json:"container"`
	In        time.Time `json:"in"`
	Out       time.Time `json:"out"`
	Note      string    `json:"note"`
}

// action serves assign, update, gate and close.
func (a *API) action(w http.ResponseWriter, r *http.Request) error {
	var req ActionRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	in, err := a.incidentFor(r, access.IncidentWrite)
	if err != nil {
		return err
	}
	u := auth.Caller(r)
	op := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	switch op {
	case "assign":
		acct, uerr := a.p.Users.User(req.Assignee)
		if uerr != nil {
			return uerr
		}
		if !a.p.Scope.Sees(acct.Subject(), in.Unit) || !access.RoleMay(acct.Roles, access.IncidentWrite) {
			return httpapi.BadRequest("%s cannot handle incidents of %s", acct.Username, in.Unit)
		}
		in, err = a.p.Store.Assign(in.ID, acct.Username, u.Username)
	case "update":
		in, err = a.p.Store.AddUpdate(in.ID, u.Username, req.Text)
	case "gate":
		in, err = a.p.Store.LogGate(in.ID, u.Username, GateEntry{Plate: req.Plate, Container: req.Container, In: req.In, Out: req.Out, Note: req.Note})
	case "close":
		in, err = a.p.Store.Close(in.ID, u.Username, req.Cause, req.Fix)
	default:
		err = fmt.Errorf("%w: %s", httpapi.ErrNotFound, op)
	}
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "incident."+op, in.ID, audit.Clip(req.Text+req.Assignee+req.Plate+req.Container+req.Cause))
	return httpapi.OK(w, a.view(in))
}
