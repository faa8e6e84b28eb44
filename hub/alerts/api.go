package alerts

import (
	"net/http"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// API serves the alerts list.
type API struct {
	store *Store
	scope access.Scope
}

// APIParams are what the alerts' handlers need.
type APIParams struct {
	Store *Store
	// Scope tells whose vehicles a user sees.
	Scope access.Scope
}

// NewAPI builds the alerts' handlers.
func NewAPI(p APIParams) *API { return &API{store: p.Store, scope: p.Scope} }

// Routes are the alerts' routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/alerts", access.AlertsView, "", "Alerts: tampering, storage, lost recordings", a.list).WithBody(nil, []Alert{}),
	}
}

// list: the newest alerts of the vehicles the user sees; hub-wide alerts
// (no vehicle) for users of global scope only.
func (a *API) list(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	if u.Username == "" {
		return auth.ErrNoSession
	}
	all, err := a.store.List(500, nil)
	if err != nil {
		return err
	}
	list := []Alert{}
	for _, al := range all {
		if al.Vehicle == "" && u.Subject().Global() || al.Vehicle != "" && a.scope.SeesVehicle(u.Subject(), al.Vehicle) {
			list = append(list, al)
		}
	}
	return httpapi.OK(w, list)
}
