package profiles

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/rules"
	"fieldwatch/protocol"
)

// OnDuty tells who is on shift.
type OnDuty interface {
	// SurveillanceOnDuty lists the surveillance officers on shift in unit
	// (and the units below it) at at.
	SurveillanceOnDuty(unit string, at time.Time) ([]string, error)
}

// HubAudit records what the hub itself did.
type HubAudit interface {
	Add(user, unit, action, object, detail, from string) error
}

// DispatchParams are what the alert dispatch needs.
type DispatchParams struct {
	Profiles *Store
	Alerts   *Alerts
	Tree     access.Tree
	// Cameras lists a vehicle's camera IDs (a vehicle whose link went down
	// has all of them offline).
	Cameras func(vehicle string) ([]string, error)
	OnDuty  OnDuty
	Audit   HubAudit
	// Every is how often Run looks at the profiles' windows; 15 s.
	Every time.Duration
	Now   func() time.Time // nil: time.Now
	Log   *slog.Logger
}

// Dispatch runs the rules of the profiles in force on what happens
// (telemetry, links going down, reports filed, windows opening) and
// raises what fires, addressed to each profile's watchers and, if it says
// so, the surveillance officers on duty.
type Dispatch struct{ p DispatchParams }

// NewDispatch returns the dispatch.
func NewDispatch(p DispatchParams) *Dispatch {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Log == nil {
		p.Log = slog.Default()
	}
	if p.Every <= 0 {
		p.Every = 15 * time.Second
	}
	return &Dispatch{p: p}
}

// Run announces the opening of profiles' time windows until ctx ends.
func (d *Dispatch) Run(ctx context.Context) {
	t := time.NewTicker(d.p.Every)
	defer t.Stop()
	d.Event(rules.Event{At: d.p.Now()})
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		d.Event(rules.Event{At: d.p.Now()})
	}
}

// Telemetry feeds a vehicle's GPS fix and camera states to the rules.
func (d *Dispatch) Telemetry(vehicle string, t *protocol.Telemetry) {
	if t.GPS == nil && t.Cameras == nil {
		return
	}
	d.Event(rules.Event{At: d.p.Now(), Vehicle: vehicle, Fix: t.GPS, Cameras: t.Cameras})
}

// Link: a vehicle whose link went down has every camera offline.
func (d *Dispatch) Link(vehicle string, online bool) {
	if online {
		return
	}
	ids, err := d.p.Cameras(vehicle)
	if err != nil {
		return
	}
	cams := make([]protocol.CameraState, 0, len(ids))
	for _, id := range ids {
		cams = append(cams, protocol.CameraState{ID: id, State: protocol.CameraOffline})
	}
	d.Event(rules.Event{At: d.p.Now(), Vehicle: vehicle, Cameras: cams, LinkDown: true})
}

// Report feeds a report just filed by unit to the profiles of its line of
// command.
func (d *Dispatch) Report(unit string, rep rules.Report) {
	d.eventWhere(rules.Event{At: d.p.Now(), Vehicle: rep.Vehicle, Report: &rep}, func(p *Profile) bool {
		return d.p.Tree.Within(unit, p.Unit) || d.p.Tree.Within(p.Unit, unit)
	})
}

// Event runs the rules of every profile in force on ev.
func (d *Dispatch) Event(ev rules.Event) { d.eventWhere(ev, nil) }

// eventWhere runs the rules of the profiles in force (those keep selects)
// on ev and raises what fires.
func (d *Dispatch) eventWhere(ev rules.Event, keep func(*Profile) bool) {
	list, err := d.p.Profiles.InForce(ev.At)
	if err != nil {
		d.p.Log.Error("profile rules: list profiles", "err", err)
		return
	}
	byID := map[string]Profile{}
	var watches []rules.Watch
	for _, p := range list {
		if keep == nil || keep(&p) {
			byID[p.ID] = p
			watches = append(watches, p.Watch())
		}
	}
	if len(watches) == 0 {
		return
	}
	raised, err := d.p.Alerts.Process(watches, ev, func(al *Alert) {
		p := byID[al.Profile]
		al.Unit, al.ProfileTitle, al.Audience = p.Unit, p.Spec.Title, d.audience(p, al.Time)
	})
	if err != nil {
		d.p.Log.Error("profile rules", "err", err)
		return
	}
	for _, al := range raised {
		d.p.Log.Info("profile alert", "profile", al.Profile, "rule", al.Rule, "cause", al.Cause, "audience", al.Audience)
		if err := d.p.Audit.Add("hub", al.Unit, "profile.alert", al.ID, audit.Clip(al.Message), ""); err != nil {
			d.p.Log.Error("audit", "err", err)
		}
	}
}

// audience is the profile's watchers and, with watch_on_duty, the
// surveillance officers on shift in its unit at at.
func (d *Dispatch) audience(p Profile, at time.Time) []string {
	out := slices.Clone(p.Spec.Watchers)
	if p.Spec.WatchOnDuty {
		list, err := d.p.OnDuty.SurveillanceOnDuty(p.Unit, at)
		if err != nil {
			d.p.Log.Error("profile alert: on duty", "err", err)
		}
		for _, name := range list {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}
