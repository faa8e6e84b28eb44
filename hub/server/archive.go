package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/alerts"
	"fieldwatch/hub/archive"
	"fieldwatch/hub/auth"
	"fieldwatch/protocol"
)

func isOffsetErr(err error) bool { return errors.Is(err, archive.ErrOffset) }

// maxWindow bounds a timeline query; maxPlay bounds one playback or export.
const (
	maxWindow = 31 * 24 * time.Hour
	maxPlay   = 6 * time.Hour
)

// archiveCamera checks the path's camera (the guard has checked the user's
// role and scope).
func (h *Hub) archiveCamera(r *http.Request, u auth.User) (string, string, error) {
	v, c := r.PathValue("vehicle"), r.PathValue("camera")
	if _, _, err := h.fleet.Camera(v, c); err != nil {
		return v, c, err
	}
	return v, c, nil
}

func parseTime(q, name string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, q)
	if err != nil {
		return t, fmt.Errorf("%w: %s must be an RFC 3339 time", errBadRequest, name)
	}
	return t, nil
}

// rangeQuery reads start and duration (seconds).
func rangeQuery(r *http.Request) (time.Time, time.Duration, error) {
	start, err := parseTime(r.URL.Query().Get("start"), "start")
	if err != nil {
		return start, 0, err
	}
	secs, err := strconv.ParseFloat(r.URL.Query().Get("duration"), 64)
	if err != nil || secs <= 0 || time.Duration(secs*float64(time.Second)) > maxPlay {
		return start, 0, fmt.Errorf("%w: duration must be seconds, more than 0 and at most %s", errBadRequest, maxPlay)
	}
	return start, time.Duration(secs * float64(time.Second)), nil
}

// vehicleState tells the archive what the vehicle reports now.
func (h *Hub) vehicleState(v string) archive.VehicleState {
	st := h.control.Status(v)
	vs := archive.VehicleState{Online: st.Online}
	if t := st.Telemetry; t != nil && t.Sync != nil && t.Sync.OldestUnsynced != nil {
		vs.BacklogOldest = *t.Sync.OldestUnsynced
	}
	return vs
}

func (h *Hub) handleTimeline(w http.ResponseWriter, r *http.Request, u auth.User) {
	v, c, err := h.archiveCamera(r, u)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	from, err := parseTime(r.URL.Query().Get("from"), "from")
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	to, err := parseTime(r.URL.Query().Get("to"), "to")
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if !to.After(from) || to.Sub(from) > maxWindow {
		writeError(w, r, h.log, fmt.Errorf("%w: to must be after from, at most %s later", errBadRequest, maxWindow))
		return
	}
	tl, err := h.archive.Timeline(v, c, from, to, h.vehicleState(v))
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, tl)
}

func (h *Hub) handleSegments(w http.ResponseWriter, r *http.Request, u auth.User) {
	v, c, err := h.archiveCamera(r, u)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	start, dur, err := rangeQuery(r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	recs, err := h.archive.Segments(v, c, start, start.Add(dur))
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, recs)
}

type holdRequest struct {
	Vehicle string    `json:"vehicle"`
	Camera  string    `json:"camera"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Reason  string    `json:"reason"`
}

func (h *Hub) handleHolds(w http.ResponseWriter, r *http.Request, u auth.User) {
	all, err := h.archive.Holds()
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	holds := []archive.Hold{}
	for _, hd := range all {
		if h.sees(u, hd.Vehicle) {
			holds = append(holds, hd)
		}
	}
	writeJSON(w, http.StatusOK, holds)
}

func (h *Hub) handleAddHold(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req holdRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if !h.allowVehicle(w, r, u, access.HoldPlace, req.Vehicle) {
		return
	}
	if _, _, err := h.fleet.Camera(req.Vehicle, req.Camera); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	hold, err := h.archive.AddHold(archive.Hold{Vehicle: req.Vehicle, Camera: req.Camera, Start: req.Start, End: req.End,
		Reason: strings.TrimSpace(req.Reason), CreatedBy: u.Username})
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "archive.hold", req.Vehicle+"/"+req.Camera, spanText(req.Start, req.End)+" "+hold.Reason)
	writeJSON(w, http.StatusCreated, hold)
}

func (h *Hub) handleRemoveHold(w http.ResponseWriter, r *http.Request, u auth.User) {
	held, err := h.archive.Hold(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if !h.allowVehicle(w, r, u, access.HoldLift, held.Vehicle) {
		return
	}
	hold, err := h.archive.RemoveHold(held.ID)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "archive.unhold", hold.Vehicle+"/"+hold.Camera, spanText(hold.Start, hold.End)+" "+hold.Reason)
	w.WriteHeader(http.StatusNoContent)
}

func spanText(a, b time.Time) string {
	return a.Format(time.RFC3339) + " – " + b.Format(time.RFC3339)
}

// transferView adds the vehicle's unit to a day's statistics.
type transferView struct {
	archive.DayStats
	Unit string `json:"unit"`
}

func (h *Hub) handleTransfers(w http.ResponseWriter, r *http.Request, u auth.User) {
	day := r.URL.Query().Get("day")
	if day == "" {
		day = time.Now().In(archive.Zone).Format("2006-01-02")
	}
	days, err := h.archive.Transfers(day, nil)
	if err != nil {
		writeError(w, r, h.log, fmt.Errorf("%w: %v", errBadRequest, err))
		return
	}
	out := make([]transferView, 0, len(days))
	for _, d := range days {
		if !h.sees(u, d.Vehicle) {
			continue
		}
		tv := transferView{DayStats: d}
		if v, err := h.fleet.Get(d.Vehicle); err == nil {
			tv.Unit = v.Unit
		}
		if tv.Files == nil {
			tv.Files = []archive.FileStat{}
		}
		out = append(out, tv)
	}
	writeJSON(w, http.StatusOK, out)
}

// audit records an action; a failure to audit is logged loudly.
func (h *Hub) audit(r *http.Request, u auth.User, action, object, detail string) {
	if err := h.auditLog.Add(u.Username, u.Unit, action, object, detail, clientIP(r)); err != nil {
		h.log.Error("audit log write failed", "action", action, "err", err)
	}
}

// storageAlarms turns vehicles' storage alarm changes into alerts.
func (h *Hub) storageAlarm(vehicle string, t *protocol.Telemetry) {
	alarm := ""
	msg := ""
	if t.Storage != nil {
		alarm, msg = t.Storage.Alarm, t.Storage.Message
	}
	h.alarmMu.Lock()
	prev, seen := h.alarms[vehicle]
	h.alarms[vehicle] = alarm
	h.alarmMu.Unlock()
	if alarm == prev || alarm == "" || !seen && alarm == "" {
		return
	}
	kind := alerts.KindDiskLow
	if alarm == protocol.StorageFull {
		kind = alerts.KindDiskFull
	}
	if _, err := h.alerts.Raise(kind, vehicle, "", msg); err != nil {
		h.log.Error("raise alert", "err", err)
	}
}
