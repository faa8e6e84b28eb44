package monitor

import (
	"net/http"
	"strconv"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// API serves service monitoring.
type API struct {
	m     *Monitor
	scope access.Scope
}

// APIParams are what the monitoring handlers need.
type APIParams struct {
	Monitor *Monitor
	// Scope tells whose vehicles a user sees.
	Scope access.Scope
}

// NewAPI builds the monitoring handlers.
func NewAPI(p APIParams) *API { return &API{m: p.Monitor, scope: p.Scope} }

// Routes are service monitoring's routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/services", access.AlertsView, "", "Service monitoring: every service of the hub and of the vehicles one sees, running / stopped / error (Decision 3035, Appendix II)", a.services).WithBody(nil, []Service{}),
		httpapi.NewUser("GET", "/api/v1/services/history", access.AlertsView, "", "Service monitoring history: state changes in [from, to), newest first (?host=&limit=)", a.history).WithBody(nil, []Event{}),
	}
}

// sees reports whether the user sees a host's services: the hub's are
// everyone's, a vehicle's those whose scope covers it.
func (a *API) sees(u auth.User, host string) bool {
	return host == "hub" || a.scope.SeesVehicle(u.Subject(), host)
}

// services: the current state of every service the user may see.
func (a *API) services(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	if u.Username == "" {
		return auth.ErrNoSession
	}
	out := []Service{}
	for _, s := range a.m.Current() {
		if a.sees(u, s.Host) {
			out = append(out, s)
		}
	}
	return httpapi.OK(w, out)
}

// history: changes in [from, to), newest first (?host=&limit=).
func (a *API) history(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	if u.Username == "" {
		return auth.ErrNoSession
	}
	q := r.URL.Query()
	var from, to time.Time
	var err error
	if s := q.Get("from"); s != "" {
		if from, err = httpapi.ParseTime(s, "from"); err != nil {
			return err
		}
	}
	if s := q.Get("to"); s != "" {
		if to, err = httpapi.ParseTime(s, "to"); err != nil {
			return err
		}
	}
	limit := 500
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 5000 {
			return httpapi.BadRequest("limit must be 1 to 5000")
		}
	}
	host := q.Get("host")
	list, err := a.m.History(from, to, func(e *Event) bool {
		return (host == "" || e.Host == host) && a.sees(u, e.Host)
	}, limit)
	if err != nil {
		return err
	}
	if list == nil {
		list = []Event{}
	}
	return httpapi.OK(w, list)
}
