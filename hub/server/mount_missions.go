package server

import (
	"context"
	"slices"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/missions"
	"fieldwatch/hub/reports"
)

// missionTick is how often mission windows are checked.
var missionTick = 5 * time.Second

// missionsRoutes: the routes of mobile surveillance missions.
func (h *Hub) missionsRoutes() []httpapi.Route {
	return missions.NewAPI(missions.APIParams{
		Store: h.missions,
		Scope: access.Scope{Tree: h.units, Vehicles: h.fleet},
		Users: h.auth,
		Audit: h.auditLog,
		Log:   missionVehicleLog{h},
	}).Routes()
}

// missionsLoops: missions starting and ending with their windows.
func (h *Hub) missionsLoops() []func(context.Context) {
	return []func(context.Context){func(ctx context.Context) { h.missions.Run(ctx, missionTick) }}
}

// openMissions opens the mission store and connects it to the vehicles'
// message streams.
func (h *Hub) openMissions() error {
	var err error
	h.missions, err = missions.New(h.db, missions.Params{Logger: h.log, Send: h.messages.QueueMission})
	if err != nil {
		return err
	}
	h.messages.SetMissionHooks(messaging.MissionHooks{
		Delivered: func(vehicle, id string, rev uint64, at time.Time) {
			if err := h.missions.Delivered(id, rev, at); err != nil {
				h.log.Warn("mission delivered", "vehicle", vehicle, "mission", id, "err", err)
			}
		},
		Report: h.missions.CloseFromVehicle,
	})
	return nil
}

// Missions gives the mission store (demo seeding).
func (h *Hub) Missions() *missions.Store { return h.missions }

// missionVehicleLog gives a mission's log the instructions sent to its
// vehicle and the reports filed from it.
type missionVehicleLog struct{ h *Hub }

func (l missionVehicleLog) VehicleEntries(vehicle string, from, to time.Time) ([]missions.Entry, error) {
	in := func(t time.Time) bool { return !t.Before(from) && !t.After(to) }
	var out []missions.Entry
	ins, err := l.h.messages.List(func(x *messaging.Instruction) bool {
		return in(x.Created) && slices.ContainsFunc(x.To, func(rc messaging.Recipient) bool { return rc.Vehicle == vehicle })
	}, 0)
	if err != nil {
		return nil, err
	}
	for _, x := range ins {
		state := ""
		for _, rc := range x.To {
			if rc.Vehicle == vehicle {
				state = rc.State
			}
		}
		out = append(out, missions.Entry{Time: x.Created, Kind: missions.EntryInstruction, By: x.FromName, Text: x.Text + " [" + state + "]", Ref: x.ID})
	}
	reps, err := l.h.reports.List(func(x *reports.Report) bool { return x.Vehicle == vehicle && in(x.Created) }, 0)
	if err != nil {
		return nil, err
	}
	for _, x := range reps {
		e := missions.Entry{Time: x.Created, Kind: missions.EntryReport, By: x.ByName, Text: x.Title + " — " + x.Text, Ref: x.ID}
		if x.Position != nil {
			lat, lon := x.Position.Lat, x.Position.Lon
			e.Lat, e.Lon = &lat, &lon
		}
		out = append(out, e)
	}
	return out, nil
}
