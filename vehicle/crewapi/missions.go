package crewapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"fieldwatch/vehicle/mailbox"
)

// missions lists the vehicle's missions as the hub last sent them.
func (a *API) missions(w http.ResponseWriter, r *http.Request, _ string) {
	list, err := a.p.Mailbox.Missions()
	if err != nil {
		a.log.Error("missions", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// closeMission closes a running mission with the crew's closing report,
// queued for the hub (it reaches it when the link is up).
func (a *API) closeMission(w http.ResponseWriter, r *http.Request, name string) {
	var req struct {
		Summary  string `json:"summary"`
		Findings string `json:"findings"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 32<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "want {\"summary\", \"findings\"}")
		return
	}
	m, err := a.p.Mailbox.CloseMission(r.PathValue("id"), req.Summary, req.Findings, name)
	switch {
	case errors.Is(err, mailbox.ErrUnknown):
		writeError(w, http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, mailbox.ErrMission):
		writeError(w, http.StatusConflict, "conflict", err.Error())
	case err != nil:
		a.log.Error("close mission", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
	default:
		writeJSON(w, http.StatusOK, m)
	}
}
