package server

import (
	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
)

// watchRoutes: the routes of continuous surveillance: camera groups, watch assignments, coverage, samples.
func (h *Hub) watchRoutes() []httpapi.Route {
	return []httpapi.Route{
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
	}
}
