package server

import (
	"context"
	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
)

// messagingRoutes: the routes of instructions, suspicious-sign reports and their photos.
func (h *Hub) messagingRoutes() []httpapi.Route {
	return []httpapi.Route{
		h.user("GET", "/api/v1/instructions", access.InstructionRead, "", "Instructions to vehicles one sees, newest first, with each vehicle's state", h.handleInstructions),
		h.user("POST", "/api/v1/instructions", access.InstructionSend, "", "Send an instruction to vehicles or to a unit's vehicles (leader, duty)", h.handleSendInstruction),
		h.user("GET", "/api/v1/instructions/{id}", access.InstructionRead, "", "One instruction", h.handleInstruction),
		h.user("POST", "/api/v1/instructions/{id}/receipt", access.InstructionAck, "", "A crew member read or acknowledged an instruction (phone through the hub)", h.handleReceipt),
		h.user("GET", "/api/v1/reports", access.ReportRead, "", "Suspicious-sign reports of units one sees (?state=pending: awaiting a decision)", h.handleReports),
		h.user("POST", "/api/v1/reports", access.ReportCreate, "", "Raise a suspicious-sign report (text, photos, a live camera's snapshot, GPS)", h.handleCreateReport),
		h.user("GET", "/api/v1/reports/{id}", access.ReportRead, "", "One report with its timeline", h.handleReport),
		h.user("POST", "/api/v1/reports/{id}/decision", access.ReportDecide, "", "A leader approves or rejects the proposed action", h.handleDecide),
		h.user("POST", "/api/v1/reports/{id}/reply", access.ReportDecide, "", "A leader replies with an instruction to the report's vehicle", h.handleReply),
		h.user("POST", "/api/v1/reports/{id}/done", access.ReportCreate, "", "Mark the approved action done (refused before approval)", h.handleDone),
		h.user("POST", "/api/v1/photos", access.ReportCreate, "", "Upload a photo or snapshot (JPEG, PNG or WebP body); its id is its SHA-256", h.handleUploadPhoto),
		h.user("GET", "/api/v1/photos/{id}", access.ReportRead, "", "A photo", h.handlePhoto),
	}
}

// messagingLoops: escalation of overdue urgent instructions.
func (h *Hub) messagingLoops() []func(context.Context) {
	return []func(context.Context){h.runEscalation}
}
