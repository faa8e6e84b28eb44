package server

import (
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/alerts"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/monitor"
	"fieldwatch/protocol"
)

// svcControl is the control channel's service name.
const svcControl = monitor.SvcControl

// monitorRoutes: the routes of service monitoring and alerts.
func (h *Hub) monitorRoutes() []httpapi.Route {
	scope := access.Scope{Tree: h.units, Vehicles: h.fleet}
	return append(monitor.NewAPI(monitor.APIParams{Monitor: h.monitor, Scope: scope}).Routes(),
		alerts.NewAPI(alerts.APIParams{Store: h.alerts, Scope: scope}).Routes()...)
}

// services records services' states from the control channel and the hub.
func (h *Hub) services() *monitor.Recorder {
	return monitor.NewRecorder(monitor.RecorderParams{
		Monitor: h.monitor,
		Units:   h.fleet,
		Address: func(vehicle string) string { return h.control.Status(vehicle).Remote },
		Now:     time.Now,
		Logger:  h.log,
	})
}

// vehicleLink delegates to the service recorder (control channel's OnChange).
func (h *Hub) vehicleLink(vehicle string, online bool) { h.services().Link(vehicle, online) }

// vehicleServices delegates to the service recorder (control channel's OnTelemetry).
func (h *Hub) vehicleServices(vehicle string, t *protocol.Telemetry) {
	h.services().Telemetry(vehicle, t)
}

// hubServices delegates to the service recorder.
func (h *Hub) hubServices(state, addr, msg string) { h.services().Hub(state, addr, msg) }
