package live

import (
	"errors"
	"net/http"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
	"fieldwatch/internal/errkind"
)

// ErrDemoOnly: a demo route called on a hub not in demo mode.
var ErrDemoOnly = errkind.New(errkind.NotFound, "not_found", "only in demo mode")

// SimLinkRequest cuts (up false) or restores a simulated vehicle's link.
type SimLinkRequest struct {
	Vehicle string `json:"vehicle"`
	Up      *bool  `json:"up"`
}

// SimLinkResponse is the link state set.
type SimLinkResponse struct {
	Vehicle string `json:"vehicle"`
	Up      bool   `json:"up"`
}

// simLink: POST /api/v1/sim/link (demo mode).
func (a *API) simLink(w http.ResponseWriter, r *http.Request) error {
	if a.demo == nil || a.demo.SetLink == nil {
		return ErrDemoOnly
	}
	u := auth.Caller(r)
	if u.Username == "" {
		return auth.ErrNoSession
	}
	var req SimLinkRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Up == nil {
		return httpapi.BadRequest(`"up" is required`)
	}
	if err := a.scope.AllowVehicle(u.Subject(), access.SimLink, req.Vehicle); err != nil {
		return err
	}
	if err := a.demo.SetLink(req.Vehicle, *req.Up); err != nil {
		if errors.Is(err, fleet.ErrUnknownVehicle) {
			return err
		}
		return httpapi.BadRequest("%v", err)
	}
	a.log.Info("demo link", "vehicle", req.Vehicle, "up", *req.Up, "by", u.Username)
	return httpapi.OK(w, SimLinkResponse{Vehicle: req.Vehicle, Up: *req.Up})
}
