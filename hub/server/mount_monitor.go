package server

import (
	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
)

// monitorRoutes: the routes of service monitoring and alerts.
func (h *Hub) monitorRoutes() []httpapi.Route {
	return []httpapi.Route{
		h.user("GET", "/api/v1/services", access.AlertsView, "", "Service monitoring: every service of the hub and of the vehicles one sees, running / stopped / error (Decision 3035, Appendix II)", h.handleServices),
		h.user("GET", "/api/v1/services/history", access.AlertsView, "", "Service monitoring history: state changes in [from, to), newest first (?host=&limit=)", h.handleServiceHistory),
		h.user("GET", "/api/v1/alerts", access.AlertsView, "", "Alerts: tampering, storage, lost recordings", h.handleAlerts),
	}
}
