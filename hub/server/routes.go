package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"fieldwatch/hub/console"
	"fieldwatch/mobile"
)

// Who may call a route.
const (
	accessPublic  = "public"  // anyone
	accessUser    = "user"    // a logged-in user (bearer token or session cookie)
	accessVehicle = "vehicle" // a vehicle's device token
	accessDemo    = "demo"    // a logged-in user, demo mode only
)

// route is one entry of the hub's HTTP surface. The table is also the
// source for the API description and the authorisation tests.
type route struct {
	method  string
	pattern string
	access  string
	summary string
	handler http.HandlerFunc
}

func (h *Hub) routes() []route {
	return []route{
		{"GET", "/healthz", accessPublic, "Health: 200 while serving", h.handleHealth},
		{"GET", "/metrics", accessPublic, "Prometheus metrics", promhttp.HandlerFor(h.metrics, promhttp.HandlerOpts{}).ServeHTTP},

		{"POST", "/whip/{vehicle}/{camera}", accessVehicle, "WHIP ingest of one camera", h.handleWHIP},
		{"PATCH", "/whip/{vehicle}/{camera}/{session}", accessVehicle, "WHIP ICE restart", h.handleSession(true)},
		{"DELETE", "/whip/{vehicle}/{camera}/{session}", accessVehicle, "WHIP session end", h.handleSession(true)},
		{"OPTIONS", "/whip/{vehicle}/{camera}", accessPublic, "CORS preflight", h.handleOptions},
		{"OPTIONS", "/whip/{vehicle}/{camera}/{session}", accessPublic, "CORS preflight", h.handleOptions},
		{"POST", "/whep/{vehicle}/{camera}", accessUser, "WHEP playback of one camera", h.handleWHEP},
		{"PATCH", "/whep/{vehicle}/{camera}/{session}", accessUser, "WHEP ICE restart", h.handleSession(false)},
		{"DELETE", "/whep/{vehicle}/{camera}/{session}", accessUser, "WHEP session end", h.handleSession(false)},
		{"OPTIONS", "/whep/{vehicle}/{camera}", accessPublic, "CORS preflight", h.handleOptions},
		{"OPTIONS", "/whep/{vehicle}/{camera}/{session}", accessPublic, "CORS preflight", h.handleOptions},

		{"GET", "/control/v1/ws", accessVehicle, "Vehicle control channel (WebSocket)", h.control.ServeHTTP},

		{"POST", "/api/v1/auth/login", accessPublic, "Log in: returns a bearer token and sets the session cookie", h.handleLogin},
		{"POST", "/api/v1/auth/logout", accessUser, "Log out: revokes the session", h.withUser(h.handleLogout)},
		{"GET", "/api/v1/me", accessUser, "The logged-in user", h.withUser(h.handleMe)},
		{"GET", "/api/v1/openapi.json", accessPublic, "This API's OpenAPI 3 description", h.handleOpenAPI},
		{"GET", "/api/v1/info", accessPublic, "Hub name, version, demo mode", h.handleInfo},
		{"GET", "/api/v1/vehicles", accessUser, "Vehicles with cameras, online state and last telemetry", h.withUser(h.handleVehicles)},
		{"GET", "/api/v1/vehicles/{id}", accessUser, "One vehicle", h.withUser(h.handleVehicle)},
		{"GET", "/api/v1/streams", accessUser, "Live streams with relay statistics", h.withUser(h.handleStreams)},
		{"POST", "/api/v1/sim/link", accessDemo, "Demo: cut or restore a simulated vehicle's link", h.withUser(h.handleSimLink)},
	}
}

// Handler returns the hub's HTTP handler.
func (h *Hub) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range h.routes() {
		mux.HandleFunc(rt.method+" "+rt.pattern, rt.handler)
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
