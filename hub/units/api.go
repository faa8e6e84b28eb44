package units

import (
	"fmt"
	"net/http"
	"strings"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/httpapi"
)

// Caller is the logged-in user as the units' handlers see it.
type Caller interface {
	audit.Actor
	Subject() access.Subject
}

// Auditor records what a user did.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// Occupant names something that still belongs to a unit ("account
// NAME", "vehicle ID"), or "" when nothing of its kind does.
type Occupant func(unit string) (string, error)

// APIParams is what the units' handlers need.
type APIParams struct {
	Tree   *Tree
	Caller func(*http.Request) Caller
	Audit  Auditor
	// Occupants are asked in order before a unit is deleted.
	Occupants []Occupant
}

// API serves the unit tree.
type API struct{ p APIParams }

// NewAPI returns the units' handlers.
func NewAPI(p APIParams) *API { return &API{p: p} }

// Routes are the units' routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/units", access.UnitsView, "", "Units: one's own subtree (administrator: all)", a.list).
			WithBody(nil, []View{}),
		httpapi.NewUser("POST", "/api/v1/units", access.UnitsAdmin, "", "Create a unit", a.put).
			WithBody(Request{}, View{}),
		httpapi.NewUser("PUT", "/api/v1/units/{id}", access.UnitsAdmin, "", "Rename or move a unit", a.put).
			WithBody(Request{}, View{}),
		httpapi.NewUser("DELETE", "/api/v1/units/{id}", access.UnitsAdmin, "", "Delete an empty unit", a.delete).NoContent(),
	}
}

// View is a unit in the units API: id, name, parent and level name.
type View struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
	Level  string `json:"level"`
}

func (a *API) view(u Unit) View {
	return View{ID: u.ID, Name: u.Name, Parent: u.Parent, Level: a.p.Tree.Level(u.ID)}
}

// list lists the units in the caller's subtree (administrators: all).
func (a *API) list(w http.ResponseWriter, r *http.Request) error {
	who := a.p.Caller(r).Subject()
	out := []View{}
	for _, un := range a.p.Tree.List() {
		if access.Sees(a.p.Tree, who, un.ID) {
			out = append(out, a.view(un))
		}
	}
	return httpapi.OK(w, out)
}

// Request creates a unit, or renames or moves one (its id then comes
// from the path).
type Request struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
}

func (a *API) put(w http.ResponseWriter, r *http.Request) error {
	var req Request
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if id := r.PathValue("id"); id != "" {
		if _, ok := a.p.Tree.Get(id); !ok {
			return fmt.Errorf("%w: %q", ErrUnknown, id)
		}
		req.ID = id
	} else if _, exists := a.p.Tree.Get(req.ID); exists {
		return fmt.Errorf("%w: unit %q exists", ErrExists, req.ID)
	}
	un := Unit{ID: req.ID, Name: strings.TrimSpace(req.Name), Parent: req.Parent}
	by, _ := a.p.Caller(r).AuditName()
	if err := a.p.Tree.Put(un, by); err != nil {
		return err
	}
	a.p.Audit.Record(r, a.p.Caller(r), "units.put", un.ID, fmt.Sprintf("name=%q parent=%q", un.Name, un.Parent))
	if r.Method == http.MethodPost {
		return httpapi.Created(w, a.view(un))
	}
	return httpapi.OK(w, a.view(un))
}

func (a *API) delete(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	for _, occupant := range a.p.Occupants {
		what, err := occupant(id)
		if err != nil {
			return err
		}
		if what != "" {
			return fmt.Errorf("%w: %s still belongs to %s", ErrInUse, what, id)
		}
	}
	by, _ := a.p.Caller(r).AuditName()
	if err := a.p.Tree.Delete(id, by); err != nil {
		return err
	}
	a.p.Audit.Record(r, a.p.Caller(r), "units.delete", id, "")
	w.WriteHeader(http.StatusNoContent)
	return nil
}
