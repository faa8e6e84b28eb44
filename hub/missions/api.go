package missions

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// Users finds accounts (a mission's crew).
type Users interface {
	User(username string) (auth.User, error)
}

// Auditor records what a user did.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// VehicleLog gives what other domains hold about a vehicle in a span: the
// instructions sent to it and the reports filed from it, as log entries.
type VehicleLog interface {
	VehicleEntries(vehicle string, from, to time.Time) ([]Entry, error)
}

// APIParams are what the missions' HTTP handlers need.
type APIParams struct {
	Store *Store
	Scope access.Scope // units and vehicles' units
	Users Users
	Audit Auditor
	Log   VehicleLog
	Now   func() time.Time // nil: time.Now
}

// API serves missions over HTTP.
type API struct{ p APIParams }

// NewAPI returns the missions' handlers.
func NewAPI(p APIParams) *API {
	if p.Now == nil {
		p.Now = time.Now
	}
	return &API{p: p}
}

// Routes are the routes of mobile surveillance missions.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/missions", access.MissionRead, "", "Missions of vehicles one sees (?state=, ?vehicle=, ?mine=1: those one is crew of; a crew account sees only its own)", a.list).
			WithBody(nil, []Mission{}),
		httpapi.NewUser("POST", "/api/v1/missions", access.MissionWrite, "", "Plan a mission: vehicle, crew, site or route, window, purpose (sent to the vehicle)", a.create).
			WithBody(Draft{}, Mission{}),
		httpapi.NewUser("GET", "/api/v1/missions/{id}", access.MissionRead, "", "One mission", a.one).
			WithBody(nil, Mission{}),
		httpapi.NewUser("PUT", "/api/v1/missions/{id}", access.MissionWrite, "", "Change a planned or running mission (sent to the vehicle)", a.update).
			WithBody(Draft{}, Mission{}),
		httpapi.NewUser("POST", "/api/v1/missions/{id}/start", access.MissionReport, "", "Start a planned mission now", a.op("start")).
			WithBody(nil, Mission{}).NoBody(),
		httpapi.NewUser("POST", "/api/v1/missions/{id}/cancel", access.MissionWrite, "", "Cancel a mission ({\"reason\"})", a.op("cancel")).
			WithBody(OpRequest{}, Mission{}),
		httpapi.NewUser("POST", "/api/v1/missions/{id}/close", access.MissionReport, "", "Close a mission with its closing report ({\"summary\",\"findings\"})", a.op("close")).
			WithBody(OpRequest{}, Mission{}),
		httpapi.NewUser("GET", "/api/v1/missions/{id}/log", access.MissionRead, "", "The mission's log: events, GPS, live streams, instructions and reports in its window, in time order", a.log).
			WithBody(nil, LogView{}),
		httpapi.NewUser("GET", "/api/v1/missions/{id}/track", access.MissionRead, "", "The mission's GPS track (GeoJSON LineString)", a.track).
			WithBody(nil, map[string]any{}),
	}
}

// crewOnly: the account is a crew member and nothing more; it sees the
// missions it is on, not every mission of its unit.
func crewOnly(u auth.User) bool {
	return slices.Contains(u.Roles, access.Crew) && !slices.ContainsFunc(u.Roles, func(r string) bool { return r != access.Crew })
}

// visible reports whether u may see m.
func (a *API) visible(u auth.User, m *Mission) bool {
	if !a.p.Scope.Sees(u.Subject(), m.Unit) {
		return false
	}
	return !crewOnly(u) || slices.Contains(m.Crew, u.Username)
}

// missionFor loads the path's mission and checks the caller may take ac on it.
func (a *API) missionFor(r *http.Request, ac access.Action) (Mission, error) {
	m, err := a.p.Store.Get(r.PathValue("id"))
	if err != nil {
		return m, err
	}
	u := auth.Caller(r)
	if err := a.p.Scope.AllowIn(u.Subject(), ac, m.Unit); err != nil {
		return m, err
	}
	if crewOnly(u) && !slices.Contains(m.Crew, u.Username) {
		return m, fmt.Errorf("%w: %s is not on mission %s", access.ErrDenied, u.Username, m.ID)
	}
	return m, nil
}

// list lists missions the caller sees (?state=, ?vehicle=, ?mine=1: those
// the caller is on).
func (a *API) list(w http.ResponseWriter, r *http.Request) error {
	if err := a.p.Store.Tick(); err != nil {
		return err
	}
	u, q := auth.Caller(r), r.URL.Query()
	state, vehicle, mine := q.Get("state"), q.Get("vehicle"), q.Get("mine") == "1"
	list, err := a.p.Store.List(func(m *Mission) bool {
		return (state == "" || m.State == state) && (vehicle == "" || m.Vehicle == vehicle) &&
			(!mine || slices.Contains(m.Crew, u.Username)) && a.visible(u, m)
	})
	if err != nil {
		return err
	}
	return httpapi.OK(w, list)
}

// checkDraft fills the draft's unit from its vehicle (which the caller
// must be allowed to task) and checks its crew are accounts in service of
// the vehicle's line of units.
func (a *API) checkDraft(u auth.User, d *Draft) error {
	if err := a.p.Scope.AllowVehicle(u.Subject(), access.MissionWrite, d.Vehicle); err != nil {
		return err
	}
	d.Unit, _ = a.p.Scope.Vehicles.UnitOf(d.Vehicle)
	for _, name := range d.Crew {
		acct, err := a.p.Users.User(name)
		if err != nil {
			return httpapi.BadRequest("crew %q is not an account", name)
		}
		if acct.Retired {
			return httpapi.BadRequest("account %s is retired", name)
		}
		// A crew comes from the vehicle's unit (or a unit below it), or
		// from a unit above it; never from another branch.
		if t := a.p.Scope.Tree; !t.Within(acct.Unit, d.Unit) && !t.Within(d.Unit, acct.Unit) {
			return httpapi.BadRequest("crew %s belongs to unit %s, not to the vehicle's %s", name, acct.Unit, d.Unit)
		}
	}
	return nil
}

func (a *API) create(w http.ResponseWriter, r *http.Request) error {
	var d Draft
	if err := httpapi.DecodeJSON(w, r, &d); err != nil {
		return err
	}
	u := auth.Caller(r)
	if err := a.checkDraft(u, &d); err != nil {
		return err
	}
	m, err := a.p.Store.Create(actor(u), d)
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "mission.create", m.ID, fmt.Sprintf("%s %s–%s: %s", m.Vehicle, m.From.Format(time.RFC3339), m.To.Format(time.RFC3339), audit.Clip(m.Purpose)))
	return httpapi.Created(w, m)
}

func (a *API) one(w http.ResponseWriter, r *http.Request) error {
	if err := a.p.Store.Tick(); err != nil {
		return err
	}
	m, err := a.missionFor(r, access.MissionRead)
	if err != nil {
		return err
	}
	return httpapi.OK(w, m)
}

func (a *API) update(w http.ResponseWriter, r *http.Request) error {
	var d Draft
	if err := httpapi.DecodeJSON(w, r, &d); err != nil {
		return err
	}
	m, err := a.missionFor(r, access.MissionWrite)
	if err != nil {
		return err
	}
	u := auth.Caller(r)
	if err := a.checkDraft(u, &d); err != nil {
		return err
	}
	if m, err = a.p.Store.Update(m.ID, actor(u), d); err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "mission.update", m.ID, fmt.Sprintf("rev %d: %s", m.Rev, audit.Clip(m.Purpose)))
	return httpapi.OK(w, m)
}

// OpRequest is the body of cancel (reason) and close (summary, findings).
type OpRequest struct {
	Summary  string `json:"summary"`
	Findings string `json:"findings"`
	Reason   string `json:"reason"` // cancel
}

// op starts ("start now"), cancels or closes a mission.
func (a *API) op(op string) httpapi.Handler {
	ac := access.MissionReport
	if op == "cancel" {
		ac = access.MissionWrite
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		var req OpRequest
		if op != "start" {
			if err := httpapi.DecodeJSON(w, r, &req); err != nil {
				return err
			}
		}
		m, err := a.missionFor(r, ac)
		if err != nil {
			return err
		}
		u := auth.Caller(r)
		switch op {
		case "start":
			m, err = a.p.Store.Start(m.ID, actor(u))
		case "cancel":
			m, err = a.p.Store.Cancel(m.ID, actor(u), req.Reason)
		default:
			m, err = a.p.Store.Close(m.ID, actor(u), req.Summary, req.Findings)
		}
		if err != nil {
			return err
		}
		a.p.Audit.Record(r, u, "mission."+op, m.ID, audit.Clip(req.Summary+req.Reason))
		return httpapi.OK(w, m)
	}
}

// LogView is a mission with its merged log.
type LogView struct {
	Mission Mission `json:"mission"`
	Entries []Entry `json:"entries"`
}

// log is the mission's log: its events, its track (spaced), and the
// instructions to and reports of its vehicle within its window.
func (a *API) log(w http.ResponseWriter, r *http.Request) error {
	m, err := a.missionFor(r, access.MissionRead)
	if err != nil {
		return err
	}
	events, err := a.p.Store.Events(m.ID)
	if err != nil {
		return err
	}
	track, err := a.p.Store.Track(m.ID)
	if err != nil {
		return err
	}
	from, to := m.Window(a.p.Now())
	other, err := a.p.Log.VehicleEntries(m.Vehicle, from, to)
	if err != nil {
		return err
	}
	return httpapi.OK(w, LogView{Mission: m, Entries: Merge(events, track, other)})
}

// track is the mission's GPS track as GeoJSON.
func (a *API) track(w http.ResponseWriter, r *http.Request) error {
	m, err := a.missionFor(r, access.MissionRead)
	if err != nil {
		return err
	}
	track, err := a.p.Store.Track(m.ID)
	if err != nil {
		return err
	}
	return httpapi.OK(w, GeoJSON(&m, track))
}

func actor(u auth.User) Actor { return Actor{Username: u.Username, Name: u.Name} }
