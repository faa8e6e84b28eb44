package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/profiles"
	"fieldwatch/hub/reports"
	"fieldwatch/hub/rules"
	"fieldwatch/protocol"
)

// profileWindowEvery is how often the profiles' time windows are looked at.
const profileWindowEvery = 15 * time.Second

// runProfileWindows announces the opening of profiles' time windows until
// ctx ends.
func (h *Hub) runProfileWindows(ctx context.Context) {
	t := time.NewTicker(profileWindowEvery)
	defer t.Stop()
	h.profileEvent(rules.Event{At: time.Now()})
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		h.profileEvent(rules.Event{At: time.Now()})
	}
}

// profileTelemetry feeds a vehicle's GPS fix and camera states to the rules.
func (h *Hub) profileTelemetry(vehicle string, t *protocol.Telemetry) {
	if t.GPS == nil && t.Cameras == nil {
		return
	}
	h.profileEvent(rules.Event{At: time.Now(), Vehicle: vehicle, Fix: t.GPS, Cameras: t.Cameras})
}

// profileLink: a vehicle whose link went down has every camera offline.
func (h *Hub) profileLink(vehicle string, online bool) {
	if online {
		return
	}
	v, err := h.fleet.Get(vehicle)
	if err != nil {
		return
	}
	cams := make([]protocol.CameraState, 0, len(v.Cameras))
	for _, c := range v.Cameras {
		cams = append(cams, protocol.CameraState{ID: c.ID, State: protocol.CameraOffline})
	}
	h.profileEvent(rules.Event{At: time.Now(), Vehicle: vehicle, Cameras: cams, LinkDown: true})
}

// profileReport feeds a report just filed to the profiles of its unit's
// line of command.
func (h *Hub) profileReport(rep reports.Report) {
	h.profileEventWhere(rules.Event{At: time.Now(), Vehicle: rep.Vehicle,
		Report: &rules.Report{ID: rep.ID, Vehicle: rep.Vehicle, Text: joinNonEmpty(" — ", rep.Title, rep.Text, rep.Action)}},
		func(p *profiles.Profile) bool {
			return h.units.Within(rep.Unit, p.Unit) || h.units.Within(p.Unit, rep.Unit)
		})
}

func (h *Hub) profileEvent(ev rules.Event) { h.profileEventWhere(ev, nil) }

// profileEventWhere runs the rules of the profiles in force (those keep
// selects) on ev and raises what fires, addressed to each profile's
// watchers and, if it says so, the surveillance officers on duty.
func (h *Hub) profileEventWhere(ev rules.Event, keep func(*profiles.Profile) bool) {
	list, err := h.profiles.InForce(ev.At)
	if err != nil {
		h.log.Error("profile rules: list profiles", "err", err)
		return
	}
	byID := map[string]profiles.Profile{}
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
	raised, err := h.palerts.Process(watches, ev, func(al *profiles.Alert) {
		p := byID[al.Profile]
		al.Unit, al.ProfileTitle, al.Audience = p.Unit, p.Spec.Title, h.profileAudience(p, al.Time)
	})
	if err != nil {
		h.log.Error("profile rules", "err", err)
		return
	}
	for _, al := range raised {
		h.log.Info("profile alert", "profile", al.Profile, "rule", al.Rule, "cause", al.Cause, "audience", al.Audience)
		if err := h.auditLog.Add("hub", al.Unit, "profile.alert", al.ID, clipText(al.Message), ""); err != nil {
			h.log.Error("audit", "err", err)
		}
	}
}

// profileAudience is the profile's watchers and, with watch_on_duty, the
// surveillance officers on shift in its unit at at.
func (h *Hub) profileAudience(p profiles.Profile, at time.Time) []string {
	out := slices.Clone(p.Spec.Watchers)
	if p.Spec.WatchOnDuty {
		list, err := h.onDuty(p.Unit, at)
		if err != nil {
			h.log.Error("profile alert: on duty", "err", err)
		}
		for _, d := range list {
			if d.Role == "surveillance" && !slices.Contains(out, d.Officer) {
				out = append(out, d.Officer)
			}
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// handleProfileAlerts lists the alerts of units u sees (?state=open|
// acknowledged|resolved, ?mine=1: those addressed to u), newest first.
func (h *Hub) handleProfileAlerts(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	state, mine := q.Get("state"), q.Get("mine") == "1" || q.Get("mine") == "true"
	list, err := h.palerts.List(func(al *profiles.Alert) bool {
		return access.Sees(h.units, u.Subject(), al.Unit) && (state == "" || al.State == state) &&
			(!mine || slices.Contains(al.Audience, u.Username))
	}, 500)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// handleProfileAlertOp acknowledges an alert, or resolves it with a note.
func (h *Hub) handleProfileAlertOp(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Note string `json:"note"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &req); err != nil {
			writeError(w, r, h.log, err)
			return
		}
	}
	al, err := h.palerts.Get(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, profileErr(err))
		return
	}
	if err := access.AllowIn(h.units, u.Subject(), access.ProfileAlertHandle, al.Unit); err != nil {
		h.deny(w, r, u, err)
		return
	}
	op := "ack"
	if strings.HasSuffix(r.URL.Path, "/resolve") {
		op = "resolve"
		al, err = h.palerts.Resolve(al.ID, u.Username, req.Note)
	} else {
		al, err = h.palerts.Acknowledge(al.ID, u.Username)
	}
	if err != nil {
		writeError(w, r, h.log, profileErr(err))
		return
	}
	h.audit(r, u, "profile.alert."+op, al.ID, clipText(req.Note))
	writeJSON(w, http.StatusOK, al)
}

// joinNonEmpty joins the parts that are not blank.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
