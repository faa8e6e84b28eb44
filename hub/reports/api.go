package reports

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/photos"
)

// Instructions sends a leader's reply to the report's vehicles.
type Instructions interface {
	Send(from messaging.Sender, clientID, text string, urgent bool, to []messaging.Target) (messaging.Instruction, error)
}

// Fleet lists the vehicles, to reply to a unit's vehicles.
type Fleet interface {
	List() ([]fleet.Vehicle, error)
}

// Auditor records what a user did through a request, and what a vehicle
// sent.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
	Add(user, unit, action, object, detail, from string) error
}

// APIParams are what the reports' and photos' HTTP handlers need.
type APIParams struct {
	Reports      *Store
	Photos       *photos.Store
	Instructions Instructions
	Fleet        Fleet
	Scope        access.Scope
	Audit        Auditor
	// Filed is told of every report just filed (focus profiles watch
	// them). Optional.
	Filed  func(Report)
	Logger *slog.Logger
}

// API serves suspicious-sign reports and their photos over HTTP, and files
// the reports crews send through their vehicles.
type API struct{ p APIParams }

// NewAPI returns the reports' handlers.
func NewAPI(p APIParams) *API {
	if p.Filed == nil {
		p.Filed = func(Report) {}
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	return &API{p: p}
}

// CreateRequest is the body of POST /api/v1/reports.
type CreateRequest struct {
	ClientID string    `json:"client_id"`
	Title    string    `json:"title"`
	Text     string    `json:"text"`
	Action   string    `json:"action"`
	Vehicle  string    `json:"vehicle"`
	Photos   []string  `json:"photos"`
	Snapshot *Snapshot `json:"snapshot"`
	Position *Position `json:"position"`
	Via      string    `json:"via"`
}

// DecisionRequest is the body of POST /api/v1/reports/{id}/decision.
type DecisionRequest struct {
	Decision string `json:"decision"` // approve or reject
	Note     string `json:"note"`
}

// ReplyRequest is the body of POST /api/v1/reports/{id}/reply.
type ReplyRequest struct {
	Text     string `json:"text"`
	Urgent   bool   `json:"urgent"`
	ClientID string `json:"client_id"`
}

// DoneRequest is the body of POST /api/v1/reports/{id}/done.
type DoneRequest struct {
	Note string `json:"note"`
}

// Routes are the reports' and photos' routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/reports", access.ReportRead, "", "Suspicious-sign reports of units one sees (?state=pending: awaiting a decision)", a.list).WithBody(nil, []Report{}),
		httpapi.NewUser("POST", "/api/v1/reports", access.ReportCreate, "", "Raise a suspicious-sign report (text, photos, a live camera's snapshot, GPS)", a.create).WithBody(CreateRequest{}, Report{}),
		httpapi.NewUser("GET", "/api/v1/reports/{id}", access.ReportRead, "", "One report with its timeline", a.get).WithBody(nil, Report{}),
		httpapi.NewUser("POST", "/api/v1/reports/{id}/decision", access.ReportDecide, "", "A leader approves or rejects the proposed action", a.decide).WithBody(DecisionRequest{}, Report{}),
		httpapi.NewUser("POST", "/api/v1/reports/{id}/reply", access.ReportDecide, "", "A leader replies with an instruction to the report's vehicle", a.reply).WithBody(ReplyRequest{}, Report{}),
		httpapi.NewUser("POST", "/api/v1/reports/{id}/done", access.ReportCreate, "", "Mark the approved action done (refused before approval)", a.done).WithBody(DoneRequest{}, Report{}),
		httpapi.NewUser("POST", "/api/v1/photos", access.ReportCreate, "", "Upload a photo or snapshot (JPEG, PNG or WebP body); its id is its SHA-256", a.uploadPhoto).Accepts("image/*").WithBody(nil, photos.Photo{}).ReadFor(5 * time.Minute),
		httpapi.NewUser("GET", "/api/v1/photos/{id}", access.ReportRead, "", "A photo", a.photo).Returns("image/*"),
	}
}

func actor(u auth.User) Actor { return Actor{Username: u.Username, Name: u.Name} }

// create raises a suspicious-sign report. It belongs to the vehicle's unit
// when it names a vehicle, else to the reporter's unit.
func (a *API) create(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req CreateRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	sc := a.p.Scope
	unit := u.Unit
	if req.Vehicle != "" {
		vu, err := sc.Vehicles.UnitOf(req.Vehicle)
		if err != nil {
			return err
		}
		if err := sc.AllowIn(u.Subject(), access.ReportCreate, vu); err != nil {
			return err
		}
		unit = vu
	}
	if req.Snapshot != nil {
		if err := sc.AllowVehicle(u.Subject(), access.LiveView, req.Snapshot.Vehicle); err != nil {
			return err
		}
	}
	for _, id := range req.Photos {
		p, err := a.p.Photos.Get(id)
		if err != nil {
			return httpapi.BadRequest("photo %s was not uploaded", id)
		}
		if !sc.Sees(u.Subject(), p.Unit) {
			return fmt.Errorf("%w: photo %s", access.ErrDenied, id)
		}
	}
	via := req.Via
	if via != "phone" {
		via = "console"
	}
	rep, err := a.p.Reports.Create(actor(u), req.ClientID, Report{
		Unit: unit, Vehicle: req.Vehicle, Title: req.Title, Text: req.Text, Action: req.Action, Photos: req.Photos,
		Snapshot: req.Snapshot, Position: req.Position, Via: via})
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "report.create", rep.ID, audit.Clip(rep.Title+" "+rep.Text))
	a.p.Filed(rep)
	return httpapi.Created(w, rep)
}

// reportFor loads the path's report and checks the caller may take action
// act on its unit.
func (a *API) reportFor(r *http.Request, act access.Action) (Report, error) {
	rep, err := a.p.Reports.Get(r.PathValue("id"))
	if err != nil {
		return rep, err
	}
	return rep, a.p.Scope.AllowIn(auth.Caller(r).Subject(), act, rep.Unit)
}

// list lists reports of units the caller sees (?state=pending for those
// awaiting a decision).
func (a *API) list(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	state := r.URL.Query().Get("state")
	list, err := a.p.Reports.List(func(rep *Report) bool {
		return (state == "" || rep.State == state) && a.p.Scope.Sees(u.Subject(), rep.Unit)
	}, 500)
	if err != nil {
		return err
	}
	return httpapi.OK(w, list)
}

func (a *API) get(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.reportFor(r, access.ReportRead)
	if err != nil {
		return err
	}
	return httpapi.OK(w, rep)
}

// decide: a leader of the report's unit approves or rejects.
func (a *API) decide(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req DecisionRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Decision != "approve" && req.Decision != "reject" {
		return httpapi.BadRequest("decision must be approve or reject")
	}
	if _, err := a.reportFor(r, access.ReportDecide); err != nil {
		return err
	}
	rep, err := a.p.Reports.Decide(r.PathValue("id"), actor(u), req.Decision == "approve", req.Note)
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "report."+req.Decision, rep.ID, audit.Clip(req.Note))
	return httpapi.OK(w, rep)
}

// reply: a leader answers with an instruction to the report's vehicle (or
// its unit's vehicles), noted on the report's timeline.
func (a *API) reply(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req ReplyRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	rep, err := a.reportFor(r, access.ReportDecide)
	if err != nil {
		return err
	}
	all, err := a.p.Fleet.List()
	if err != nil {
		return err
	}
	var to []messaging.Target
	for _, v := range all {
		if v.ID == rep.Vehicle || rep.Vehicle == "" && v.Unit == rep.Unit {
			to = append(to, messaging.Target{Vehicle: v.ID, Unit: v.Unit})
		}
	}
	instructionID := ""
	if len(to) > 0 {
		in, err := a.p.Instructions.Send(messaging.Sender{Username: u.Username, Name: u.Name, Unit: u.Unit}, req.ClientID, req.Text, req.Urgent, to)
		if err != nil {
			return err
		}
		instructionID = in.ID
		a.p.Audit.Record(r, u, "instruction.send", in.ID, fmt.Sprintf("reply to report %s: %s", rep.ID, audit.Clip(in.Text)))
	} else if strings.TrimSpace(req.Text) == "" {
		return httpapi.BadRequest("empty reply")
	}
	rep, err = a.p.Reports.Reply(rep.ID, actor(u), strings.TrimSpace(req.Text), instructionID)
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "report.reply", rep.ID, audit.Clip(req.Text))
	return httpapi.OK(w, rep)
}

// done marks the approved action carried out (409 before approval).
func (a *API) done(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req DoneRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if _, err := a.reportFor(r, access.ReportCreate); err != nil {
		return err
	}
	rep, err := a.p.Reports.Done(r.PathValue("id"), actor(u), req.Note)
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "report.done", rep.ID, audit.Clip(req.Note))
	return httpapi.OK(w, rep)
}
