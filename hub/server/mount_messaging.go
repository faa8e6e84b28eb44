package server

import (
	"context"
	"encoding/json"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/alerts"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/reports"
)

// instructionsAPI builds the instructions' handlers from the hub's parts.
func (h *Hub) instructionsAPI() *messaging.API {
	return messaging.NewAPI(messaging.APIParams{Service: h.messages, Scope: h.messagingScope(), Fleet: h.fleet,
		Accounts: h.auth, Audit: h.auditLog, Now: time.Now})
}

// reportsAPI builds the reports' and photos' handlers from the hub's parts.
func (h *Hub) reportsAPI() *reports.API {
	return reports.NewAPI(reports.APIParams{Reports: h.reports, Photos: h.photos, Instructions: h.messages,
		Fleet: h.fleet, Scope: h.messagingScope(), Audit: h.auditLog, Filed: h.profileReport, Logger: h.log})
}

func (h *Hub) messagingScope() access.Scope { return access.Scope{Tree: h.units, Vehicles: h.fleet} }

// messagingRoutes: the routes of instructions, suspicious-sign reports and their photos.
func (h *Hub) messagingRoutes() []httpapi.Route {
	return append(h.instructionsAPI().Routes(), h.reportsAPI().Routes()...)
}

// escalateEvery is how often overdue urgent instructions (and incidents)
// are looked for.
const escalateEvery = 10 * time.Second

// messagingLoops: escalation of overdue urgent instructions.
func (h *Hub) messagingLoops() []func(context.Context) {
	esc := messaging.NewEscalation(messaging.EscalationParams{
		Service:  h.messages,
		Officers: h.auth,
		Tree:     h.units,
		Alert: func(vehicle, message string) error {
			_, err := h.alerts.Raise(alerts.KindInstructionOverdue, vehicle, "", message)
			return err
		},
		Audit:  h.auditLog,
		Every:  escalateEvery,
		Logger: h.log,
	})
	return []func(context.Context){esc.Run}
}

// vehicleReport files a crew report that came through a vehicle's outbox
// (the messaging service's OnReport).
func (h *Hub) vehicleReport(vehicle string, body json.RawMessage) error {
	return h.reportsAPI().VehicleReport(vehicle, body)
}

// clipText shortens a text for an audit record.
func clipText(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
