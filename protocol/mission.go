package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// Mobile surveillance missions (Decision 888: giám sát cơ động) travel in
// the reliable message streams: the hub sends a mission to its vehicle as
// it is created and each time it changes (MsgMission, Rev grows with every
// change, so a vehicle keeps only the newest), and the vehicle sends the
// crew's closing report back (MsgMissionReport).

// Mission states.
const (
	MissionPlanned   = "planned"
	MissionActive    = "active"
	MissionClosed    = "closed"
	MissionCancelled = "cancelled"
)

// Limits of a mission's texts.
const (
	MaxMissionText      = 4000 // purpose, instructions, summary, findings (characters)
	MaxMissionWaypoints = 200
	MaxMissionCrew      = 20
)

var missionIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Waypoint is a named point of a mission's site or route.
type Waypoint struct {
	Name string  `json:"name,omitempty"`
	Lat  float64 `json:"lat"`
	Lon  float64 `json:"lon"`
}

// MissionReport is a mission's closing report.
type MissionReport struct {
	Summary  string    `json:"summary"`
	Findings string    `json:"findings"`
	By       string    `json:"by"`
	Time     time.Time `json:"time"`
}

// Mission is a mobile surveillance mission as its vehicle receives it.
type Mission struct {
	ID      string `json:"id"`
	Rev     uint64 `json:"rev"`
	Vehicle string `json:"vehicle"`
	// Crew are the crew members' accounts at the hub.
	Crew []string `json:"crew"`
	// Site names the place or route; Waypoints locate it (optional).
	Site         string         `json:"site"`
	Waypoints    []Waypoint     `json:"waypoints,omitempty"`
	From         time.Time      `json:"from"`
	To           time.Time      `json:"to"`
	Purpose      string         `json:"purpose"`
	Instructions string         `json:"instructions,omitempty"`
	State        string         `json:"state"`
	Started      time.Time      `json:"started,omitzero"`
	StartedBy    string         `json:"started_by,omitempty"`
	Closed       time.Time      `json:"closed,omitzero"`
	ClosedBy     string         `json:"closed_by,omitempty"`
	Report       *MissionReport `json:"report,omitempty"`
}

// Open reports whether the mission is planned or active.
func (m *Mission) Open() bool { return m.State == MissionPlanned || m.State == MissionActive }

// ActiveAt reports whether the mission runs at now: started (or its window
// open) and neither closed, cancelled nor past its window.
func (m *Mission) ActiveAt(now time.Time) bool {
	switch m.State {
	case MissionClosed, MissionCancelled:
		return false
	case MissionActive:
		return now.Before(m.To)
	}
	return !now.Before(m.From) && now.Before(m.To)
}

// Validate checks the mission.
func (m *Mission) Validate() error {
	if !missionIDRE.MatchString(m.ID) {
		return fmt.Errorf("mission id %q: want %s", clip(m.ID), missionIDRE)
	}
	if m.Rev == 0 {
		return fmt.Errorf("mission %s: rev must start at 1", m.ID)
	}
	if err := checkID("mission vehicle", m.Vehicle); err != nil {
		return err
	}
	switch m.State {
	case MissionPlanned, MissionActive, MissionClosed, MissionCancelled:
	default:
		return fmt.Errorf("mission %s: state %q unknown", m.ID, clip(m.State))
	}
	if m.From.IsZero() || !m.To.After(m.From) {
		return fmt.Errorf("mission %s: window must end after it starts", m.ID)
	}
	if len(m.Crew) > MaxMissionCrew || len(m.Waypoints) > MaxMissionWaypoints {
		return fmt.Errorf("mission %s: at most %d crew and %d waypoints", m.ID, MaxMissionCrew, MaxMissionWaypoints)
	}
	for i, w := range m.Waypoints {
		if !(w.Lat >= -90 && w.Lat <= 90 && w.Lon >= -180 && w.Lon <= 180) {
			return fmt.Errorf("mission %s: waypoints[%d] out of range", m.ID, i)
		}
	}
	return nil
}

// MissionClose is a crew's closing report sent from the vehicle.
type MissionClose struct {
	ID string `json:"id"`
	MissionReport
}

// Validate checks the report.
func (c *MissionClose) Validate() error {
	if !missionIDRE.MatchString(c.ID) {
		return fmt.Errorf("mission id %q: want %s", clip(c.ID), missionIDRE)
	}
	if c.Summary == "" {
		return fmt.Errorf("mission %s: closing report without a summary", c.ID)
	}
	if c.Time.IsZero() {
		return fmt.Errorf("mission %s: closing report without a time", c.ID)
	}
	return nil
}

// validMessageBody checks the body of the message types that have a schema.
func validMessageBody(typ string, body json.RawMessage) error {
	var v interface{ Validate() error }
	switch typ {
	case MsgMission:
		v = &Mission{}
	case MsgMissionReport:
		v = &MissionClose{}
	default:
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s body: %w", typ, err)
	}
	return v.Validate()
}
