package server

import (
	"context"
	"io"
	"net/http"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/archive"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/photos"
	"fieldwatch/protocol"
)

// archiveRoutes: the routes of the evidence archive and the vehicles' sync.
func (h *Hub) archiveRoutes() []httpapi.Route {
	api := archive.NewAPI(archive.APIParams{
		Archive:      h.archive,
		Scope:        access.Scope{Tree: h.units, Vehicles: h.fleet},
		Cameras:      archiveFleet{h},
		Tokens:       h.auth,
		States:       archiveFleet{h},
		Photos:       vehiclePhotos{h.photos},
		PhotoMaxSize: photos.MaxSize,
		PhotoSchema:  photos.Photo{},
		Audit:        h.auditLog,
		Now:          time.Now,
		Log:          h.log,
	})
	return api.Routes()
}

// archiveLoops: retention.
func (h *Hub) archiveLoops() []func(context.Context) {
	return []func(context.Context){h.archive.Run}
}

// archiveFleet answers the archive's questions about the fleet and its links.
type archiveFleet struct{ h *Hub }

func (f archiveFleet) CheckCamera(vehicle, camera string) error {
	_, _, err := f.h.fleet.Camera(vehicle, camera)
	return err
}

// VehicleState is what the vehicle reports now.
func (f archiveFleet) VehicleState(v string) archive.VehicleState {
	st := f.h.control.Status(v)
	vs := archive.VehicleState{Online: st.Online}
	if t := st.Telemetry; t != nil && t.Sync != nil && t.Sync.OldestUnsynced != nil {
		vs.BacklogOldest = *t.Sync.OldestUnsynced
	}
	return vs
}

// vehiclePhotos keeps the photos vehicles forward.
type vehiclePhotos struct{ s *photos.Store }

func (p vehiclePhotos) ForwardPhoto(body io.Reader, vehicle, unit string) (string, any, error) {
	ph, err := p.s.Put(body, "vehicle:"+vehicle, unit)
	return ph.ID, ph, err
}

// storageAlarm hands a vehicle's telemetry to the archive's storage alarms.
func (h *Hub) storageAlarm(vehicle string, t *protocol.Telemetry) { h.archive.Telemetry(vehicle, t) }

// parseTime reads an RFC 3339 query parameter.
func parseTime(q, name string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, q)
	if err != nil {
		return t, httpapi.BadRequest("%s must be an RFC 3339 time", name)
	}
	return t, nil
}

// audit records an action; a failure to audit is logged loudly.
func (h *Hub) audit(r *http.Request, u auth.User, action, object, detail string) {
	if err := h.auditLog.Add(u.Username, u.Unit, action, object, detail, clientIP(r)); err != nil {
		h.log.Error("audit log write failed", "action", action, "err", err)
	}
}
