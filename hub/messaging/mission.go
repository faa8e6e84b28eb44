package messaging

import (
	"encoding/json"
	"fmt"
	"time"

	"fieldwatch/internal/outbox"
	"fieldwatch/protocol"
)

// Missions ride the same hub>vehicle stream as instructions (go-back-N
// across outages, applied once on the vehicle): each revision of a
// mission is one message of type protocol.MsgMission; the crew's closing
// report comes back as protocol.MsgMissionReport.

// MissionHooks connect the stream to the mission store.
type MissionHooks struct {
	// Delivered is told that the vehicle applied a mission's revision.
	Delivered func(vehicle, id string, rev uint64, at time.Time)
	// Report files a closing report the crew wrote on the vehicle; it must
	// be idempotent (it may arrive twice).
	Report func(vehicle string, c protocol.MissionClose) error
}

// SetMissionHooks installs the hooks; call before the hub serves.
func (s *Service) SetMissionHooks(h MissionHooks) { s.missions = h }

// QueueMission queues a mission's revision for its vehicle.
func (s *Service) QueueMission(m protocol.Mission) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if _, err := s.out.Enqueue(m.Vehicle, protocol.MsgMission, m); err != nil {
		return fmt.Errorf("messaging: queue mission %s for %s: %w", m.ID, m.Vehicle, err)
	}
	s.signal(m.Vehicle)
	return nil
}

// missionDelivered passes an acknowledged mission message on.
func (s *Service) missionDelivered(vehicle string, m outbox.Message, now time.Time) {
	var body struct {
		ID  string `json:"id"`
		Rev uint64 `json:"rev"`
	}
	if s.missions.Delivered == nil || json.Unmarshal(m.Body, &body) != nil {
		return
	}
	s.missions.Delivered(vehicle, body.ID, body.Rev, now)
}

// applyMissionReport files a vehicle's closing report while the inbox's
// transaction is open (the mission store writes its own; a report filed
// twice is a no-op).
func (s *Service) applyMissionReport(vehicle string, body json.RawMessage) error {
	var c protocol.MissionClose
	if err := json.Unmarshal(body, &c); err != nil || c.Validate() != nil {
		s.log.Warn("bad mission report, skipped", "vehicle", vehicle)
		return nil
	}
	if s.missions.Report == nil {
		return nil
	}
	if err := s.missions.Report(vehicle, c); err != nil {
		s.log.Warn("mission report not filed", "vehicle", vehicle, "mission", c.ID, "err", err)
	}
	return nil
}
