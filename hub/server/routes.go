package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/console"
	"fieldwatch/mobile"
)

// Who may call a route.
const (
	accessPublic  = "public"  // anyone
	accessUser    = "user"    // a logged-in user (bearer token or session cookie)
	accessVehicle = "vehicle" // a vehicle's device token
	accessDemo    = "demo"    // a logged-in user, demo mode only
)

// route is one entry of the hub's HTTP surface. The table is also the
// source for the API description and the authorisation matrix test.
type route struct {
	method  string
	pattern string
	access  string
	// action is what a user route does, checked against the user's roles
	// before the handler runs.
	action access.Action
	// scope names the path parameter holding the vehicle the route is
	// about; the user must see that vehicle's unit. Routes without one
	// filter what they return, or check the unit named in their body.
	scope   string
	summary string
	handler http.HandlerFunc
}

type userHandler func(w http.ResponseWriter, r *http.Request, u auth.User)

func public(method, pattern, summary string, h http.HandlerFunc) route {
	return route{method: method, pattern: pattern, access: accessPublic, summary: summary, handler: h}
}

func vehicle(method, pattern, summary string, h http.HandlerFunc) route {
	return route{method: method, pattern: pattern, access: accessVehicle, summary: summary, handler: h}
}

func (h *Hub) user(method, pattern string, a access.Action, scope, summary string, fn userHandler) route {
	return route{method: method, pattern: pattern, access: accessUser, action: a, scope: scope, summary: summary, handler: h.asUser(fn)}
}

func (h *Hub) routes() []route {
	rs := []route{
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

		public("POST", "/api/v1/auth/login", "Log in: returns a bearer token and sets the session cookie", h.handleLogin),
		h.user("POST", "/api/v1/auth/logout", access.Self, "", "Log out: revokes the session", h.handleLogout),
		h.user("GET", "/api/v1/me", access.Self, "", "The logged-in user", h.handleMe),
		h.user("POST", "/api/v1/me/password", access.Self, "", "Change one's own password (ends one's other sessions)", h.handleChangePassword),
		h.user("GET", "/api/v1/sessions", access.Self, "", "One's open sessions (administrator: ?user=NAME or everyone's)", h.handleSessions),
		h.user("DELETE", "/api/v1/sessions/{id}", access.Self, "", "End a session (one's own; the administrator any)", h.handleRevokeSession),
		public("GET", "/api/v1/openapi.json", "This API's OpenAPI 3 description", h.handleOpenAPI),
		public("GET", "/api/v1/info", "Hub name, version, demo mode", h.handleInfo),

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

		h.user("GET", "/api/v1/vehicles", access.FleetView, "", "Vehicles with cameras, online state and last telemetry", h.handleVehicles),
		h.user("GET", "/api/v1/vehicles/{vehicle}", access.FleetView, "vehicle", "One vehicle", h.handleVehicle),
		h.user("POST", "/api/v1/vehicles/{vehicle}/credentials", access.VehiclesAdmin, "vehicle", "Issue a new device token for a vehicle (shown once)", h.handleIssueCredential),
		h.user("DELETE", "/api/v1/vehicles/{vehicle}/credentials", access.VehiclesAdmin, "vehicle", "Revoke every device token of a vehicle", h.handleRevokeCredentials),
		h.user("GET", "/api/v1/streams", access.FleetView, "", "Live streams with relay statistics", h.handleStreams),

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

		vehicle("PUT", "/api/v1/sync/key", "Vehicle: register its segment-signing public key (first use; a different key is refused)", h.handleSyncKey),
		vehicle("HEAD", "/api/v1/sync/{vehicle}/{camera}/{seq}", "Vehicle: how many bytes of a segment the hub holds (Upload-Offset, Upload-Complete)", h.handleSyncHead),
		vehicle("PATCH", "/api/v1/sync/{vehicle}/{camera}/{seq}", "Vehicle: append a segment's bytes from Upload-Offset; verified and archived when whole", h.handleSyncPatch),
		vehicle("PUT", "/api/v1/sync/{vehicle}/photos/{id}", "Vehicle: forward a photo its crew attached to a report (the body; the id is its SHA-256)", h.handleSyncPhoto),
		vehicle("POST", "/api/v1/sync/{vehicle}/{camera}/{seq}/lost", "Vehicle: report a segment overwritten before sync (its signed manifest)", h.handleSyncLost),

		h.user("GET", "/api/v1/archive/{vehicle}/{camera}/timeline", access.ArchiveView, "vehicle", "Archive: covered ranges and explained gaps in [from, to)", h.handleTimeline),
		h.user("GET", "/api/v1/archive/{vehicle}/{camera}/play", access.ArchiveView, "vehicle", "Archive: one fragmented MP4 of [start, start+duration) for a <video> (X-Fieldwatch-Pieces maps it to wall-clock time)", h.handlePlay),
		h.user("GET", "/api/v1/archive/{vehicle}/{camera}/export", access.ArchiveExport, "vehicle", "Archive: evidence bundle (zip: clip, signed segments, manifest; check with fieldwatch verify)", h.handleExport),
		h.user("GET", "/api/v1/archive/{vehicle}/{camera}/segments", access.ArchiveView, "vehicle", "Archive: segment records (manifests) in [start, start+duration)", h.handleSegments),
		h.user("GET", "/api/v1/archive/holds", access.ArchiveView, "", "Archive: legal holds on vehicles one sees", h.handleHolds),
		h.user("POST", "/api/v1/archive/holds", access.HoldPlace, "", "Archive: place a legal hold on a range (leader, duty)", h.handleAddHold),
		h.user("DELETE", "/api/v1/archive/holds/{id}", access.HoldLift, "", "Archive: lift a legal hold (leader)", h.handleRemoveHold),
		h.user("GET", "/api/v1/archive/transfers", access.TransfersView, "", "Archive: per-vehicle transfer statistics of a day (Decision 3035, Appendix I)", h.handleTransfers),
		h.user("GET", "/api/v1/dutylog", access.DutyLogRead, "", "Duty log of a unit's shift (?unit=&shift=YYYY-MM-DD, 08:00–08:00) and its open items", h.handleDutyLog),
		h.user("POST", "/api/v1/dutylog", access.DutyLogWrite, "", "Write a duty log entry (event, equipment, incident, instruction, action; open items carry over)", h.handleDutyLogAdd),
		h.user("POST", "/api/v1/dutylog/{unit}/{id}/close", access.DutyLogWrite, "", "Close an open duty log item", h.handleDutyLogClose),
		h.user("GET", "/api/v1/dutylog/report", access.DutyLogRead, "", "A unit's daily duty report (?unit=&shift=YYYY-MM-DD&format=json|pdf|xlsx)", h.handleDutyReport),
		h.user("GET", "/api/v1/handovers", access.DutyLogRead, "", "Shift handovers of a unit (?unit=)", h.handleHandovers),
		h.user("POST", "/api/v1/handovers", access.DutyLogWrite, "", "Hand over the shift: summary, with the unit's open items", h.handleHandoverBegin),
		h.user("POST", "/api/v1/handovers/{unit}/{id}/accept", access.DutyLogWrite, "", "Take over the shift (the incoming officer)", h.handleHandoverAccept),
		h.user("GET", "/api/v1/calendar", access.UnitsView, "", "Working-day calendar: a year's holidays, days off and worked weekend days (?year=)", h.handleCalendar),
		h.user("PUT", "/api/v1/calendar/{date}", access.UnitsAdmin, "", "Enter an announced day off or working day (administrator)", h.handleCalendarSet),
		h.user("DELETE", "/api/v1/calendar/{date}", access.UnitsAdmin, "", "Remove an entered day off or working day (administrator)", h.handleCalendarUnset),
		h.user("GET", "/api/v1/rosters", access.RosterRead, "", "Duty rosters of units one sees (drafts for leaders and duty officers)", h.handleRosters),
		h.user("POST", "/api/v1/rosters", access.RosterWrite, "", "Generate a draft roster of a unit for [from, to) from its accounts (24-hour shifts by default)", h.handleGenerateRoster),
		h.user("GET", "/api/v1/rosters/{id}", access.RosterRead, "", "One roster with its unfilled slots explained and approved overrides applied", h.handleRoster),
		h.user("POST", "/api/v1/rosters/{id}/publish", access.RosterApprove, "", "Publish a roster (leader)", h.handlePublishRoster),
		h.user("POST", "/api/v1/rosters/{id}/overrides", access.RosterWrite, "", "Propose a swap or replacement (no effect until a leader approves)", h.handleProposeOverride),
		h.user("POST", "/api/v1/rosters/{id}/overrides/{n}/decision", access.RosterApprove, "", "Approve or reject a proposed override (leader)", h.handleDecideOverride),
		h.user("GET", "/api/v1/me/shifts", access.Self, "", "One's own shifts running or starting in the next two weeks, per the published rosters", h.handleMyShifts),
		h.user("GET", "/api/v1/onduty", access.RosterRead, "", "Who is on shift in a unit's subtree (?unit=, ?at=RFC3339), per the published rosters with approved swaps", h.handleOnDuty),
		// Leave and unavailability (issue 5: rosters).
		h.user("GET", "/api/v1/leave", access.RosterRead, "", "Leave and unavailability of the officers of a unit's subtree (?unit=)", h.handleLeave),
		h.user("POST", "/api/v1/leave", access.LeaveWrite, "", "Enter a leave period {officer (default oneself), from, to, kind: phép|ốm|công tác|khác, note}; another's by the unit's leaders and duty officers", h.handleAddLeave),
		h.user("DELETE", "/api/v1/leave/{id}", access.LeaveWrite, "", "Remove a leave period (one's own; leaders and duty officers, their unit's)", h.handleDeleteLeave),
		h.user("GET", "/api/v1/incidents", access.IncidentRead, "", "Camera and transmission faults of units one sees (?state=open|closed), with overdue and missing-update flags", h.handleIncidents),
		h.user("POST", "/api/v1/incidents", access.IncidentWrite, "", "Open an incident (camera: due in 10 working days; transmission: 3)", h.handleOpenIncident),
		h.user("GET", "/api/v1/incidents/{id}", access.IncidentRead, "", "One incident", h.handleIncident),
		h.user("POST", "/api/v1/incidents/{id}/assign", access.IncidentWrite, "", "Assign an incident to an officer", h.handleIncidentAction),
		h.user("POST", "/api/v1/incidents/{id}/update", access.IncidentWrite, "", "Post the day's progress on an incident", h.handleIncidentAction),
		h.user("POST", "/api/v1/incidents/{id}/gate", access.IncidentWrite, "", "Add to the manual gate log while a camera is down (plate, container, time in/out)", h.handleIncidentAction),
		h.user("POST", "/api/v1/incidents/{id}/close", access.IncidentWrite, "", "Close an incident with its cause and fix", h.handleIncidentAction),
		// Mobile surveillance missions (issue 5 item 6).
		h.user("GET", "/api/v1/missions", access.MissionRead, "", "Missions of vehicles one sees (?state=, ?vehicle=, ?mine=1: those one is crew of; a crew account sees only its own)", h.handleMissions),
		h.user("POST", "/api/v1/missions", access.MissionWrite, "", "Plan a mission: vehicle, crew, site or route, window, purpose (sent to the vehicle)", h.handleCreateMission),
		h.user("GET", "/api/v1/missions/{id}", access.MissionRead, "", "One mission", h.handleMission),
		h.user("PUT", "/api/v1/missions/{id}", access.MissionWrite, "", "Change a planned or running mission (sent to the vehicle)", h.handleUpdateMission),
		h.user("POST", "/api/v1/missions/{id}/start", access.MissionReport, "", "Start a planned mission now", h.handleMissionOp("start")),
		h.user("POST", "/api/v1/missions/{id}/cancel", access.MissionWrite, "", "Cancel a mission ({\"reason\"})", h.handleMissionOp("cancel")),
		h.user("POST", "/api/v1/missions/{id}/close", access.MissionReport, "", "Close a mission with its closing report ({\"summary\",\"findings\"})", h.handleMissionOp("close")),
		h.user("GET", "/api/v1/missions/{id}/log", access.MissionRead, "", "The mission's log: events, GPS, live streams, instructions and reports in its window, in time order", h.handleMissionLog),
		h.user("GET", "/api/v1/missions/{id}/track", access.MissionRead, "", "The mission's GPS track (GeoJSON LineString)", h.handleMissionTrack),
		h.user("GET", "/api/v1/services", access.AlertsView, "", "Service monitoring: every service of the hub and of the vehicles one sees, running / stopped / error (Decision 3035, Appendix II)", h.handleServices),
		h.user("GET", "/api/v1/services/history", access.AlertsView, "", "Service monitoring history: state changes in [from, to), newest first (?host=&limit=)", h.handleServiceHistory),
		h.user("GET", "/api/v1/alerts", access.AlertsView, "", "Alerts: tampering, storage, lost recordings", h.handleAlerts),
		// Targeted surveillance (issue 5 item 5): focus profiles approved by a leader, and the alerts their rules raise.
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
		// Continuous surveillance (issue 5 item 4): camera groups, watch assignments, coverage, tour, random samples.
		h.user("GET", "/api/v1/watch/groups", access.WatchRead, "", "Camera groups of a unit's subtree (?unit=), each with its cameras as the fleet stands now", h.handleWatchGroups),
		h.user("POST", "/api/v1/watch/groups", access.WatchWrite, "", "Create a camera group {unit, name, members: [{kind: camera|vehicle|unit, vehicle, camera, unit}]}", h.handlePutWatchGroup),
		h.user("PUT", "/api/v1/watch/groups/{id}", access.WatchWrite, "", "Replace a camera group's name and members", h.handlePutWatchGroup),
		h.user("DELETE", "/api/v1/watch/groups/{id}", access.WatchWrite, "", "Delete a camera group", h.handleDeleteWatchGroup),
		h.user("GET", "/api/v1/watch/assignments", access.WatchRead, "", "Watch assignments of a unit's shift (?unit=&shift=YYYY-MM-DD, 08:00–08:00)", h.handleWatchAssignments),
		h.user("POST", "/api/v1/watch/assignments", access.WatchWrite, "", "Assign an officer to groups {unit, officer, groups, shift | from, to}", h.handleAddWatchAssignment),
		h.user("POST", "/api/v1/watch/assignments/auto", access.WatchWrite, "", "Spread a unit's groups evenly over the surveillance officers on duty for a shift {unit, shift}", h.handleAutoWatchAssign),
		h.user("DELETE", "/api/v1/watch/assignments/{id}", access.WatchWrite, "", "Remove a watch assignment", h.handleDeleteWatchAssignment),
		h.user("GET", "/api/v1/watch/coverage", access.WatchRead, "", "Coverage of every camera of a unit's subtree in a shift (?unit=&shift=): unwatched intervals with reasons, summary", h.handleWatchCoverage),
		h.user("GET", "/api/v1/watch/mine", access.WatchRead, "", "The cameras I am assigned now, in tour order, and the tour's period and interval", h.handleWatchMine),
		h.user("GET", "/api/v1/samples", access.WatchRead, "", "Random-sample lists (?mine=1: with tasks of mine; else ?unit=&day=)", h.handleSamples),
		h.user("POST", "/api/v1/samples", access.SampleImport, "", "Import a list (text/csv body or multipart file; ?unit=&kind=declaration|vehicle&share=5&day=&name=&seed=): draw the share, tasks round-robin to the officers on duty", h.handleImportSamples),
		h.user("POST", "/api/v1/samples/{id}/tasks/{n}/done", access.SampleWork, "", "Close a sample task {result: no_finding|suspicious, note}", h.handleSampleDone),
		h.user("GET", "/api/v1/audit", access.AuditRead, "", "Audit log search (administrator)", h.handleAudit),
		h.user("GET", "/api/v1/audit/export", access.AuditRead, "", "Audit log export as JSON lines, with the chain's check (administrator)", h.handleAuditExport),
	}
	demo := h.user("POST", "/api/v1/sim/link", access.SimLink, "", "Demo: cut or restore a simulated vehicle's link", h.handleSimLink)
	demo.access = accessDemo
	return append(rs, demo)
}

// Handler returns the hub's HTTP handler.
func (h *Hub) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range h.routes() {
		next := rt.handler
		if rt.access == accessUser || rt.access == accessDemo {
			next = h.guard(rt, next)
		}
		mux.HandleFunc(rt.method+" "+rt.pattern, next)
	}
	mux.Handle("GET /", console.Handler())
	mux.Handle("GET /m/", mobile.Handler())
	mux.Handle("GET /m", http.RedirectHandler("/m/", http.StatusMovedPermanently))
	return securityHeaders(mux)
}

// securityHeaders sets headers every response should carry.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
