package server

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/leave"
	"fieldwatch/hub/roster"
)

// leaveStore is the officers' leave (the store keeps no state but the database).
func (h *Hub) leaveStore() *leave.Store { return leave.New(h.db, nil) }

// leaveError maps the leave package's errors onto the HTTP layer's.
func leaveError(err error) error {
	switch {
	case errors.Is(err, leave.ErrInvalid):
		return fmt.Errorf("%w: %v", errBadRequest, err)
	case errors.Is(err, leave.ErrUnknown):
		return fmt.Errorf("%w: %v", errNotFound, err)
	}
	return err
}

// mayManageLeave checks that u may enter or remove officer's leave: one's
// own always, another's as a leader or duty officer of the officer's unit.
func (h *Hub) mayManageLeave(u auth.User, officer, unit string) error {
	if officer == u.Username {
		return nil
	}
	return access.AllowIn(h.units, u.Subject(), access.RosterWrite, unit)
}

// handleLeave lists the leave of the officers of a unit's subtree (?unit=, default one's own).
func (h *Hub) handleLeave(w http.ResponseWriter, r *http.Request, u auth.User) {
	unit, ok := h.dutyUnit(w, r, u, access.RosterRead, r.URL.Query().Get("unit"))
	if !ok {
		return
	}
	list, err := h.leaveStore().List(func(l leave.Leave) bool { return h.units.Within(l.Unit, unit) })
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// handleAddLeave enters a leave period: {officer (default oneself), from, to, kind, note}.
func (h *Hub) handleAddLeave(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Officer string `json:"officer"`
		From    string `json:"from"`
		To      string `json:"to"`
		Kind    string `json:"kind"`
		Note    string `json:"note"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if req.Officer == "" {
		req.Officer = u.Username
	}
	officer, err := h.auth.User(req.Officer)
	if err != nil {
		writeError(w, r, h.log, fmt.Errorf("%w: officer %q", errBadRequest, req.Officer))
		return
	}
	if err := h.mayManageLeave(u, officer.Username, officer.Unit); err != nil {
		h.deny(w, r, u, err)
		return
	}
	name := officer.Name
	if name == "" {
		name = officer.Username
	}
	l, err := h.leaveStore().Add(leave.Leave{Officer: officer.Username, OfficerName: name, Unit: officer.Unit, From: req.From, To: req.To,
		Kind: req.Kind, Note: req.Note, EnteredBy: u.Username})
	if err != nil {
		writeError(w, r, h.log, leaveError(err))
		return
	}
	h.audit(r, u, "leave.add", l.ID, fmt.Sprintf("%s %s %s–%s", l.Officer, l.Kind, l.From, l.To))
	writeJSON(w, http.StatusCreated, l)
}

// handleDeleteLeave removes a leave period.
func (h *Hub) handleDeleteLeave(w http.ResponseWriter, r *http.Request, u auth.User) {
	s := h.leaveStore()
	l, err := s.Get(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, leaveError(err))
		return
	}
	if err := h.mayManageLeave(u, l.Officer, l.Unit); err != nil {
		h.deny(w, r, u, err)
		return
	}
	if err := s.Delete(l.ID); err != nil {
		writeError(w, r, h.log, leaveError(err))
		return
	}
	h.audit(r, u, "leave.delete", l.ID, fmt.Sprintf("%s %s %s–%s", l.Officer, l.Kind, l.From, l.To))
	w.WriteHeader(http.StatusNoContent)
}

// withLeave marks the stored leave overlapping [from, to) on the officers.
func (h *Hub) withLeave(officers []roster.Officer, from, to time.Time) error {
	periods, err := h.leaveStore().Overlapping(from, to)
	if err != nil {
		return err
	}
	for i := range officers {
		for _, p := range periods[officers[i].ID] {
			officers[i].Unavailable = append(officers[i].Unavailable, roster.Period{From: p[0], To: p[1]})
		}
	}
	return nil
}
