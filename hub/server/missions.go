package server

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/missions"
	"fieldwatch/hub/reports"
)

// Mobile surveillance missions (issue 5 item 6): planned by a leader or
// duty officer for a vehicle of their scope, delivered to the vehicle
// through its message stream, started and ended by their window, closed
// with the crew's or the duty officer's report.

// missionTick is how often mission windows are checked.
var missionTick = 5 * time.Second

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

// crewOnly: the account is a crew member and nothing more; it sees the
// missions it is on, not every mission of its unit.
func crewOnly(u auth.User) bool {
	return slices.Contains(u.Roles, access.Crew) && !slices.ContainsFunc(u.Roles, func(r string) bool { return r != access.Crew })
}

// missionVisible reports whether u may see m.
func (h *Hub) missionVisible(u auth.User, m *missions.Mission) bool {
	if !access.Sees(h.units, u.Subject(), m.Unit) {
		return false
	}
	return !crewOnly(u) || slices.Contains(m.Crew, u.Username)
}

// missionFor loads the path's mission and checks u may take action a on it.
func (h *Hub) missionFor(w http.ResponseWriter, r *http.Request, u auth.User, a access.Action) (missions.Mission, bool) {
	m, err := h.missions.Get(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, err)
		return m, false
	}
	if err := access.AllowIn(h.units, u.Subject(), a, m.Unit); err != nil {
		h.deny(w, r, u, err)
		return m, false
	}
	if crewOnly(u) && !slices.Contains(m.Crew, u.Username) {
		h.deny(w, r, u, fmt.Errorf("%w: %s is not on mission %s", access.ErrDenied, u.Username, m.ID))
		return m, false
	}
	return m, true
}

// handleMissions lists missions u sees (?state=, ?vehicle=, ?mine=1: those u is on).
func (h *Hub) handleMissions(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := h.missions.Tick(); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	q := r.URL.Query()
	state, vehicle, mine := q.Get("state"), q.Get("vehicle"), q.Get("mine") == "1"
	list, err := h.missions.List(func(m *missions.Mission) bool {
		return (state == "" || m.State == state) && (vehicle == "" || m.Vehicle == vehicle) &&
			(!mine || slices.Contains(m.Crew, u.Username)) && h.missionVisible(u, m)
	})
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// checkDraft fills the draft's unit from its vehicle (which u must be
// allowed to task) and checks its crew are accounts in service.
func (h *Hub) checkDraft(w http.ResponseWriter, r *http.Request, u auth.User, d *missions.Draft) bool {
	if !h.allowVehicle(w, r, u, access.MissionWrite, d.Vehicle) {
		return false
	}
	v, _ := h.fleet.Get(d.Vehicle)
	d.Unit = v.Unit
	for _, name := range d.Crew {
		acct, err := h.auth.User(name)
		if err != nil {
			writeError(w, r, h.log, fmt.Errorf("%w: crew %q is not an account", errBadRequest, name))
			return false
		}
		if acct.Retired {
			writeError(w, r, h.log, fmt.Errorf("%w: account %s is retired", errBadRequest, name))
			return false
		}
	}
	return true
}

func (h *Hub) handleCreateMission(w http.ResponseWriter, r *http.Request, u auth.User) {
	var d missions.Draft
	if err := decodeJSON(w, r, &d); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if !h.checkDraft(w, r, u, &d) {
		return
	}
	m, err := h.missions.Create(actor(u), d)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "mission.create", m.ID, fmt.Sprintf("%s %s–%s: %s", m.Vehicle, m.From.Format(timeFormat), m.To.Format(timeFormat), clipText(m.Purpose)))
	writeJSON(w, http.StatusCreated, m)
}

func (h *Hub) handleMission(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := h.missions.Tick(); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if m, ok := h.missionFor(w, r, u, access.MissionRead); ok {
		writeJSON(w, http.StatusOK, m)
	}
}

func (h *Hub) handleUpdateMission(w http.ResponseWriter, r *http.Request, u auth.User) {
	var d missions.Draft
	if err := decodeJSON(w, r, &d); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	m, ok := h.missionFor(w, r, u, access.MissionWrite)
	if !ok || !h.checkDraft(w, r, u, &d) {
		return
	}
	m, err := h.missions.Update(m.ID, actor(u), d)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "mission.update", m.ID, fmt.Sprintf("rev %d: %s", m.Rev, clipText(m.Purpose)))
	writeJSON(w, http.StatusOK, m)
}

type missionCloseRequest struct {
	Summary  string `json:"summary"`
	Findings string `json:"findings"`
	Reason   string `json:"reason"` // cancel
}

// handleMissionOp starts ("start now"), cancels or closes a mission.
func (h *Hub) handleMissionOp(op string) userHandler {
	a := access.MissionReport
	if op == "cancel" {
		a = access.MissionWrite
	}
	return func(w http.ResponseWriter, r *http.Request, u auth.User) {
		var req missionCloseRequest
		if op != "start" {
			if err := decodeJSON(w, r, &req); err != nil {
				writeError(w, r, h.log, err)
				return
			}
		}
		m, ok := h.missionFor(w, r, u, a)
		if !ok {
			return
		}
		var err error
		switch op {
		case "start":
			m, err = h.missions.Start(m.ID, actor(u))
		case "cancel":
			m, err = h.missions.Cancel(m.ID, actor(u), req.Reason)
		default:
			m, err = h.missions.Close(m.ID, actor(u), req.Summary, req.Findings)
		}
		if err != nil {
			writeError(w, r, h.log, err)
			return
		}
		h.audit(r, u, "mission."+op, m.ID, clipText(req.Summary+req.Reason))
		writeJSON(w, http.StatusOK, m)
	}
}

// handleMissionLog is the mission's log: its events, its track (spaced),
// and the instructions to and reports of its vehicle within its window.
func (h *Hub) handleMissionLog(w http.ResponseWriter, r *http.Request, u auth.User) {
	m, ok := h.missionFor(w, r, u, access.MissionRead)
	if !ok {
		return
	}
	events, err := h.missions.Events(m.ID)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	track, err := h.missions.Track(m.ID)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	from, to := m.Window(time.Now())
	in := func(t time.Time) bool { return !t.Before(from) && !t.After(to) }
	var other []missions.Entry
	ins, err := h.messages.List(func(x *messaging.Instruction) bool {
		return in(x.Created) && slices.ContainsFunc(x.To, func(rc messaging.Recipient) bool { return rc.Vehicle == m.Vehicle })
	}, 0)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	for _, x := range ins {
		state := ""
		for _, rc := range x.To {
			if rc.Vehicle == m.Vehicle {
				state = rc.State
			}
		}
		other = append(other, missions.Entry{Time: x.Created, Kind: missions.EntryInstruction, By: x.FromName, Text: x.Text + " [" + state + "]", Ref: x.ID})
	}
	reps, err := h.reports.List(func(x *reports.Report) bool { return x.Vehicle == m.Vehicle && in(x.Created) }, 0)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	for _, x := range reps {
		e := missions.Entry{Time: x.Created, Kind: missions.EntryReport, By: x.ByName, Text: x.Title + " — " + x.Text, Ref: x.ID}
		if x.Position != nil {
			lat, lon := x.Position.Lat, x.Position.Lon
			e.Lat, e.Lon = &lat, &lon
		}
		other = append(other, e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"mission": m, "entries": missions.Merge(events, track, other)})
}

// handleMissionTrack is the mission's GPS track as GeoJSON.
func (h *Hub) handleMissionTrack(w http.ResponseWriter, r *http.Request, u auth.User) {
	m, ok := h.missionFor(w, r, u, access.MissionRead)
	if !ok {
		return
	}
	track, err := h.missions.Track(m.ID)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, missions.GeoJSON(&m, track))
}

func actor(u auth.User) missions.Actor { return missions.Actor{Username: u.Username, Name: u.Name} }

// Missions gives the mission store (demo seeding).
func (h *Hub) Missions() *missions.Store { return h.missions }
