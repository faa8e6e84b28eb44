package messaging

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
)

// Accounts finds the account an instruction is addressed to.
type Accounts interface {
	User(username string) (auth.User, error)
}

// Fleet lists the vehicles, to address a unit's vehicles.
type Fleet interface {
	List() ([]fleet.Vehicle, error)
}

// Auditor records what a user did through a request.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// APIParams are what the instructions' HTTP handlers need.
type APIParams struct {
	Service  *Service
	Scope    access.Scope
	Fleet    Fleet
	Accounts Accounts
	Audit    Auditor
	Now      func() time.Time // nil: time.Now
}

// API serves instructions and their receipts over HTTP.
type API struct{ p APIParams }

// NewAPI returns the instructions' handlers.
func NewAPI(p APIParams) *API {
	if p.Now == nil {
		p.Now = time.Now
	}
	return &API{p: p}
}

// View is an instruction as the API shows it: with what the reader needs
// to decide at a glance.
type View struct {
	Instruction
	Overdue bool `json:"overdue"`
}

// SendRequest is the body of POST /api/v1/instructions.
type SendRequest struct {
	Text     string   `json:"text"`
	Urgent   bool     `json:"urgent"`
	Vehicles []string `json:"vehicles"`
	// Users sends to officers or crew members by account (read at the hub).
	Users []string `json:"users"`
	// Unit sends to every vehicle of a unit's subtree.
	Unit string `json:"unit"`
	// ClientID makes a retried request send once.
	ClientID string `json:"client_id"`
}

// ReceiptRequest is the body of POST /api/v1/instructions/{id}/receipt.
type ReceiptRequest struct {
	// Vehicle whose crew the caller acknowledges for; "" = the caller as a recipient.
	Vehicle string `json:"vehicle"`
	State   string `json:"state"` // read or acknowledged
}

// Routes are the instructions' routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/instructions", access.InstructionRead, "", "Instructions to vehicles one sees, newest first, with each vehicle's state", a.list).WithBody(nil, []View{}),
		httpapi.NewUser("POST", "/api/v1/instructions", access.InstructionSend, "", "Send an instruction to vehicles or to a unit's vehicles (leader, duty)", a.send).WithBody(SendRequest{}, View{}),
		httpapi.NewUser("GET", "/api/v1/instructions/{id}", access.InstructionRead, "", "One instruction", a.get).WithBody(nil, View{}),
		httpapi.NewUser("POST", "/api/v1/instructions/{id}/receipt", access.InstructionAck, "", "A crew member read or acknowledged an instruction (phone through the hub)", a.receipt).WithBody(ReceiptRequest{}, View{}),
	}
}

// allowVehicle checks a vehicle named in a request body against the
// caller's scope and returns its unit.
func (a *API) allowVehicle(u auth.User, act access.Action, vehicle string) (string, error) {
	unit, err := a.p.Scope.Vehicles.UnitOf(vehicle)
	if err != nil {
		return "", err
	}
	return unit, a.p.Scope.AllowIn(u.Subject(), act, unit)
}

// send sends an instruction to vehicles, to officers, or to every vehicle
// of a unit; every one must be within the sender's scope.
func (a *API) send(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req SendRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	var to []Target
	for _, id := range req.Vehicles {
		unit, err := a.allowVehicle(u, access.InstructionSend, id)
		if err != nil {
			return err
		}
		to = append(to, Target{Vehicle: id, Unit: unit})
	}
	for _, name := range req.Users {
		acct, err := a.p.Accounts.User(name)
		if err != nil {
			return err
		}
		if acct.Retired {
			return httpapi.BadRequest("account %s is retired", name)
		}
		if err := a.p.Scope.AllowIn(u.Subject(), access.InstructionSend, acct.Unit); err != nil {
			return err
		}
		to = append(to, Target{User: acct.Username, Unit: acct.Unit})
	}
	if req.Unit != "" {
		if err := a.p.Scope.AllowIn(u.Subject(), access.InstructionSend, req.Unit); err != nil {
			return err
		}
		all, err := a.p.Fleet.List()
		if err != nil {
			return err
		}
		for _, v := range all {
			if a.p.Scope.Tree.Within(v.Unit, req.Unit) {
				to = append(to, Target{Vehicle: v.ID, Unit: v.Unit})
			}
		}
	}
	in, err := a.p.Service.Send(Sender{Username: u.Username, Name: u.Name, Unit: u.Unit}, req.ClientID, req.Text, req.Urgent, to)
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "instruction.send", in.ID, fmt.Sprintf("%d vehicle(s), urgent=%v: %s", len(in.To), in.Urgent, audit.Clip(in.Text)))
	return httpapi.Created(w, View{Instruction: in})
}

// visible reports whether u may see an instruction: it is addressed to u,
// one of its recipients is in u's scope, or it was escalated to u. A
// notice is its recipients' and its sender's only.
func visible(tree access.Tree, u auth.User, in *Instruction) bool {
	if in.Notice {
		return in.From == u.Username || slices.ContainsFunc(in.To, func(r Recipient) bool { return r.User == u.Username })
	}
	for _, r := range in.To {
		if r.User == u.Username || access.Sees(tree, u.Subject(), r.Unit) {
			return true
		}
	}
	return slices.Contains(in.EscalatedTo, u.Username)
}

func (a *API) list(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	list, err := a.p.Service.List(func(in *Instruction) bool { return visible(a.p.Scope.Tree, u, in) }, 500)
	if err != nil {
		return err
	}
	a.p.Service.Fetched(u.Username, list)
	now := a.p.Now()
	out := make([]View, len(list))
	for i := range list {
		out[i] = View{Instruction: list[i], Overdue: list[i].Overdue(now)}
	}
	return httpapi.OK(w, out)
}

func (a *API) get(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	in, err := a.p.Service.Get(r.PathValue("id"))
	if err != nil {
		return err
	}
	if !visible(a.p.Scope.Tree, u, &in) {
		return fmt.Errorf("%w: instruction %s is for other units", access.ErrDenied, in.ID)
	}
	return httpapi.OK(w, View{Instruction: in, Overdue: in.Overdue(a.p.Now())})
}

// receipt records a read or an acknowledgement given through the hub: a
// crew member's on a phone for a vehicle, or a recipient officer's.
func (a *API) receipt(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req ReceiptRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Vehicle != "" {
		if _, err := a.allowVehicle(u, access.InstructionAck, req.Vehicle); err != nil {
			return err
		}
	}
	by := u.Name
	if by == "" {
		by = u.Username
	}
	in, err := a.p.Service.Acknowledge(r.PathValue("id"), req.Vehicle, u.Username, req.State, by)
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "instruction."+req.State, in.ID, req.Vehicle)
	return httpapi.OK(w, View{Instruction: in, Overdue: in.Overdue(a.p.Now())})
}
