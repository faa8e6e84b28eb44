package server

import (
	"fmt"
	"net/http"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/dutylog"
)

// dutyUnit reads ?unit= (default: the user's own) and checks u may take
// action a for it.
func (h *Hub) dutyUnit(w http.ResponseWriter, r *http.Request, u auth.User, a access.Action, unit string) (string, bool) {
	if unit == "" {
		unit = u.Unit
	}
	if _, ok := h.units.Get(unit); !ok {
		writeError(w, r, h.log, fmt.Errorf("%w: unit %q", errNotFound, unit))
		return "", false
	}
	if err := access.AllowIn(h.units, u.Subject(), a, unit); err != nil {
		h.deny(w, r, u, err)
		return "", false
	}
	return unit, true
}

func person(u auth.User) dutylog.Person {
	name := u.Name
	if name == "" {
		name = u.Username
	}
	return dutylog.Person{Username: u.Username, Name: name, Unit: u.Unit}
}

// handleDutyLog lists a unit's duty log of a shift (?unit=&shift=YYYY-MM-DD; default the current shift).
func (h *Hub) handleDutyLog(w http.ResponseWriter, r *http.Request, u auth.User) {
	unit, ok := h.dutyUnit(w, r, u, access.DutyLogRead, r.URL.Query().Get("unit"))
	if !ok {
		return
	}
	shift := r.URL.Query().Get("shift")
	if shift == "" {
		shift = dutylog.Shift(h.dutylog.Now())
	}
	entries, err := h.dutylog.Entries(unit, shift)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	open, err := h.dutylog.Open(unit)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit": unit, "shift": shift, "entries": entries, "open": open})
}

// handleDutyLogAdd writes an entry in the user's unit and current shift.
func (h *Hub) handleDutyLogAdd(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Kind string `json:"kind"`
		Text string `json:"text"`
		Open bool   `json:"open"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	e, err := h.dutylog.Add(person(u), req.Kind, req.Text, req.Open)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "dutylog.add", e.ID, e.Kind+": "+clipText(e.Text))
	writeJSON(w, http.StatusCreated, e)
}

// handleDutyLogClose closes an open item.
func (h *Hub) handleDutyLogClose(w http.ResponseWriter, r *http.Request, u auth.User) {
	unit, ok := h.dutyUnit(w, r, u, access.DutyLogWrite, r.PathValue("unit"))
	if !ok {
		return
	}
	e, err := h.dutylog.Close(unit, r.PathValue("id"), person(u))
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "dutylog.close", e.ID, clipText(e.Text))
	writeJSON(w, http.StatusOK, e)
}

// handleHandovers lists a unit's handovers (?unit=).
func (h *Hub) handleHandovers(w http.ResponseWriter, r *http.Request, u auth.User) {
	unit, ok := h.dutyUnit(w, r, u, access.DutyLogRead, r.URL.Query().Get("unit"))
	if !ok {
		return
	}
	list, err := h.dutylog.Handovers(unit)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// handleHandoverBegin: the outgoing officer hands over the user's unit's shift.
func (h *Hub) handleHandoverBegin(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Summary string `json:"summary"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	ho, err := h.dutylog.BeginHandover(person(u), req.Summary)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "handover.begin", ho.ID, fmt.Sprintf("%d open item(s): %s", len(ho.OpenItems), clipText(ho.Summary)))
	writeJSON(w, http.StatusCreated, ho)
}

// handleHandoverAccept: the incoming officer takes the shift.
func (h *Hub) handleHandoverAccept(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Note string `json:"note"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	unit, ok := h.dutyUnit(w, r, u, access.DutyLogWrite, r.PathValue("unit"))
	if !ok {
		return
	}
	ho, err := h.dutylog.AcceptHandover(unit, r.PathValue("id"), person(u), req.Note)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "handover.accept", ho.ID, "from "+ho.From+": "+clipText(ho.Note))
	writeJSON(w, http.StatusOK, ho)
}

// handleDutyReport: a unit's daily duty report (?unit=&shift=YYYY-MM-DD&format=json|pdf|xlsx).
func (h *Hub) handleDutyReport(w http.ResponseWriter, r *http.Request, u auth.User) {
	format, err := reportFormat(r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	unit, ok := h.dutyUnit(w, r, u, access.DutyLogRead, r.URL.Query().Get("unit"))
	if !ok {
		return
	}
	shift := r.URL.Query().Get("shift")
	if shift == "" {
		shift = dutylog.Shift(h.dutylog.Now())
	}
	rep, err := h.dutylog.DailyReport(unit, shift)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if format != "json" {
		h.writeDutyDocument(w, r, u, rep, format)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
