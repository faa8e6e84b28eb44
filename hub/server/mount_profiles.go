package server

import (
	"context"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/profiles"
	"fieldwatch/hub/reports"
	"fieldwatch/hub/rules"
	"fieldwatch/protocol"
)

// profilesRoutes: the routes of targeted surveillance: focus profiles and their alerts.
func (h *Hub) profilesRoutes() []httpapi.Route {
	return profiles.NewAPI(profiles.APIParams{
		Profiles: h.profiles,
		Alerts:   h.palerts,
		Scope:    access.Scope{Tree: h.units, Vehicles: h.fleet},
		Cameras:  h.cameraIDs,
		Users:    h.auth,
		Audit:    h.auditLog,
	}).Routes()
}

// profilesLoops: profile windows opening.
func (h *Hub) profilesLoops() []func(context.Context) {
	return []func(context.Context){h.profileDispatch().Run}
}

// profileDispatch runs the profiles' rules on what happens and raises
// their alerts.
func (h *Hub) profileDispatch() *profiles.Dispatch {
	return profiles.NewDispatch(profiles.DispatchParams{
		Profiles: h.profiles,
		Alerts:   h.palerts,
		Tree:     h.units,
		Cameras:  h.cameraIDs,
		OnDuty:   surveillanceOnDuty{h},
		Audit:    h.auditLog,
		Log:      h.log,
	})
}

// cameraIDs lists a vehicle's cameras.
func (h *Hub) cameraIDs(vehicle string) ([]string, error) {
	v, err := h.fleet.Get(vehicle)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(v.Cameras))
	for _, c := range v.Cameras {
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// surveillanceOnDuty gives profile alerts the surveillance officers on shift.
type surveillanceOnDuty struct{ h *Hub }

func (s surveillanceOnDuty) SurveillanceOnDuty(unit string, at time.Time) ([]string, error) {
	list, err := s.h.onDuty(unit, at)
	var out []string
	for _, d := range list {
		if d.Role == "surveillance" {
			out = append(out, d.Officer)
		}
	}
	return out, err
}

// Profiles gives the focus profiles (demo seeding).
func (h *Hub) Profiles() *profiles.Store { return h.profiles }

// profileTelemetry feeds a vehicle's telemetry to the profiles' rules.
func (h *Hub) profileTelemetry(vehicle string, t *protocol.Telemetry) {
	h.profileDispatch().Telemetry(vehicle, t)
}

// profileLink feeds a vehicle's link going down to the profiles' rules.
func (h *Hub) profileLink(vehicle string, online bool) { h.profileDispatch().Link(vehicle, online) }

// profileReport feeds a report just filed to the profiles of its unit's
// line of command.
func (h *Hub) profileReport(rep reports.Report) {
	var text []string
	for _, s := range []string{rep.Title, rep.Text, rep.Action} {
		if s = strings.TrimSpace(s); s != "" {
			text = append(text, s)
		}
	}
	h.profileDispatch().Report(rep.Unit, rules.Report{ID: rep.ID, Vehicle: rep.Vehicle, Text: strings.Join(text, " — ")})
}
