package missions

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

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
	m := Mission{Unit: d.Unit, Created: now, CreatedBy: by.Username, Updated: now}
	m.ID, m.Rev, m.State = newID(now), 1, protocol.MissionPlanned
	apply(&m, d)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.commit(&m, true, Event{Time: now, Kind: EventCreated, By: by.label(),
		Text: fmt.Sprintf("%s · %s", m.Vehicle, m.Purpose)}); err != nil {
		return Mission{}, err
	}
	return s.settle(m.ID, now)
}

func apply(m *Mission, d Draft) {
	m.Vehicle, m.Crew, m.Site, m.Waypoints = d.Vehicle, d.Crew, d.Site, d.Waypoints
	m.From, m.To, m.Purpose, m.Instructions = d.From, d.To, d.Purpose, d.Instructions
	if d.Unit != "" {
		m.Unit = d.Unit
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
	m, err := s.Get(id)
	if err != nil {
		return m, err
	}
	if !m.Open() {
		return m, fmt.Errorf("%w: mission %s is %s", ErrState, id, m.State)
	}
	if m.State == protocol.MissionActive && (d.Vehicle != m.Vehicle || !d.From.Equal(m.From)) {
		return m, fmt.Errorf("%w: a running mission keeps its vehicle and start", ErrState)
	}
	now := s.p.Now()
	if !d.To.After(now) {
		return m, fmt.Errorf("%w: the window would have ended", ErrInvalid)
	}
	if old := m.Vehicle; old != d.Vehicle {
		gone := m
		gone.Rev++
		gone.State = protocol.MissionCancelled
		s.send(&gone)
		m.Rev++
	}
	apply(&m, d)
	m.Rev++
	m.Updated = now
	if err := s.commit(&m, true, Event{Time: now, Kind: EventUpdated, By: by.label(), Text: m.Purpose}); err != nil {
		return m, err
	}
	return s.settle(id, now)
}

// Start starts a planned mission now, before its window opens.
func (s *Store) Start(id string, by Actor) (Mission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.Get(id)
	if err != nil {
		return m, err
	}
	if m.State != protocol.MissionPlanned {
		return m, fmt.Errorf("%w: mission %s is %s", ErrState, id, m.State)
	}
	return m, s.start(&m, by, s.p.Now())
}

func (s *Store) start(m *Mission, by Actor, now time.Time) error {
	m.State, m.Started, m.StartedBy, m.Updated = protocol.MissionActive, now, by.label(), now
	m.Rev++
	events := []Event{{Time: now, Kind: EventStarted, By: by.label()}}
	for _, cam := range s.publishing(m.Vehicle) {
		events = append(events, Event{Time: now, Kind: EventStreamStart, Text: cam})
	}
	return s.commit(m, true, events...)
}

// Cancel cancels a planned or active mission.
func (s *Store) Cancel(id string, by Actor, reason string) (Mission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.Get(id)
	if err != nil {
		return m, err
	}
	if !m.Open() {
		return m, fmt.Errorf("%w: mission %s is %s", ErrState, id, m.State)
	}
	now := s.p.Now()
	m.State, m.Closed, m.ClosedBy, m.Updated, m.CancelReason = protocol.MissionCancelled, now, by.label(), now, clean(reason)
	m.Rev++
	events := []Event{{Time: now, Kind: EventCancelled, By: by.label(), Text: m.CancelReason}}
	if m.Started.IsZero() {
		return m, s.commit(&m, true, events...)
	}
	return m, s.commit(&m, true, append(events, s.streamEnds(m.Vehicle, now)...)...)
}

// Close closes an active mission with its closing report, or puts the
// report on a mission its window ended (once).
func (s *Store) Close(id string, by Actor, summary, findings string) (Mission, error) {
	return s.closeWith(id, by, protocol.MissionReport{Summary: summary, Findings: findings, By: by.label(), Time: s.p.Now()})
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
	_, err = s.closeWith(c.ID, Actor{Username: c.By, Name: c.By}, c.MissionReport)
	return err
}

func (s *Store) closeWith(id string, by Actor, rep protocol.MissionReport) (Mission, error) {
	rep.Summary, rep.Findings = clean(rep.Summary), clean(rep.Findings)
	switch {
	case rep.Summary == "":
		return Mission{}, fmt.Errorf("%w: write the summary", ErrInvalid)
	case utf8.RuneCountInString(rep.Summary) > protocol.MaxMissionText, utf8.RuneCountInString(rep.Findings) > protocol.MaxMissionText:
		return Mission{}, fmt.Errorf("%w: report too long", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.Get(id)
	if err != nil {
		return m, err
	}
	if m.State != protocol.MissionActive && (m.State != protocol.MissionClosed || m.Report != nil) {
		return m, fmt.Errorf("%w: mission %s is %s", ErrState, id, m.State)
	}
	now := s.p.Now()
	events := []Event{{Time: now, Kind: EventClosed, By: rep.By, Text: rep.Summary}}
	if m.State == protocol.MissionActive {
		m.State, m.Closed, m.ClosedBy = protocol.MissionClosed, now, by.label()
		events = append(events, s.streamEnds(m.Vehicle, now)...)
	}
	m.Report, m.Updated = &rep, now
	m.Rev++
	return m, s.commit(&m, true, events...)
}

// Delivered records that the vehicle applied revision rev.
func (s *Store) Delivered(id string, rev uint64, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.Get(id)
	if err != nil {
		return err
	}
	if rev <= m.Delivered {
		return nil
	}
	m.Delivered, m.DeliveredAt = rev, at
	return s.commit(&m, false, Event{Time: at, Kind: EventDelivered, Text: fmt.Sprintf("rev %d → %s", rev, m.Vehicle)})
}

// Tick starts the missions whose window opened and ends those whose
// window closed.
func (s *Store) Tick() error {
	now := s.p.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := range s.open {
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
		if err := s.start(&m, Auto, now); err != nil {
			return m, err
		}
	}
	if !now.Before(m.To) {
		m.State, m.Closed, m.ClosedBy, m.Updated = protocol.MissionClosed, m.To, Auto.label(), now
		m.Rev++
		events := append([]Event{{Time: m.To, Kind: EventEnded, By: Auto.label()}}, s.streamEnds(m.Vehicle, m.To)...)
		if err := s.commit(&m, true, events...); err != nil {
			return m, err
		}
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
