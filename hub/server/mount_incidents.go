package server

import (
	"context"

	"fieldwatch/hub/access"
	"fieldwatch/hub/alerts"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/incidents"
)

// incidentsRoutes: the routes of incidents.
func (h *Hub) incidentsRoutes() []httpapi.Route {
	return incidents.NewAPI(incidents.APIParams{
		Store: h.incidents,
		Scope: access.Scope{Tree: h.units, Vehicles: h.fleet},
		Users: h.auth,
		Audit: h.auditLog,
		Days:  h.workdays,
	}).Routes()
}

// incidentsWatcher opens and closes automatic incidents and escalates
// overdue ones.
func (h *Hub) incidentsWatcher() *incidents.Watcher {
	return incidents.NewWatcher(incidents.WatchParams{
		Store:    h.incidents,
		Services: h.monitor,
		Online:   func(vehicle string) bool { return h.control.Status(vehicle).Online },
		Overdue: func(vehicle, camera, msg string) error {
			_, err := h.alerts.Raise(alerts.KindIncidentOverdue, vehicle, camera, msg)
			return err
		},
		After: h.cfg.Incidents.AutoAfter,
		Log:   h.log,
	})
}

// watchIncidents looks at faults and overdue incidents once.
func (h *Hub) watchIncidents() { h.incidentsWatcher().Check() }

// incidentsLoops: automatic incidents, overdue flags and escalation.
func (h *Hub) incidentsLoops() []func(context.Context) {
	return []func(context.Context){h.incidentsWatcher().Run}
}
