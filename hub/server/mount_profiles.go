package server

import (
	"context"
	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
)

// profilesRoutes: the routes of targeted surveillance: focus profiles and their alerts.
func (h *Hub) profilesRoutes() []httpapi.Route {
	return []httpapi.Route{
		h.user("GET", "/api/v1/profiles", access.ProfileRead, "", "Focus profiles of units one sees (?state=draft|submitted|approved|rejected|closed|expired|pending)", h.handleProfiles),
		h.user("POST", "/api/v1/profiles", access.ProfileWrite, "", "Draft a focus profile {unit, title, content, requirements, scope, window, rules, watchers, watch_on_duty}", h.handleCreateProfile),
		h.user("GET", "/api/v1/profiles/{id}", access.ProfileRead, "", "One focus profile with its history and pending revision", h.handleProfile),
		h.user("PUT", "/api/v1/profiles/{id}", access.ProfileWrite, "", "Edit a draft, or propose a revision of an approved profile (no effect until a leader approves it)", h.handleEditProfile),
		h.user("POST", "/api/v1/profiles/{id}/submit", access.ProfileWrite, "", "Submit a draft profile to the leaders", h.handleProfileOp),
		h.user("POST", "/api/v1/profiles/{id}/decision", access.ProfileApprove, "", "Approve or reject a profile or its pending revision {approve, note} (a leader, not its author)", h.handleDecideProfile),
		h.user("POST", "/api/v1/profiles/{id}/close", access.ProfileWrite, "", "Close a profile for good {note}", h.handleProfileOp),
		h.user("GET", "/api/v1/profile-alerts", access.ProfileAlertRead, "", "Alerts of focus profiles of units one sees (?state=open|acknowledged|resolved, ?mine=1: addressed to me)", h.handleProfileAlerts),
		h.user("POST", "/api/v1/profile-alerts/{id}/ack", access.ProfileAlertHandle, "", "Acknowledge a profile alert", h.handleProfileAlertOp),
		h.user("POST", "/api/v1/profile-alerts/{id}/resolve", access.ProfileAlertHandle, "", "Resolve a profile alert with a note {note}", h.handleProfileAlertOp),
	}
}

// profilesLoops: profile windows opening.
func (h *Hub) profilesLoops() []func(context.Context) {
	return []func(context.Context){h.runProfileWindows}
}
