package server

import (
	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
)

// accountsRoutes: the routes of accounts, sessions, units, vehicle credentials, the calendar and the audit log.
func (h *Hub) accountsRoutes() []httpapi.Route {
	return []httpapi.Route{
		public("POST", "/api/v1/auth/login", "Log in: returns a bearer token and sets the session cookie", h.handleLogin),
		h.user("POST", "/api/v1/auth/logout", access.Self, "", "Log out: revokes the session", h.handleLogout),
		h.user("GET", "/api/v1/me", access.Self, "", "The logged-in user", h.handleMe),
		h.user("POST", "/api/v1/me/password", access.Self, "", "Change one's own password (ends one's other sessions)", h.handleChangePassword),
		h.user("GET", "/api/v1/sessions", access.Self, "", "One's open sessions (administrator: ?user=NAME or everyone's)", h.handleSessions),
		h.user("DELETE", "/api/v1/sessions/{id}", access.Self, "", "End a session (one's own; the administrator any)", h.handleRevokeSession),
		h.user("GET", "/api/v1/units", access.UnitsView, "", "Units: one's own subtree (administrator: all)", h.handleUnits),
		h.user("POST", "/api/v1/units", access.UnitsAdmin, "", "Create a unit", h.handlePutUnit),
		h.user("PUT", "/api/v1/units/{id}", access.UnitsAdmin, "", "Rename or move a unit", h.handlePutUnit),
		h.user("DELETE", "/api/v1/units/{id}", access.UnitsAdmin, "", "Delete an empty unit", h.handleDeleteUnit),
		h.user("GET", "/api/v1/users", access.UsersView, "", "Accounts of one's subtree (administrator: all)", h.handleUsers),
		h.user("POST", "/api/v1/users", access.UsersAdmin, "", "Create an account with an initial password (changed at first login)", h.handleCreateUser),
		h.user("PUT", "/api/v1/users/{username}", access.UsersAdmin, "", "Change an account's name, unit or roles", h.handleUpdateUser),
		h.user("POST", "/api/v1/users/{username}/lock", access.UsersAdmin, "", "Lock an account (ends its sessions)", h.handleUserOp),
		h.user("POST", "/api/v1/users/{username}/unlock", access.UsersAdmin, "", "Unlock an account", h.handleUserOp),
		h.user("POST", "/api/v1/users/{username}/retire", access.UsersAdmin, "", "Retire an account for good", h.handleUserOp),
		h.user("POST", "/api/v1/users/{username}/password", access.UsersAdmin, "", "Reset an account's password (a new initial password)", h.handleUserOp),
		h.user("POST", "/api/v1/vehicles/{vehicle}/credentials", access.VehiclesAdmin, "vehicle", "Issue a new device token for a vehicle (shown once)", h.handleIssueCredential),
		h.user("DELETE", "/api/v1/vehicles/{vehicle}/credentials", access.VehiclesAdmin, "vehicle", "Revoke every device token of a vehicle", h.handleRevokeCredentials),
		h.user("GET", "/api/v1/calendar", access.UnitsView, "", "Working-day calendar: a year's holidays, days off and worked weekend days (?year=)", h.handleCalendar),
		h.user("PUT", "/api/v1/calendar/{date}", access.UnitsAdmin, "", "Enter an announced day off or working day (administrator)", h.handleCalendarSet),
		h.user("DELETE", "/api/v1/calendar/{date}", access.UnitsAdmin, "", "Remove an entered day off or working day (administrator)", h.handleCalendarUnset),
		h.user("GET", "/api/v1/audit", access.AuditRead, "", "Audit log search (administrator)", h.handleAudit),
		h.user("GET", "/api/v1/audit/export", access.AuditRead, "", "Audit log export as JSON lines, with the chain's check (administrator)", h.handleAuditExport),
	}
}
