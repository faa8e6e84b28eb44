package server

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/alerts"
	"fieldwatch/hub/archive"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/incidents"
	"fieldwatch/hub/monitor"
)

// incidentView adds the flags the duty officer acts on.
type incidentView struct {
	incidents.Incident
	Overdue       bool `json:"overdue"`
	UpdateMissing bool `json:"update_missing"`
}

func (h *Hub) incidentView(in incidents.Incident) incidentView {
	now := time.Now()
	return incidentView{Incident: in, Overdue: in.Overdue(now), UpdateMissing: in.UpdateMissing(now, h.workdays, archive.Zone)}
}

// handleIncidents lists incidents of units u sees (?state=open|closed).
func (h *Hub) handleIncidents(w http.ResponseWriter, r *http.Request, u auth.User) {
	state := r.URL.Query().Get("state")
	list, err := h.incidents.List(func(in *incidents.Incident) bool {
		open := in.Closed.IsZero()
		return (state == "" || state == "open" && open || state == "closed" && !open) && access.Sees(h.units, u.Subject(), in.Unit)
	})
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	out := make([]incidentView, len(list))
	for i, in := range list {
		out[i] = h.incidentView(in)
	}
	writeJSON(w, http.StatusOK, out)
}

type incidentRequest struct {
	Kind    string `json:"kind"`
	Vehicle string `json:"vehicle"`
	Camera  string `json:"camera"`
	Title   string `json:"title"`
}

// handleOpenIncident opens an incident by hand (on a vehicle's camera or
// link, or on the user's unit).
func (h *Hub) handleOpenIncident(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req incidentRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	unit := u.Unit
	if req.Vehicle != "" {
		if !h.allowVehicle(w, r, u, access.IncidentWrite, req.Vehicle) {
			return
		}
		v, _ := h.fleet.Get(req.Vehicle)
		unit = v.Unit
	}
	in, err := h.incidents.Open(incidents.Incident{Kind: req.Kind, Unit: unit, Vehicle: req.Vehicle, Camera: req.Camera, Title: req.Title}, u.Username)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "incident.open", in.ID, in.Kind+": "+clipText(in.Title))
	writeJSON(w, http.StatusCreated, h.incidentView(in))
}

// incidentFor loads the path's incident and checks u may take a on it.
func (h *Hub) incidentFor(w http.ResponseWriter, r *http.Request, u auth.User, a access.Action) (incidents.Incident, bool) {
	in, err := h.incidents.Get(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, err)
		return in, false
	}
	if err := access.AllowIn(h.units, u.Subject(), a, in.Unit); err != nil {
		h.deny(w, r, u, err)
		return in, false
	}
	return in, true
}

func (h *Hub) handleIncident(w http.ResponseWriter, r *http.Request, u auth.User) {
	if in, ok := h.incidentFor(w, r, u, access.IncidentRead); ok {
		writeJSON(w, http.StatusOK, h.incidentView(in))
	}
}

type incidentActionRequest struct {
	Assignee  string    `json:"assignee"`
	Text      string    `json:"text"`
	Cause     string    `json:"cause"`
	Fix       string    `json:"fix"`
	Plate     string    `json:"plate"`
	Container string    `json:"container"`
	In        time.Time `json:"in"`
	Out       time.Time `json:"out"`
	Note      string    `json:"note"`
}

// handleIncidentAction serves assign, update, gate and close.
func (h *Hub) handleIncidentAction(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req incidentActionRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	in, ok := h.incidentFor(w, r, u, access.IncidentWrite)
	if !ok {
		return
	}
	op := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	var err error
	switch op {
	case "assign":
		acct, uerr := h.auth.User(req.Assignee)
		if uerr != nil {
			writeError(w, r, h.log, uerr)
			return
		}
		if !access.Sees(h.units, acct.Subject(), in.Unit) || !access.RoleMay(acct.Roles, access.IncidentWrite) {
			writeError(w, r, h.log, fmt.Errorf("%w: %s cannot handle incidents of %s", errBadRequest, acct.Username, in.Unit))
			return
		}
		in, err = h.incidents.Assign(in.ID, acct.Username, u.Username)
	case "update":
		in, err = h.incidents.AddUpdate(in.ID, u.Username, req.Text)
	case "gate":
		in, err = h.incidents.LogGate(in.ID, u.Username, incidents.GateEntry{Plate: req.Plate, Container: req.Container, In: req.In, Out: req.Out, Note: req.Note})
	case "close":
		in, err = h.incidents.Close(in.ID, u.Username, req.Cause, req.Fix)
	default:
		err = errNotFound
	}
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "incident."+op, in.ID, clipText(req.Text+req.Assignee+req.Plate+req.Container+req.Cause))
	writeJSON(w, http.StatusOK, h.incidentView(in))
}

// watchIncidents opens an incident for a camera or a vehicle link down
// longer than the threshold, closes automatic ones whose fault cleared,
// and escalates overdue ones (called by the scheduler loop).
func (h *Hub) watchIncidents() {
	after := h.cfg.Incidents.AutoAfter
	now := time.Now()
	for _, s := range h.monitor.Current() {
		if s.Host == "hub" {
			continue
		}
		kind, camera := "", ""
		switch {
		case s.Name == svcControl:
			kind = incidents.KindTransmission
		case strings.HasPrefix(s.Name, "camera "):
			kind, camera = incidents.KindCamera, strings.TrimPrefix(s.Name, "camera ")
		default:
			continue
		}
		if s.State == monitor.Running {
			if closed, err := h.incidents.CloseAuto(kind, s.Host, camera); err != nil {
				h.log.Error("incidents: auto close", "err", err)
			} else if len(closed) > 0 {
				h.log.Info("incident cleared by itself", "vehicle", s.Host, "kind", kind, "camera", camera)
			}
			continue
		}
		if kind == incidents.KindCamera && !h.vehicleOnline(s.Host) {
			continue // the link is down: that is the transmission incident
		}
		if now.Sub(s.Since) < after {
			continue
		}
		title := fmt.Sprintf("Mất kết nối truyền dẫn xe %s", s.Host)
		if kind == incidents.KindCamera {
			title = fmt.Sprintf("Camera %s của xe %s không hoạt động", camera, s.Host)
		}
		if _, err := h.incidents.Open(incidents.Incident{Kind: kind, Unit: s.Unit, Vehicle: s.Host, Camera: camera, Title: title}, "auto"); err != nil {
			h.log.Error("incidents: auto open", "err", err)
		}
	}
	esc, err := h.incidents.Escalate()
	if err != nil {
		h.log.Error("incidents: escalate", "err", err)
	}
	for _, in := range esc {
		msg := fmt.Sprintf("sự cố quá hạn khắc phục (hạn %s): %s", in.Due.In(archive.Zone).Format("02/01/2006"), in.Title)
		if _, err := h.alerts.Raise(alerts.KindIncidentOverdue, in.Vehicle, in.Camera, msg); err != nil {
			h.log.Error("incident alert", "err", err)
		}
	}
}

func (h *Hub) vehicleOnline(id string) bool { return h.control.Status(id).Online }
