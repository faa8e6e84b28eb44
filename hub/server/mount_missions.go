package server

import (
	"context"
	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
)

// missionsRoutes: the routes of mobile surveillance missions.
func (h *Hub) missionsRoutes() []httpapi.Route {
	return []httpapi.Route{
		h.user("GET", "/api/v1/missions", access.MissionRead, "", "Missions of vehicles one sees (?state=, ?vehicle=, ?mine=1: those one is crew of; a crew account sees only its own)", h.handleMissions),
		h.user("POST", "/api/v1/missions", access.MissionWrite, "", "Plan a mission: vehicle, crew, site or route, window, purpose (sent to the vehicle)", h.handleCreateMission),
		h.user("GET", "/api/v1/missions/{id}", access.MissionRead, "", "One mission", h.handleMission),
		h.user("PUT", "/api/v1/missions/{id}", access.MissionWrite, "", "Change a planned or running mission (sent to the vehicle)", h.handleUpdateMission),
		h.user("POST", "/api/v1/missions/{id}/start", access.MissionReport, "", "Start a planned mission now", h.handleMissionOp("start")),
		h.user("POST", "/api/v1/missions/{id}/cancel", access.MissionWrite, "", "Cancel a mission ({\"reason\"})", h.handleMissionOp("cancel")),
		h.user("POST", "/api/v1/missions/{id}/close", access.MissionReport, "", "Close a mission with its closing report ({\"summary\",\"findings\"})", h.handleMissionOp("close")),
		h.user("GET", "/api/v1/missions/{id}/log", access.MissionRead, "", "The mission's log: events, GPS, live streams, instructions and reports in its window, in time order", h.handleMissionLog),
		h.user("GET", "/api/v1/missions/{id}/track", access.MissionRead, "", "The mission's GPS track (GeoJSON LineString)", h.handleMissionTrack),
	}
}

// missionsLoops: missions starting and ending with their windows.
func (h *Hub) missionsLoops() []func(context.Context) {
	return []func(context.Context){func(ctx context.Context) { h.missions.Run(ctx, missionTick) }}
}
