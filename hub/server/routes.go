package server

import (
	"net/http"

	"fieldwatch/hub/httpapi"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/console"
	"fieldwatch/mobile"
)

// route is one entry of the hub's HTTP surface; the table of all of them
// is the source for the guard, the authorisation matrix test and OpenAPI.
type route = httpapi.Route

// Who may call a route.
const (
	accessPublic  = httpapi.Public
	accessUser    = httpapi.User
	accessVehicle = httpapi.Vehicle
	accessDemo    = httpapi.Demo
)

type userHandler func(w http.ResponseWriter, r *http.Request, u auth.User)

func public(method, pattern, summary string, h http.HandlerFunc) route {
	return httpapi.NewPublic(method, pattern, summary, httpapi.Plain(h))
}

func vehicle(method, pattern, summary string, h http.HandlerFunc) route {
	return httpapi.NewVehicle(method, pattern, summary, httpapi.Plain(h))
}

func (h *Hub) user(method, pattern string, a access.Action, scope, summary string, fn userHandler) route {
	return httpapi.NewUser(method, pattern, a, scope, summary, httpapi.Plain(h.asUser(fn)))
}

func (h *Hub) routes() []route {
	rs := []route{
		public("GET", "/api/v1/openapi.json", "This API's OpenAPI 3 description", h.handleOpenAPI),
		public("GET", "/api/v1/info", "Hub name, version, demo mode", h.handleInfo),
	}
	for _, part := range [][]route{h.liveRoutes(), h.accountsRoutes(), h.messagingRoutes(), h.archiveRoutes(), h.dutyRoutes(), h.incidentsRoutes(), h.missionsRoutes(), h.monitorRoutes(), h.profilesRoutes(), h.watchRoutes()} {
		rs = append(rs, part...)
	}
	return append(rs, h.liveDemoRoute())
}

// Handler returns the hub's HTTP handler.
func (h *Hub) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range h.routes() {
		next := h.serve(rt.Handle)
		if rt.Access == accessUser || rt.Access == accessDemo {
			next = h.guard(rt, next)
		}
		mux.HandleFunc(rt.Method+" "+rt.Pattern, next)
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
