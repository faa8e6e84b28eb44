package server

import (
	"io"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/archive"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/dutyreport"
	"fieldwatch/hub/incidents"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/missions"
	"fieldwatch/hub/photos"
	"fieldwatch/hub/reports"
	"fieldwatch/hub/roster/rosters"
	"fieldwatch/hub/units"
	"fieldwatch/hub/watch"
)

// The small adapters below answer one domain's narrow question from
// another domain's service; each holds only what it asks.

// dutyUnits says whether a unit exists.
type dutyUnits struct{ tree *units.Tree }

func (u dutyUnits) Known(id string) bool { _, ok := u.tree.Get(id); return ok }

// dutyNames names accounts and units for the duty report.
type dutyNames struct {
	rosters *rosters.Service
	tree    *units.Tree
}

func (n dutyNames) DisplayName(username string) string { return n.rosters.DisplayName(username) }

func (n dutyNames) UnitName(id string) string { return unitName(n.tree, id) }

// dutyIncidents lists the incidents a duty report shows.
type dutyIncidents struct {
	store *incidents.Store
	tree  *units.Tree
}

func (d dutyIncidents) OpenAt(unit string, at time.Time) ([]dutyreport.Incident, error) {
	open, err := d.store.List(func(in *incidents.Incident) bool {
		return d.tree.Within(in.Unit, unit) && in.Opened.Before(at) && (in.Closed.IsZero() || in.Closed.After(at))
	})
	if err != nil {
		return nil, err
	}
	var out []dutyreport.Incident
	for _, in := range open {
		out = append(out, dutyreport.Incident{Title: in.Title, Kind: in.Kind, Where: strings.Trim(in.Vehicle+" / "+in.Camera, " /"),
			Opened: in.Opened, Due: in.Due, Assignee: in.Assignee})
	}
	return out, nil
}

// rosterAnswers answers the watch's roster questions from the published rosters.
type rosterAnswers struct{ rosters *rosters.Service }

func (r rosterAnswers) OnDuty(unit string, at time.Time) ([]watch.Duty, error) {
	list, err := r.rosters.OnDuty(unit, at)
	if err != nil {
		return nil, err
	}
	out := make([]watch.Duty, len(list))
	for i, d := range list {
		out[i] = watch.Duty{Officer: d.Officer, Role: d.Role}
	}
	return out, nil
}

func (r rosterAnswers) OnShift(username, unit string, at time.Time) (bool, error) {
	return r.rosters.OnDutyOfficer(username, unit, at)
}

func (r rosterAnswers) DutySets(period watch.Interval) (map[string]watch.Set, error) {
	spans, err := r.rosters.DutyIntervals(period.From, period.To)
	if err != nil {
		return nil, err
	}
	out := map[string]watch.Set{}
	for officer, list := range spans {
		parts := make([]watch.Interval, len(list))
		for i, s := range list {
			parts[i] = watch.Interval{From: s.From, To: s.To}
		}
		out[officer] = watch.Union(parts...)
	}
	return out, nil
}

// surveillanceOnDuty gives profile alerts the surveillance officers on shift.
type surveillanceOnDuty struct{ rosters *rosters.Service }

func (s surveillanceOnDuty) SurveillanceOnDuty(unit string, at time.Time) ([]string, error) {
	list, err := s.rosters.OnDuty(unit, at)
	var out []string
	for _, d := range list {
		if d.Role == "surveillance" {
			out = append(out, d.Officer)
		}
	}
	return out, err
}

// profileWatches gives the camera tour the armed focus profiles a user watches.
type profileWatches struct{ h *Hub }

func (p profileWatches) Watched(u auth.User, now time.Time) ([]watch.ProfileWatch, error) {
	list, err := p.h.profiles.WatchedBy(p.h.units, u.Subject(), surveillanceOnDuty{p.h.rosters}, now)
	out := make([]watch.ProfileWatch, len(list))
	for i, w := range list {
		out[i] = watch.ProfileWatch{ID: w.ID, Title: w.Title, Vehicles: w.Vehicles, Cameras: w.Cameras}
	}
	return out, err
}

// missionLog gives a mission's log the instructions sent to its vehicle
// and the reports filed from it.
type missionLog struct {
	messages *messaging.Service
	reports  *reports.Store
}

func (l missionLog) VehicleEntries(vehicle string, from, to time.Time) ([]missions.Entry, error) {
	in := func(t time.Time) bool { return !t.Before(from) && !t.After(to) }
	var out []missions.Entry
	ins, err := l.messages.List(func(x *messaging.Instruction) bool {
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
	reps, err := l.reports.List(func(x *reports.Report) bool { return x.Vehicle == vehicle && in(x.Created) }, 0)
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

// fleetState answers the archive's questions about the fleet and its links.
type fleetState struct{ h *Hub }

func (f fleetState) CheckCamera(vehicle, camera string) error {
	_, _, err := f.h.fleet.Camera(vehicle, camera)
	return err
}

func (f fleetState) VehicleState(v string) archive.VehicleState {
	st := f.h.control.Status(v)
	vs := archive.VehicleState{Online: st.Online}
	if t := st.Telemetry; t != nil && t.Sync != nil && t.Sync.OldestUnsynced != nil {
		vs.BacklogOldest = *t.Sync.OldestUnsynced
	}
	return vs
}

// vehiclePhotos keeps the photos vehicles forward.
type vehiclePhotos struct{ s *photos.Store }

func (p vehiclePhotos) ForwardPhoto(body io.Reader, vehicle, unit string) (string, any, error) {
	ph, err := p.s.Put(body, "vehicle:"+vehicle, unit)
	return ph.ID, ph, err
}

// occupants name what still belongs to a unit, which may then not be deleted.
type occupants struct{ h *Hub }

func (o occupants) account(unit string) (string, error) {
	users, err := o.h.auth.Users()
	if err != nil {
		return "", err
	}
	for _, a := range users {
		if a.Unit == unit && !a.Retired {
			return "account " + a.Username, nil
		}
	}
	return "", nil
}

func (o occupants) vehicle(unit string) (string, error) {
	vehicles, err := o.h.fleet.List()
	if err != nil {
		return "", err
	}
	for _, v := range vehicles {
		if v.Unit == unit {
			return "vehicle " + v.ID, nil
		}
	}
	return "", nil
}
