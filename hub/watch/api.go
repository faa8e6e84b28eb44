package watch

import (
	"fmt"
	"net/http"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/units"
	"fieldwatch/internal/vntime"
)

// Fleet is the vehicle register as the watch reads it.
type Fleet interface {
	List() ([]fleet.Vehicle, error)
	Get(id string) (fleet.Vehicle, error)
}

// Units is the unit tree.
type Units interface {
	access.Tree
	Get(id string) (units.Unit, bool)
}

// Accounts finds an account by username.
type Accounts interface {
	User(username string) (auth.User, error)
}

// Auditor records who did what.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// ProfileWatch is an armed focus profile a user watches, with the vehicles
// and cameras ("vehicle/camera") of its scope.
type ProfileWatch struct {
	ID       string
	Title    string
	Vehicles []string
	Cameras  []string
}

// Profiles gives the focus profiles armed at an instant that a user
// watches (named a watcher, or on shift as a surveillance officer of a
// profile watched by those on duty) and whose unit the user sees.
type Profiles interface {
	Watched(u auth.User, at time.Time) ([]ProfileWatch, error)
}

// APIParams is what the watch's HTTP handlers need.
type APIParams struct {
	Store    *Store
	Fleet    Fleet
	Units    Units
	Accounts Accounts
	Roster   Roster
	// Profiles adds armed focus profiles' cameras to one's tour; nil: none.
	Profiles Profiles
	Audit    Auditor
	// Now is the clock; nil = the store's.
	Now func() time.Time
}

// API serves camera groups, watch assignments, coverage and one's tour.
type API struct {
	store    *Store
	fleet    Fleet
	units    Units
	accounts Accounts
	roster   Roster
	profiles Profiles
	audit    Auditor
	now      func() time.Time
}

// NewAPI builds the handlers.
func NewAPI(p APIParams) *API {
	if p.Now == nil {
		p.Now = p.Store.Now
	}
	return &API{store: p.Store, fleet: p.Fleet, units: p.Units, accounts: p.Accounts, roster: p.Roster,
		profiles: p.Profiles, audit: p.Audit, now: p.Now}
}

// Routes are the watch's routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/watch/groups", access.WatchRead, "", "Camera groups of a unit's subtree (?unit=), each with its cameras as the fleet stands now", a.handleGroups).
			WithBody(nil, []GroupView{}),
		httpapi.NewUser("POST", "/api/v1/watch/groups", access.WatchWrite, "", "Create a camera group {unit, name, members: [{kind: camera|vehicle|unit, vehicle, camera, unit}]}", a.handlePutGroup).
			WithBody(GroupRequest{}, GroupView{}),
		httpapi.NewUser("PUT", "/api/v1/watch/groups/{id}", access.WatchWrite, "", "Replace a camera group's name and members", a.handlePutGroup).
			WithBody(GroupRequest{}, GroupView{}),
		httpapi.NewUser("DELETE", "/api/v1/watch/groups/{id}", access.WatchWrite, "", "Delete a camera group", a.handleDeleteGroup).
			WithBody(nil, Deleted{}),
		httpapi.NewUser("GET", "/api/v1/watch/assignments", access.WatchRead, "", "Watch assignments of a unit's shift (?unit=&shift=YYYY-MM-DD, 08:00–08:00)", a.handleAssignments).
			WithBody(nil, AssignmentsAnswer{}),
		httpapi.NewUser("POST", "/api/v1/watch/assignments", access.WatchWrite, "", "Assign an officer to groups {unit, officer, groups, shift | from, to}", a.handleAddAssignment).
			WithBody(AssignRequest{}, AssignmentView{}),
		httpapi.NewUser("POST", "/api/v1/watch/assignments/auto", access.WatchWrite, "", "Spread a unit's groups evenly over the surveillance officers on duty for a shift {unit, shift}", a.handleAuto).
			WithBody(AutoRequest{}, AutoAnswer{}),
		httpapi.NewUser("DELETE", "/api/v1/watch/assignments/{id}", access.WatchWrite, "", "Remove a watch assignment", a.handleDeleteAssignment).
			WithBody(nil, Deleted{}),
		httpapi.NewUser("GET", "/api/v1/watch/coverage", access.WatchRead, "", "Coverage of every camera of a unit's subtree in a shift (?unit=&shift=): unwatched intervals with reasons, summary", a.handleCoverage).
			WithBody(nil, CoverageAnswer{}),
		httpapi.NewUser("GET", "/api/v1/watch/mine", access.WatchRead, "", "The cameras I am assigned now, in tour order, and the tour's period and interval", a.handleMine).
			WithBody(nil, Tour{}),
	}
}

// Deleted answers a deletion.
type Deleted struct {
	Deleted string `json:"deleted"`
}

// unit resolves the unit a request is about (empty: the caller's own) and
// checks the caller may take action act there.
func (a *API) unit(u auth.User, act access.Action, unit string) (string, error) {
	if unit == "" {
		unit = u.Unit
	}
	if _, ok := a.units.Get(unit); !ok {
		return "", fmt.Errorf("%w: unit %q", ErrUnknown, unit)
	}
	if err := access.AllowIn(a.units, u.Subject(), act, unit); err != nil {
		return "", err
	}
	return unit, nil
}

// Fleet lists the fleet and dates cameras the watch register has not seen
// before (a camera added mid-shift is checked from then on).
func (a *API) Fleet() ([]fleet.Vehicle, map[CameraRef]time.Time, error) {
	vs, err := a.fleet.List()
	if err != nil {
		return nil, nil, err
	}
	seen, err := a.store.NoteCameras(vs)
	return vs, seen, err
}

// shift reads a shift day (default the current one) as the 08:00–08:00 duty day.
func (a *API) shift(s string) (string, Interval, error) {
	if s == "" {
		s = ShiftOf(a.now(), vntime.Zone)
	}
	p, err := ShiftPeriod(s, vntime.Zone)
	return s, p, err
}

// cameraNames maps "vehicle/camera" to "vehicle name · camera name".
func cameraNames(vs []fleet.Vehicle) map[string]string {
	out := map[string]string{}
	for _, v := range vs {
		for _, c := range v.Cameras {
			out[v.ID+"/"+c.ID] = v.Name + " · " + c.Name
		}
	}
	return out
}
