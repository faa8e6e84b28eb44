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

		{"PUT", "/api/v1/sync/key", accessVehicle, "Vehicle: register its segment-signing public key (first use; a different key is refused)", h.handleSyncKey},
		{"HEAD", "/api/v1/sync/{vehicle}/{camera}/{seq}", accessVehicle, "Vehicle: how many bytes of a segment the hub holds (Upload-Offset, Upload-Complete)", h.handleSyncHead},
		{"PATCH", "/api/v1/sync/{vehicle}/{camera}/{seq}", accessVehicle, "Vehicle: append a segment's bytes from Upload-Offset; verified and archived when whole", h.handleSyncPatch},
		{"POST", "/api/v1/sync/{vehicle}/{camera}/{seq}/lost", accessVehicle, "Vehicle: report a segment overwritten before sync (its signed manifest)", h.handleSyncLost},

		{"GET", "/api/v1/archive/{vehicle}/{camera}/timeline", accessUser, "Archive: covered ranges and explained gaps in [from, to)", h.withUser(h.handleTimeline)},
		{"GET", "/api/v1/archive/{vehicle}/{camera}/play", accessUser, "Archive: one fragmented MP4 of [start, start+duration) for a <video> (X-Fieldwatch-Pieces maps it to wall-clock time)", h.withUser(h.handlePlay)},
		{"GET", "/api/v1/archive/{vehicle}/{camera}/export", accessUser, "Archive: evidence bundle (zip: clip, signed segments, manifest; check with fieldwatch verify)", h.withUser(h.handleExport)},
		{"GET", "/api/v1/archive/{vehicle}/{camera}/segments", accessUser, "Archive: segment records (manifests) in [start, start+duration)", h.withUser(h.handleSegments)},
		{"GET", "/api/v1/archive/holds", accessUser, "Archive: legal holds", h.withUser(h.handleHolds)},
		{"POST", "/api/v1/archive/holds", accessUser, "Archive: place a legal hold on a range (leader, duty)", h.withUser(h.handleAddHold)},
		{"DELETE", "/api/v1/archive/holds/{id}", accessUser, "Archive: lift a legal hold (leader)", h.withUser(h.handleRemoveHold)},
		{"GET", "/api/v1/archive/transfers", accessUser, "Archive: per-vehicle transfer statistics of a day (Decision 3035, Appendix I)", h.withUser(h.handleTransfers)},
		{"GET", "/api/v1/alerts", accessUser, "Alerts: tampering, storage, lost recordings", h.withUser(h.handleAlerts)},
		{"GET", "/api/v1/audit", accessUser, "Audit log search (administrator)", h.withUser(h.handleAudit)},
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
