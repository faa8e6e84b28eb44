package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/reports"
)

type reportRequest struct {
	ClientID string            `json:"client_id"`
	Title    string            `json:"title"`
	Text     string            `json:"text"`
	Action   string            `json:"action"`
	Vehicle  string            `json:"vehicle"`
	Photos   []string          `json:"photos"`
	Snapshot *reports.Snapshot `json:"snapshot"`
	Position *reports.Position `json:"position"`
	Via      string            `json:"via"`
}

// handleCreateReport raises a suspicious-sign report. It belongs to the
// vehicle's unit when it names a vehicle, else to the reporter's unit.
func (h *Hub) handleCreateReport(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req reportRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	unit := u.Unit
	if req.Vehicle != "" {
		if !h.allowVehicle(w, r, u, access.ReportCreate, req.Vehicle) {
			return
		}
		v, _ := h.fleet.Get(req.Vehicle)
		unit = v.Unit
	}
	if req.Snapshot != nil && !h.allowVehicle(w, r, u, access.LiveView, req.Snapshot.Vehicle) {
		return
	}
	for _, id := range req.Photos {
		p, err := h.photos.Get(id)
		if err != nil {
			writeError(w, r, h.log, fmt.Errorf("%w: photo %s was not uploaded", errBadRequest, id))
			return
		}
		if !access.Sees(h.units, u.Subject(), p.Unit) {
			h.deny(w, r, u, fmt.Errorf("%w: photo %s", access.ErrDenied, id))
			return
		}
	}
	via := req.Via
	if via != "phone" {
		via = "console"
	}
	rep, err := h.reports.Create(reports.Actor{Username: u.Username, Name: u.Name}, req.ClientID, reports.Report{
		Unit: unit, Vehicle: req.Vehicle, Title: req.Title, Text: req.Text, Action: req.Action, Photos: req.Photos,
		Snapshot: req.Snapshot, Position: req.Position, Via: via})
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "report.create", rep.ID, clipText(rep.Title+" "+rep.Text))
	h.profileReport(rep)
	writeJSON(w, http.StatusCreated, rep)
}

// reportFor loads the path's report and checks u sees its unit.
func (h *Hub) reportFor(w http.ResponseWriter, r *http.Request, u auth.User, a access.Action) (reports.Report, bool) {
	rep, err := h.reports.Get(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, err)
		return rep, false
	}
	if err := access.AllowIn(h.units, u.Subject(), a, rep.Unit); err != nil {
		h.deny(w, r, u, err)
		return rep, false
	}
	return rep, true
}

// handleReports lists reports of units u sees (?state=pending for those awaiting a decision).
func (h *Hub) handleReports(w http.ResponseWriter, r *http.Request, u auth.User) {
	state := r.URL.Query().Get("state")
	list, err := h.reports.List(func(rep *reports.Report) bool {
		return (state == "" || rep.State == state) && access.Sees(h.units, u.Subject(), rep.Unit)
	}, 500)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (h *Hub) handleReport(w http.ResponseWriter, r *http.Request, u auth.User) {
	if rep, ok := h.reportFor(w, r, u, access.ReportRead); ok {
		writeJSON(w, http.StatusOK, rep)
	}
}

type decisionRequest struct {
	Decision string `json:"decision"` // approve or reject
	Note     string `json:"note"`
}

// handleDecide: a leader of the report's unit approves or rejects.
func (h *Hub) handleDecide(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req decisionRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if req.Decision != "approve" && req.Decision != "reject" {
		writeError(w, r, h.log, fmt.Errorf("%w: decision must be approve or reject", errBadRequest))
		return
	}
	if _, ok := h.reportFor(w, r, u, access.ReportDecide); !ok {
		return
	}
	rep, err := h.reports.Decide(r.PathValue("id"), reports.Actor{Username: u.Username, Name: u.Name}, req.Decision == "approve", req.Note)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "report."+req.Decision, rep.ID, clipText(req.Note))
	writeJSON(w, http.StatusOK, rep)
}

type replyRequest struct {
	Text     string `json:"text"`
	Urgent   bool   `json:"urgent"`
	ClientID string `json:"client_id"`
}

// handleReply: a leader answers with an instruction to the report's
// vehicle (or its unit's vehicles), noted on the report's timeline.
func (h *Hub) handleReply(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req replyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	rep, ok := h.reportFor(w, r, u, access.ReportDecide)
	if !ok {
		return
	}
	var to []messaging.Target
	all, err := h.fleet.List()
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	for _, v := range all {
		if v.ID == rep.Vehicle || rep.Vehicle == "" && v.Unit == rep.Unit {
			to = append(to, messaging.Target{Vehicle: v.ID, Unit: v.Unit})
		}
	}
	instructionID := ""
	if len(to) > 0 {
		in, err := h.messages.Send(messaging.Sender{Username: u.Username, Name: u.Name, Unit: u.Unit}, req.ClientID, req.Text, req.Urgent, to)
		if err != nil {
			writeError(w, r, h.log, err)
			return
		}
		instructionID = in.ID
		h.audit(r, u, "instruction.send", in.ID, fmt.Sprintf("reply to report %s: %s", rep.ID, clipText(in.Text)))
	} else if strings.TrimSpace(req.Text) == "" {
		writeError(w, r, h.log, fmt.Errorf("%w: empty reply", errBadRequest))
		return
	}
	rep, err = h.reports.Reply(rep.ID, reports.Actor{Username: u.Username, Name: u.Name}, strings.TrimSpace(req.Text), instructionID)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "report.reply", rep.ID, clipText(req.Text))
	writeJSON(w, http.StatusOK, rep)
}

// handleDone marks the approved action carried out (409 before approval).
func (h *Hub) handleDone(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Note string `json:"note"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if _, ok := h.reportFor(w, r, u, access.ReportCreate); !ok {
		return
	}
	rep, err := h.reports.Done(r.PathValue("id"), reports.Actor{Username: u.Username, Name: u.Name}, req.Note)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "report.done", rep.ID, clipText(req.Note))
	writeJSON(w, http.StatusOK, rep)
}

// handleUploadPhoto stores a photo (JPEG, PNG or WebP body) for a report.
func (h *Hub) handleUploadPhoto(w http.ResponseWriter, r *http.Request, u auth.User) {
	p, err := h.photos.Put(r.Body, u.Username, u.Unit)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// handlePhoto serves a photo to those who see the unit it came from.
func (h *Hub) handlePhoto(w http.ResponseWriter, r *http.Request, u auth.User) {
	p, err := h.photos.Get(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if err := access.AllowIn(h.units, u.Subject(), access.ReportRead, p.Unit); err != nil && !h.photoInVisibleReport(u, p.ID) {
		h.deny(w, r, u, err)
		return
	}
	f, err := h.photos.Open(p.ID)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", p.Type)
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	_, _ = io.Copy(w, f)
}

// vehicleReport files a report a crew wrote on its vehicle's LAN app; it
// came through the vehicle's outbox, so it may come twice: its client id
// files it once. An unreadable one is logged and dropped (resending it
// would not mend it).
func (h *Hub) vehicleReport(vehicle string, body json.RawMessage) error {
	var in struct {
		ClientID string   `json:"client_id"`
		By       string   `json:"by"`
		Title    string   `json:"title"`
		Text     string   `json:"text"`
		Action   string   `json:"action"`
		Lat      *float64 `json:"lat"`
		Lon      *float64 `json:"lon"`
		Photos   []string `json:"photos"`
	}
	v, err := h.fleet.Get(vehicle)
	if err != nil || json.Unmarshal(body, &in) != nil || in.ClientID == "" {
		h.log.Warn("unreadable crew report from a vehicle, dropped", "vehicle", vehicle, "err", err)
		return nil
	}
	// The photos follow by HTTP (PUT /api/v1/sync/{vehicle}/photos/{id}) and may arrive after the report.
	rep := reports.Report{Unit: v.Unit, Vehicle: vehicle, Title: in.Title, Text: in.Text, Action: in.Action, Via: "vehicle",
		Photos: in.Photos}
	if in.Lat != nil && in.Lon != nil {
		rep.Position = &reports.Position{Lat: *in.Lat, Lon: *in.Lon}
	}
	by := reports.Actor{Username: "vehicle:" + vehicle, Name: in.By}
	created, err := h.reports.Create(by, in.ClientID, rep)
	if errors.Is(err, reports.ErrInvalid) {
		h.log.Warn("invalid crew report from a vehicle, dropped", "vehicle", vehicle, "err", err)
		return nil
	}
	if err != nil {
		return err
	}
	if err := h.auditLog.Add(by.Username, v.Unit, "report.create", created.ID, clipText(in.By+": "+created.Title+" "+created.Text), "vehicle"); err != nil {
		h.log.Error("audit", "err", err)
	}
	h.profileReport(created)
	return nil
}

// photoInVisibleReport reports whether a report u may read carries the
// photo (a photo belongs to its uploader's unit; a report may belong to a
// unit below it, whose leaders must see its photos).
func (h *Hub) photoInVisibleReport(u auth.User, id string) bool {
	list, err := h.reports.List(func(rep *reports.Report) bool {
		return slices.Contains(rep.Photos, id) && access.Sees(h.units, u.Subject(), rep.Unit)
	}, 1)
	return err == nil && len(list) > 0
}
