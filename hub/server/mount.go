package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"fieldwatch/hub/access"
	"fieldwatch/hub/alerts"
	"fieldwatch/hub/archive"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
	"fieldwatch/hub/console"
	"fieldwatch/hub/dutylog"
	"fieldwatch/hub/dutyreport"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/incidents"
	"fieldwatch/hub/leave"
	"fieldwatch/hub/live"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/missions"
	"fieldwatch/hub/monitor"
	"fieldwatch/hub/photos"
	"fieldwatch/hub/profiles"
	"fieldwatch/hub/reports"
	"fieldwatch/hub/roster/rosters"
	"fieldwatch/hub/rules"
	"fieldwatch/hub/samples"
	"fieldwatch/hub/units"
	"fieldwatch/hub/watch"
	"fieldwatch/mobile"
)

// Background loops' periods.
const (
	escalateEvery = 10 * time.Second // overdue urgent instructions
	missionTick   = 5 * time.Second  // mission windows
)

// mount builds each domain's API from the hub's parts, once, into the
// route table, and gathers the domains' background loops.
func (h *Hub) mount() {
	scope := access.Scope{Tree: h.units, Vehicles: h.fleet}
	demo := live.NewAPI(live.Params{Relay: h.relay, Control: h.control, ControlChannel: h.control, Fleet: h.fleet,
		Tokens: h.auth, Scope: scope, Audit: h.auditLog, Demo: h.demo, Logger: h.log})
	h.reportAPI = reports.NewAPI(reports.APIParams{Reports: h.reports, Photos: h.photos, Instructions: h.messages,
		Fleet: h.fleet, Scope: scope, Audit: h.auditLog, Filed: h.reportFiled, Logger: h.log})
	roster := rosterAnswers{h.rosters}
	known := dutyUnits{h.units}
	apis := [][]httpapi.Route{
		h.hubRoutes(),
		demo.Routes(),
		// Identity, units, the calendar and the audit trail.
		auth.NewAPI(auth.APIParams{Service: h.auth, Units: h.units, Audit: h.auditLog, Links: h.control,
			SecureCookie: h.TLS(), Logger: h.log}).Routes(),
		units.NewAPI(units.APIParams{Tree: h.units, Audit: h.auditLog,
			Caller:    func(r *http.Request) units.Caller { return auth.Caller(r) },
			Occupants: []units.Occupant{occupants{h}.account, occupants{h}.vehicle}}).Routes(),
		calendar.NewAPI(calendar.APIParams{Calendar: h.calendar, Audit: h.auditLog, Now: h.now}).Routes(),
		audit.NewAPI(audit.APIParams{Log: h.auditLog, Caller: func(r *http.Request) audit.Actor { return auth.Caller(r) }}).Routes(),
		// Messages to and from the field.
		messaging.NewAPI(messaging.APIParams{Service: h.messages, Scope: scope, Fleet: h.fleet, Accounts: h.auth,
			Audit: h.auditLog, Now: h.now}).Routes(),
		h.reportAPI.Routes(),
		// Evidence.
		archive.NewAPI(archive.APIParams{Archive: h.archive, Scope: scope, Cameras: fleetState{h}, Tokens: h.auth,
			States: fleetState{h}, Photos: vehiclePhotos{h.photos}, PhotoMaxSize: photos.MaxSize, PhotoSchema: photos.Photo{},
			Audit: h.auditLog, Now: h.now, Log: h.log}).Routes(),
		// Duty.
		dutylog.NewAPI(dutylog.APIParams{Log: h.dutylog, Scope: access.Scope{Tree: h.units}, Units: known, Audit: h.auditLog}).Routes(),
		dutyreport.NewAPI(dutyreport.APIParams{Log: h.dutylog, Rosters: h.rosters, Incidents: dutyIncidents{h.incidents, h.units},
			Names: dutyNames{h.rosters, h.units}, Scope: access.Scope{Tree: h.units}, Units: known, Audit: h.auditLog}).Routes(),
		rosters.NewAPI(rosters.APIParams{Service: h.rosters, Scope: access.Scope{Tree: h.units}, Units: known, Accounts: h.auth,
			Days: h.calendar, Leave: h.leave, Audit: h.auditLog}).Routes(),
		leave.NewAPI(leave.APIParams{Store: h.leave, Scope: access.Scope{Tree: h.units}, Units: known, Accounts: h.auth,
			Audit: h.auditLog}).Routes(),
		// Continuous, targeted and mobile surveillance; incidents.
		watch.NewAPI(watch.APIParams{Store: h.watch, Fleet: h.fleet, Units: h.units, Accounts: h.auth, Roster: roster,
			Profiles: profileWatches{h}, Audit: h.auditLog, Now: h.watch.Now}).Routes(),
		samples.NewAPI(samples.APIParams{Store: h.samples, Units: h.units, Officers: watch.OfficersOnDuty{Roster: roster},
			Audit: h.auditLog, Now: h.watch.Now}).Routes(),
		profiles.NewAPI(profiles.APIParams{Profiles: h.profiles, Alerts: h.palerts, Scope: scope, Cameras: h.cameraIDs,
			Users: h.auth, Audit: h.auditLog}).Routes(),
		missions.NewAPI(missions.APIParams{Store: h.missions, Scope: scope, Users: h.auth, Audit: h.auditLog,
			Log: missionLog{h.messages, h.reports}}).Routes(),
		incidents.NewAPI(incidents.APIParams{Store: h.incidents, Scope: scope, Users: h.auth, Audit: h.auditLog,
			Days: h.calendar}).Routes(),
		// Monitoring.
		monitor.NewAPI(monitor.APIParams{Monitor: h.monitor, Scope: scope}).Routes(),
		alerts.NewAPI(alerts.APIParams{Store: h.alerts, Scope: scope}).Routes(),
	}
	for _, rs := range apis {
		h.table = append(h.table, rs...)
	}
	h.table = append(h.table, demo.DemoRoute())
	escalation := messaging.NewEscalation(messaging.EscalationParams{Service: h.messages, Officers: h.auth, Tree: h.units,
		Alert: func(vehicle, message string) error {
			_, err := h.alerts.Raise(alerts.KindInstructionOverdue, vehicle, "", message)
			return err
		},
		Audit: h.auditLog, Every: escalateEvery, Logger: h.log})
	h.loops = []func(context.Context){
		h.archive.Run,
		escalation.Run,
		h.incWatch.Run,
		h.rosters.Run,
		h.dispatch.Run,
		func(ctx context.Context) { h.missions.Run(ctx, missionTick) },
	}
}

// hubRoutes are the hub's own: health, metrics, info and the API's description.
func (h *Hub) hubRoutes() []httpapi.Route {
	metrics := promhttp.HandlerFor(h.metrics, promhttp.HandlerOpts{})
	return []httpapi.Route{
		httpapi.NewPublic("GET", "/healthz", "Health: 200 while serving", func(w http.ResponseWriter, r *http.Request) error {
			return httpapi.OK(w, health{Status: "ok", Hub: h.cfg.Name, Version: Version, UptimeS: int(h.now().Sub(h.started).Seconds())})
		}).WithBody(nil, health{}),
		httpapi.NewPublic("GET", "/metrics", "Prometheus metrics (bearer http.metrics_token, or from the hub's own machine)",
			func(w http.ResponseWriter, r *http.Request) error {
				if err := h.scraper(r); err != nil {
					return err
				}
				metrics.ServeHTTP(w, r)
				return nil
			}).Returns("text/plain"),
		httpapi.NewPublic("GET", "/api/v1/info", "Hub name, version, demo mode", func(w http.ResponseWriter, r *http.Request) error {
			return httpapi.OK(w, info{Version: Version, Hub: h.cfg.Name, Demo: h.demo != nil, Time: h.now().Format(time.RFC3339)})
		}).WithBody(nil, info{}),
		httpapi.NewPublic("GET", "/api/v1/openapi.json", "This API's OpenAPI 3 description", func(w http.ResponseWriter, r *http.Request) error {
			return httpapi.OK(w, h.openAPI())
		}).Returns("application/json"),
	}
}

type health struct {
	Status  string `json:"status"`
	Hub     string `json:"hub"`
	Version string `json:"version"`
	UptimeS int    `json:"uptime_s"`
}

type info struct {
	Version string `json:"version"`
	Hub     string `json:"hub"`
	Demo    bool   `json:"demo"`
	Time    string `json:"time"`
}

// routes is the hub's route table: the source for the guard, the
// authorisation matrix test and OpenAPI.
func (h *Hub) routes() []httpapi.Route { return h.table }

// openAPI describes every /api/v1 route of the route table.
func (h *Hub) openAPI() map[string]any {
	return httpapi.OpenAPI(h.table, httpapi.Info{Title: "fieldwatch hub API", Version: Version, SessionCookie: auth.SessionCookie})
}

// Handler returns the hub's HTTP handler: every route behind the guard
// its access asks for, the console at / and the crew app at /m/.
func (h *Hub) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range h.table {
		next := rt.Handle
		if rt.Access == httpapi.User || rt.Access == httpapi.Demo {
			next = h.guard(rt, next)
		}
		mux.HandleFunc(rt.Method+" "+rt.Pattern, h.serve(rt, next))
	}
	mux.Handle("GET /", console.Handler())
	mux.Handle("GET /m/", mobile.Handler())
	mux.Handle("GET /m", http.RedirectHandler("/m/", http.StatusMovedPermanently))
	return securityHeaders(mux)
}

// securityHeaders sets headers every response should carry.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// reportFiled hands a report just filed to the profiles of its unit's
// line of command.
func (h *Hub) reportFiled(rep reports.Report) {
	var text []string
	for _, s := range []string{rep.Title, rep.Text, rep.Action} {
		if s = strings.TrimSpace(s); s != "" {
			text = append(text, s)
		}
	}
	h.dispatch.Report(rep.Unit, rules.Report{ID: rep.ID, Vehicle: rep.Vehicle, Text: strings.Join(text, " — ")})
}

// cameraIDs lists a vehicle's cameras.
func (h *Hub) cameraIDs(vehicle string) ([]string, error) {
	v, err := h.fleet.Get(vehicle)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(v.Cameras))
	for _, c := range v.Cameras {
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// unitName is a unit's name, or its id when it has none.
func unitName(tree *units.Tree, id string) string {
	if u, ok := tree.Get(id); ok && u.Name != "" {
		return u.Name
	}
	return id
}
