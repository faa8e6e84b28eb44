package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/live"
)

// Content types of WHIP/WHEP, for the hub's tests.
const (
	ctSDP     = live.ContentTypeSDP
	ctSDPFrag = live.ContentTypeSDPFrag
)

// liveAPI builds live video's handlers from the hub's parts.
func (h *Hub) liveAPI() *live.API {
	var demo *live.DemoHooks
	if h.demo != nil {
		d := live.DemoHooks(*h.demo)
		demo = &d
	}
	return live.NewAPI(live.Params{
		Relay:          h.relay,
		Control:        h.control,
		ControlChannel: h.control,
		Fleet:          h.fleet,
		Tokens:         h.auth,
		Scope:          access.Scope{Tree: h.units, Vehicles: h.fleet},
		Audit:          h.auditLog,
		Demo:           demo,
		Logger:         h.log,
	})
}

// liveRoutes: the routes of live video: health and metrics, WHIP/WHEP, the
// control channel, vehicles and streams.
func (h *Hub) liveRoutes() []httpapi.Route {
	return append([]httpapi.Route{
		public("GET", "/healthz", "Health: 200 while serving", h.handleHealth),
		public("GET", "/metrics", "Prometheus metrics", promhttp.HandlerFor(h.metrics, promhttp.HandlerOpts{}).ServeHTTP).Returns("text/plain"),
	}, h.liveAPI().Routes()...)
}

// liveDemoRoute: the demo-only route that cuts or restores a simulated link.
func (h *Hub) liveDemoRoute() httpapi.Route { return h.liveAPI().DemoRoute() }

// newFleetCollector exposes vehicles' online state to Prometheus.
func newFleetCollector(h *Hub) prometheus.Collector {
	return live.NewFleetCollector(h.fleet, h.control)
}
