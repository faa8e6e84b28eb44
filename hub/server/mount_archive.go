package server

import (
	"context"
	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
)

// archiveRoutes: the routes of the evidence archive and the vehicles' sync.
func (h *Hub) archiveRoutes() []httpapi.Route {
	return []httpapi.Route{
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
	}
}

// archiveLoops: retention.
func (h *Hub) archiveLoops() []func(context.Context) {
	return []func(context.Context){h.archive.RunSweeper}
}
