package missions

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"fieldwatch/hub/command"
	"fieldwatch/protocol"
)

// Draft is what a planner gives for a new mission or a change.
type Draft struct {
	Vehicle      string              `json:"vehicle"`
	Unit         string              `json:"-"` // the vehicle's unit, filled by the caller
	Crew         []string            `json:"crew"`
	Site         string              `json:"site"`
	Waypoints    []protocol.Waypoint `json:"waypoints"`
	From         time.Time           `json:"from"`
	To           time.Time           `json:"to"`
	Purpose      string              `json:"purpose"`
	Instructions string              `json:"instructions"`
}

func (d *Draft) check() error {
	d.Site, d.Purpose, d.Instructions = clean(d.Site), clean(d.Purpose), clean(d.Instructions)
	crew := []string{}
	for _, c := range d.Crew {
		if c = clean(c); c != "" && !slices.Contains(crew, c) {
			crew = append(crew, c)
		}
	}
	d.Crew = crew
	switch {
	case !protocol.ValidID(d.Vehicle):
		return fmt.Errorf("%w: vehicle %q", ErrInvalid, d.Vehicle)
	case d.Site == "" && len(d.Waypoints) == 0:
		return fmt.Errorf("%w: name the site or route", ErrInvalid)
	case d.Purpose == "":
		return fmt.Errorf("%w: state the purpose", ErrInvalid)
	case d.From.IsZero() || d.To.IsZero():
		return fmt.Errorf("%w: give the window (from, to)", ErrInvalid)
	case !d.To.After(d.From):
		return fmt.Errorf("%w: the window must end after it starts", ErrInvalid)
	case d.To.Sub(d.From) > 31*24*time.Hour:
		return fmt.Errorf("%w: a window of at most 31 days", ErrInvalid)
	case utf8.RuneCountInString(d.Purpose) > protocol.MaxMissionText, utf8.RuneCountInString(d.Instructions) > protocol.MaxMissionText,
		utf8.RuneCountInString(d.Site) > 200:
		return fmt.Errorf("%w: text too long", ErrInvalid)
	case len(d.Crew) > protocol.MaxMissionCrew || len(d.Waypoints) > protocol.MaxMissionWaypoints:
		return fmt.Errorf("%w: at most %d crew and %d waypoints", ErrInvalid, protocol.MaxMissionCrew, protocol.MaxMissionWaypoints)
	}
	for i, w := range d.Waypoints {
		if !(w.Lat >= -90 && w.Lat <= 90 && w.Lon >= -180 && w.Lon <= 180) || len(w.Name) > 200 {
			return fmt.Errorf("%w: waypoint %d out of range", ErrInvalid, i+1)
		}
	}
	return nil
}

// Create plans a mission and sends it to its vehicle. A window already
// open starts it at once.
func (s *Store) Create(by Actor, d Draft) (Mission, error) {
	if err := d.check(); err != nil {
		return Mission{}, err
	}
	now := s.p.Now()
	if !d.To.After(now) {
		return Mission{}, fmt.Errorf("%w: the window has already ended", ErrInvalid)
	}
	c := Planned{ID: newID(now), Unit: d.Unit, By: by, At: now, Draft: d}
	c.Draft.Unit = "" // carried in c.Unit
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.submit.Submit(c); err != nil {
		return Mission{}, err
	}
	s.send(c.ID)
	return s.settle(c.ID, now)
}

func applyDraft(m *Mission, d Draft, unit string) {
	m.Vehicle, m.Crew, m.Site, m.Waypoints = d.Vehicle, d.Crew, d.Site, d.Waypoints
	m.From, m.To, m.Purpose, m.Instructions = d.From, d.To, d.Purpose, d.Instructions
	if unit != "" {
		m.Unit = unit
	}
}

// Update changes a planned or active mission; an active one keeps its
// vehicle and start. A vehicle taken off a planned mission is told it is
// cancelled for it.
func (s *Store) Update(id string, by Actor, d Draft) (Mission, error) {
	if err := d.check(); err != nil {
		return Mission{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	before, err := s.Get(id)
	if err != nil {
		return before, err
	}
	c := Changed{ID: id, Unit: d.Unit, By: by, At: s.p.Now(), Draft: d}
	c.Draft.Unit = "" // carried in c.Unit
	if err := s.submit.Submit(c); err != nil {
		return before, err
	}
	if before.Vehicle != d.Vehicle {
		gone := before.Mission
		gone.Rev++
		gone.State = protocol.MissionCancelled
		s.sendCopy(gone)
	}
	s.send(id)
	return s.settle(id, s.p.Now())
}

// Start starts a planned mission now, before its window opens.
func (s *Store) Start(id string, by Actor) (Mission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.do(id, Started{ID: id, By: by, At: s.p.Now(), Streams: s.live(id)})
}

// do submits a command that changes the mission, sends its new revision
// and returns it; s.mu is held.
func (s *Store) do(id string, c command.Command) (Mission, error) {
	if err := s.submit.Submit(c); err != nil {
		m, _ := s.Get(id)
		return m, err
	}
	s.send(id)
	return s.Get(id)
}

// Cancel cancels a planned or active mission.
func (s *Store) Cancel(id string, by Actor, reason string) (Mission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.do(id, Cancelled{ID: id, By: by, At: s.p.Now(), Reason: clean(reason), Streams: s.live(id)})
}

// Close closes an active mission with its closing report, or puts the
// report on a mission its window ended (once).
func (s *Store) Close(id string, by Actor, summary, findings string) (Mission, error) {
	now := s.p.Now()
	rep, err := checkReport(protocol.MissionReport{Summary: summary, Findings: findings, By: by.label(), Time: now})
	if err != nil {
		return Mission{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.do(id, Closed{ID: id, By: by, At: now, Report: rep, Streams: s.live(id)})
}

// CloseFromVehicle files a closing report the crew wrote on the vehicle.
// It may arrive twice or after the hub closed the mission: a mission that
// has a report keeps it.
func (s *Store) CloseFromVehicle(vehicle string, c protocol.MissionClose) error {
	m, err := s.Get(c.ID)
	if err != nil {
		return err
	}
	if m.Vehicle != vehicle {
		return fmt.Errorf("%w: %s reported on %s's mission %s", ErrInvalid, vehicle, m.Vehicle, c.ID)
	}
	if m.Report != nil || m.State == protocol.MissionCancelled || m.State == protocol.MissionPlanned {
		return nil
	}
	rep, err := checkReport(c.MissionReport)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err = s.do(c.ID, ReportFiled{ID: c.ID, Vehicle: vehicle, By: Actor{Username: c.By, Name: c.By}, At: s.p.Now(), Report: rep, Streams: s.live(c.ID)})
	return err
}

func checkReport(rep protocol.MissionReport) (protocol.MissionReport, error) {
	rep.Summary, rep.Findings = clean(rep.Summary), clean(rep.Findings)
	switch {
	case rep.Summary == "":
		return rep, fmt.Errorf("%w: write the summary", ErrInvalid)
	case utf8.RuneCountInString(rep.Summary) > protocol.MaxMissionText, utf8.RuneCountInString(rep.Findings) > protocol.MaxMissionText:
		return rep, fmt.Errorf("%w: report too long", ErrInvalid)
	}
	return rep, nil
}

// Delivered records that the vehicle applied revision rev.
func (s *Store) Delivered(id string, rev uint64, at time.Time) error {
	return s.submit.Submit(Delivered{ID: id, Rev: rev, At: at})
}

// Tick starts the missions whose window opened and ends those whose
// window closed.
func (s *Store) Tick() error {
	now := s.p.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.openIDs() {
		if _, err := s.settle(id, now); err != nil {
			return err
		}
	}
	return nil
}

// settle moves one mission along by its window; s.mu is held.
func (s *Store) settle(id string, now time.Time) (Mission, error) {
	m, err := s.Get(id)
	if err != nil || !m.Open() {
		return m, err
	}
	if m.State == protocol.MissionPlanned && !now.Before(m.From) && now.Before(m.To) {
		if m, err = s.do(id, Started{ID: id, By: Auto, At: now, Streams: s.live(id)}); err != nil {
			return m, err
		}
	}
	if !now.Before(m.To) {
		return s.do(id, Ended{ID: id, At: now, Streams: s.live(id)})
	}
	return m, nil
}

// Run ticks every interval until ctx ends.
func (s *Store) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.Tick(); err != nil {
			s.log.Error("mission windows", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
