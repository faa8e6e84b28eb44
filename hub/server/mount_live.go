package server

import (
	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// liveRoutes: the routes of live video: WHIP/WHEP, the control channel, vehicles and streams.
func (h *Hub) liveRoutes() []httpapi.Route {
	return []httpapi.Route{
		public("GET", "/healthz", "Health: 200 while serving", h.handleHealth),
		public("GET", "/metrics", "Prometheus metrics", promhttp.HandlerFor(h.metrics, promhttp.HandlerOpts{}).ServeHTTP),
		vehicle("POST", "/whip/{vehicle}/{camera}", "WHIP ingest of one camera", h.handleWHIP),
		vehicle("PATCH", "/whip/{vehicle}/{camera}/{session}", "WHIP ICE restart", h.handleSession(true)),
		vehicle("DELETE", "/whip/{vehicle}/{camera}/{session}", "WHIP session end", h.handleSession(true)),
		h.user("POST", "/whip/{vehicle}/phone", access.LiveCrewPublish, "vehicle", "WHIP ingest of a crew member's phone camera, as a camera of the vehicle", h.handlePhoneWHIP),
		h.user("PATCH", "/whip/{vehicle}/phone/{session}", access.LiveCrewPublish, "vehicle", "WHIP ICE restart of a phone", h.handlePhoneSession),
		h.user("DELETE", "/whip/{vehicle}/phone/{session}", access.LiveCrewPublish, "vehicle", "WHIP end of a phone's session", h.handlePhoneSession),
		public("OPTIONS", "/whip/{vehicle}/{camera}", "CORS preflight", h.handleOptions),
		public("OPTIONS", "/whip/{vehicle}/{camera}/{session}", "CORS preflight", h.handleOptions),
		h.user("POST", "/whep/{vehicle}/{camera}", access.LiveView, "vehicle", "WHEP playback of one camera", h.handleWHEP),
		h.user("PATCH", "/whep/{vehicle}/{camera}/{session}", access.LiveView, "vehicle", "WHEP ICE restart", h.handleViewerSession),
		h.user("DELETE", "/whep/{vehicle}/{camera}/{session}", access.LiveView, "vehicle", "WHEP session end", h.handleViewerSession),
		public("OPTIONS", "/whep/{vehicle}/{camera}", "CORS preflight", h.handleOptions),
		public("OPTIONS", "/whep/{vehicle}/{camera}/{session}", "CORS preflight", h.handleOptions),
		vehicle("GET", "/control/v1/ws", "Vehicle control channel (WebSocket)", h.control.ServeHTTP),
		h.user("GET", "/api/v1/vehicles", access.FleetView, "", "Vehicles with cameras, online state and last telemetry", h.handleVehicles),
		h.user("GET", "/api/v1/vehicles/{vehicle}", access.FleetView, "vehicle", "One vehicle", h.handleVehicle),
		h.user("GET", "/api/v1/streams", access.FleetView, "", "Live streams with relay statistics", h.handleStreams),
	}
}
