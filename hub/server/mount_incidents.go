package server

import (
	"context"
	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
	"time"
)

// incidentsRoutes: the routes of incidents.
func (h *Hub) incidentsRoutes() []httpapi.Route {
	return []httpapi.Route{
		h.user("GET", "/api/v1/incidents", access.IncidentRead, "", "Camera and transmission faults of units one sees (?state=open|closed), with overdue and missing-update flags", h.handleIncidents),
		h.user("POST", "/api/v1/incidents", access.IncidentWrite, "", "Open an incident (camera: due in 10 working days; transmission: 3)", h.handleOpenIncident),
		h.user("GET", "/api/v1/incidents/{id}", access.IncidentRead, "", "One incident", h.handleIncident),
		h.user("POST", "/api/v1/incidents/{id}/assign", access.IncidentWrite, "", "Assign an incident to an officer", h.handleIncidentAction),
		h.user("POST", "/api/v1/incidents/{id}/update", access.IncidentWrite, "", "Post the day's progress on an incident", h.handleIncidentAction),
		h.user("POST", "/api/v1/incidents/{id}/gate", access.IncidentWrite, "", "Add to the manual gate log while a camera is down (plate, container, time in/out)", h.handleIncidentAction),
		h.user("POST", "/api/v1/incidents/{id}/close", access.IncidentWrite, "", "Close an incident with its cause and fix", h.handleIncidentAction),
	}
}

// incidentsLoops: automatic incidents, overdue flags and escalation.
func (h *Hub) incidentsLoops() []func(context.Context) {
	return []func(context.Context){func(ctx context.Context) { every(ctx, escalateEvery, func(time.Time) { h.watchIncidents() }) }}
}
