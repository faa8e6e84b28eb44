package server

import (
	"context"
	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
	"time"
)

// dutyRoutes: the routes of rosters, leave, on duty, the duty log and handovers.
func (h *Hub) dutyRoutes() []httpapi.Route {
	return []httpapi.Route{
		h.user("GET", "/api/v1/dutylog", access.DutyLogRead, "", "Duty log of a unit's shift (?unit=&shift=YYYY-MM-DD, 08:00–08:00) and its open items", h.handleDutyLog),
		h.user("POST", "/api/v1/dutylog", access.DutyLogWrite, "", "Write a duty log entry (event, equipment, incident, instruction, action; open items carry over)", h.handleDutyLogAdd),
		h.user("POST", "/api/v1/dutylog/{unit}/{id}/close", access.DutyLogWrite, "", "Close an open duty log item", h.handleDutyLogClose),
		h.user("GET", "/api/v1/dutylog/report", access.DutyLogRead, "", "A unit's daily duty report (?unit=&shift=YYYY-MM-DD&format=json|pdf|xlsx)", h.handleDutyReport),
		h.user("GET", "/api/v1/handovers", access.DutyLogRead, "", "Shift handovers of a unit (?unit=)", h.handleHandovers),
		h.user("POST", "/api/v1/handovers", access.DutyLogWrite, "", "Hand over the shift: summary, with the unit's open items", h.handleHandoverBegin),
		h.user("POST", "/api/v1/handovers/{unit}/{id}/accept", access.DutyLogWrite, "", "Take over the shift (the incoming officer)", h.handleHandoverAccept),
		h.user("GET", "/api/v1/rosters", access.RosterRead, "", "Duty rosters of units one sees (drafts for leaders and duty officers)", h.handleRosters),
		h.user("POST", "/api/v1/rosters", access.RosterWrite, "", "Generate a draft roster of a unit for [from, to) from its accounts (24-hour shifts by default)", h.handleGenerateRoster),
		h.user("GET", "/api/v1/rosters/{id}", access.RosterRead, "", "One roster with its unfilled slots explained and approved overrides applied", h.handleRoster),
		h.user("POST", "/api/v1/rosters/{id}/publish", access.RosterApprove, "", "Publish a roster (leader)", h.handlePublishRoster),
		h.user("POST", "/api/v1/rosters/{id}/overrides", access.RosterWrite, "", "Propose a swap or replacement (no effect until a leader approves)", h.handleProposeOverride),
		h.user("POST", "/api/v1/rosters/{id}/overrides/{n}/decision", access.RosterApprove, "", "Approve or reject a proposed override (leader)", h.handleDecideOverride),
		h.user("GET", "/api/v1/me/shifts", access.Self, "", "One's own shifts running or starting in the next two weeks, per the published rosters", h.handleMyShifts),
		h.user("GET", "/api/v1/onduty", access.RosterRead, "", "Who is on shift in a unit's subtree (?unit=, ?at=RFC3339), per the published rosters with approved swaps", h.handleOnDuty),
		h.user("GET", "/api/v1/leave", access.RosterRead, "", "Leave and unavailability of the officers of a unit's subtree (?unit=)", h.handleLeave),
		h.user("POST", "/api/v1/leave", access.LeaveWrite, "", "Enter a leave period {officer (default oneself), from, to, kind: phép|ốm|công tác|khác, note}; another's by the unit's leaders and duty officers", h.handleAddLeave),
		h.user("DELETE", "/api/v1/leave/{id}", access.LeaveWrite, "", "Remove a leave period (one's own; leaders and duty officers, their unit's)", h.handleDeleteLeave),
	}
}

// dutyLoops: reminders of coming shifts.
func (h *Hub) dutyLoops() []func(context.Context) {
	return []func(context.Context){func(ctx context.Context) { every(ctx, time.Minute, h.remindShifts) }}
}
