package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"fieldwatch/hub/alerts"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/monitor"
	"fieldwatch/protocol"
)

// Service names (Decision 3035, Appendix II).
const (
	svcControl  = "control"
	svcRecorder = "recorder"
	svcSync     = "sync"
	svcStorage  = "storage"
)

// vehicleServices turns a vehicle's telemetry into its services' states.
func (h *Hub) vehicleServices(vehicle string, t *protocol.Telemetry) {
	now := time.Now()
	unit, addr := h.vehicleWhere(vehicle)
	report := func(name, state, msg string) {
		if err := h.monitor.Report(monitor.Service{Host: vehicle, Name: name, Unit: unit, Address: addr, State: state, Message: msg}, now); err != nil {
			h.log.Error("service state", "err", err)
		}
	}
	report(svcControl, monitor.Running, "")
	for _, c := range t.Cameras {
		switch c.State {
		case protocol.CameraOnline:
			report("camera "+c.ID, monitor.Running, fmt.Sprintf("%dx%d", c.Width, c.Height))
		case protocol.CameraError:
			report("camera "+c.ID, monitor.Error, c.Error)
		default:
			report("camera "+c.ID, monitor.Stopped, c.Error)
		}
		switch {
		case c.Publishing:
			report("uplink "+c.ID, monitor.Running, fmt.Sprintf("%.0f kbit/s", c.BitrateKbps))
		case c.State == protocol.CameraOnline && t.Link.State == protocol.LinkUp:
			report("uplink "+c.ID, monitor.Error, "camera online but not streaming to the hub")
		default:
			report("uplink "+c.ID, monitor.Stopped, "")
		}
	}
	if st := t.Storage; st != nil {
		switch {
		case !st.Recording:
			report(svcRecorder, monitor.Error, st.Message)
		default:
			report(svcRecorder, monitor.Running, "")
		}
		switch st.Alarm {
		case protocol.StorageFull:
			report(svcStorage, monitor.Error, st.Message)
		case protocol.StorageLow:
			report(svcStorage, monitor.Stopped, st.Message)
		default:
			report(svcStorage, monitor.Running, fmt.Sprintf("%d/%d MB", st.UsedBytes>>20, st.BudgetBytes>>20))
		}
	}
	if sy := t.Sync; sy != nil {
		switch {
		case sy.LastError != "" && sy.BacklogSegments > 0:
			report(svcSync, monitor.Error, sy.LastError)
		default:
			report(svcSync, monitor.Running, fmt.Sprintf("backlog %d", sy.BacklogSegments))
		}
	}
}

// vehicleLink marks a vehicle's control channel up or down.
func (h *Hub) vehicleLink(vehicle string, online bool) {
	unit, addr := h.vehicleWhere(vehicle)
	state, msg := monitor.Running, ""
	if !online {
		state, msg = monitor.Stopped, "mất kết nối điều khiển"
	}
	if err := h.monitor.Report(monitor.Service{Host: vehicle, Name: svcControl, Unit: unit, Address: addr, State: state, Message: msg}, time.Now()); err != nil {
		h.log.Error("service state", "err", err)
	}
}

func (h *Hub) vehicleWhere(vehicle string) (unit, addr string) {
	if v, err := h.fleet.Get(vehicle); err == nil {
		unit = v.Unit
	}
	return unit, h.control.Status(vehicle).Remote
}

// hubServices reports the hub's own services.
func (h *Hub) hubServices(state, addr, msg string) {
	now := time.Now()
	for _, name := range []string{"http", "relay", "archive", svcControl, "scheduler"} {
		if err := h.monitor.Report(monitor.Service{Host: "hub", Name: name, Unit: "", Address: addr, State: state, Message: msg}, now); err != nil {
			h.log.Error("service state", "err", err)
		}
	}
}

// handleServices: the current state of every service the user may see.
func (h *Hub) handleServices(w http.ResponseWriter, r *http.Request, u auth.User) {
	out := []monitor.Service{}
	for _, s := range h.monitor.Current() {
		if s.Host == "hub" || h.sees(u, s.Host) {
			out = append(out, s)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// handleServiceHistory: changes in [from, to), newest first (?host=&limit=).
func (h *Hub) handleServiceHistory(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	var from, to time.Time
	var err error
	if s := q.Get("from"); s != "" {
		if from, err = parseTime(s, "from"); err != nil {
			writeError(w, r, h.log, err)
			return
		}
	}
	if s := q.Get("to"); s != "" {
		if to, err = parseTime(s, "to"); err != nil {
			writeError(w, r, h.log, err)
			return
		}
	}
	limit := 500
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 5000 {
			writeError(w, r, h.log, fmt.Errorf("%w: limit must be 1 to 5000", errBadRequest))
			return
		}
	}
	host := q.Get("host")
	list, err := h.monitor.History(from, to, func(e *monitor.Event) bool {
		return (host == "" || e.Host == host) && (e.Host == "hub" || h.sees(u, e.Host))
	}, limit)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if list == nil {
		list = []monitor.Event{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (h *Hub) handleAlerts(w http.ResponseWriter, r *http.Request, u auth.User) {
	all, err := h.alerts.List(500, nil)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	list := []alerts.Alert{}
	for _, a := range all {
		if a.Vehicle == "" && u.Subject().Global() || a.Vehicle != "" && h.sees(u, a.Vehicle) {
			list = append(list, a)
		}
	}
	writeJSON(w, http.StatusOK, list)
}
