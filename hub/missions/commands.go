package missions

// The commands of missions: every change to a mission or its log is one
// of these, applied by (*Store).Apply in one transaction. Sending a
// revision to the vehicle is the store's doing after a command applied,
// never the command's.
//
//	missions.plan     Planned     a mission planned for a vehicle, crew, site or route, window and purpose
//	missions.change   Changed     a planned or running mission changed (a running one keeps its vehicle and start)
//	missions.start    Started     a planned mission started, by hand or by its window opening (with the live streams then)
//	missions.cancel   Cancelled   a planned or running mission cancelled with its reason
//	missions.close    Closed      a running mission closed with its closing report (or the report put on one its window ended)
//	missions.report   ReportFiled the crew's closing report filed from the vehicle (once; a mission with a report keeps it)
//	missions.end      Ended       a mission whose window closed ended by itself
//	missions.deliver  Delivered   the vehicle applied a revision
//	missions.sent     Sent        a revision queued for the vehicle (a line of the mission's log)
//	missions.track    Tracked     a running mission's GPS fix kept and its live streams starting or stopping

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/protocol"
)

func init() {
	command.Register(Planned{}, Changed{}, Started{}, Cancelled{}, Closed{}, ReportFiled{}, Ended{}, Delivered{}, Sent{}, Tracked{})
}

// Planned plans a mission.
type Planned struct {
	ID    string    `json:"id"`
	Unit  string    `json:"unit"` // the vehicle's unit
	By    Actor     `json:"by"`
	At    time.Time `json:"at"`
	Draft Draft     `json:"draft"` // checked
}

// Changed changes a planned or running mission.
type Changed struct {
	ID    string    `json:"id"`
	Unit  string    `json:"unit"`
	By    Actor     `json:"by"`
	At    time.Time `json:"at"`
	Draft Draft     `json:"draft"` // checked
}

// Started starts a planned mission; Streams are its vehicle's cameras
// live then.
type Started struct {
	ID      string    `json:"id"`
	By      Actor     `json:"by"`
	At      time.Time `json:"at"`
	Streams []string  `json:"streams,omitempty"`
}

// Cancelled cancels a planned or running mission.
type Cancelled struct {
	ID      string    `json:"id"`
	By      Actor     `json:"by"`
	At      time.Time `json:"at"`
	Reason  string    `json:"reason"`
	Streams []string  `json:"streams,omitempty"`
}

// Closed closes a running mission with its report.
type Closed struct {
	ID      string                 `json:"id"`
	By      Actor                  `json:"by"`
	At      time.Time              `json:"at"`
	Report  protocol.MissionReport `json:"report"` // checked
	Streams []string               `json:"streams,omitempty"`
}

// ReportFiled is the crew's closing report from the vehicle.
type ReportFiled struct {
	ID      string                 `json:"id"`
	Vehicle string                 `json:"vehicle"`
	By      Actor                  `json:"by"`
	At      time.Time              `json:"at"`
	Report  protocol.MissionReport `json:"report"` // checked
	Streams []string               `json:"streams,omitempty"`
}

// Ended ends a mission whose window closed.
type Ended struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Streams []string  `json:"streams,omitempty"`
}

// Delivered records that the vehicle applied revision Rev.
type Delivered struct {
	ID  string    `json:"id"`
	Rev uint64    `json:"rev"`
	At  time.Time `json:"at"`
}

// Sent logs a revision queued for the vehicle.
type Sent struct {
	ID      string    `json:"id"`
	Rev     uint64    `json:"rev"`
	Vehicle string    `json:"vehicle"`
	At      time.Time `json:"at"`
}

// Tracked keeps a fix of a running mission (Point, optional) and its
// streams' changes (Events).
type Tracked struct {
	ID     string  `json:"id"`
	Point  *Point  `json:"point,omitempty"`
	Events []Event `json:"events,omitempty"`
}

// CommandKind implements command.Command.
func (Planned) CommandKind() string     { return "missions.plan" }
func (Changed) CommandKind() string     { return "missions.change" }
func (Started) CommandKind() string     { return "missions.start" }
func (Cancelled) CommandKind() string   { return "missions.cancel" }
func (Closed) CommandKind() string      { return "missions.close" }
func (ReportFiled) CommandKind() string { return "missions.report" }
func (Ended) CommandKind() string       { return "missions.end" }
func (Delivered) CommandKind() string   { return "missions.deliver" }
func (Sent) CommandKind() string        { return "missions.sent" }
func (Tracked) CommandKind() string     { return "missions.track" }

// Apply applies one command of missions in one transaction.
func (s *Store) Apply(cmd command.Command) error {
	s.cache.Lock()
	defer s.cache.Unlock()
	var changed *Mission
	var point *Point
	err := s.db.Badger().Update(func(txn *badger.Txn) error {
		var id string
		var fn func(m *Mission) ([]Event, error)
		switch c := cmd.(type) {
		case Planned:
			if _, err := txn.Get([]byte(recPrefix + c.ID)); err == nil {
				return nil // planned already
			}
			m := Mission{Unit: c.Unit, Created: c.At, CreatedBy: c.By.Username, Updated: c.At}
			m.ID, m.Rev, m.State = c.ID, 1, protocol.MissionPlanned
			applyDraft(&m, c.Draft, c.Unit)
			changed = &m
			return commit(txn, &m, Event{Time: c.At, Kind: EventCreated, By: c.By.label(), Text: fmt.Sprintf("%s · %s", m.Vehicle, m.Purpose)})
		case Changed:
			id, fn = c.ID, func(m *Mission) ([]Event, error) { return m.change(c) }
		case Started:
			id, fn = c.ID, func(m *Mission) ([]Event, error) {
				if m.State != protocol.MissionPlanned {
					return nil, fmt.Errorf("%w: mission %s is %s", ErrState, m.ID, m.State)
				}
				m.State, m.Started, m.StartedBy, m.Updated = protocol.MissionActive, c.At, c.By.label(), c.At
				m.Rev++
				return append([]Event{{Time: c.At, Kind: EventStarted, By: c.By.label()}}, streamEvents(EventStreamStart, c.At, c.Streams)...), nil
			}
		case Cancelled:
			id, fn = c.ID, func(m *Mission) ([]Event, error) {
				if !m.Open() {
					return nil, fmt.Errorf("%w: mission %s is %s", ErrState, m.ID, m.State)
				}
				m.State, m.Closed, m.ClosedBy, m.Updated, m.CancelReason = protocol.MissionCancelled, c.At, c.By.label(), c.At, c.Reason
				m.Rev++
				events := []Event{{Time: c.At, Kind: EventCancelled, By: c.By.label(), Text: c.Reason}}
				if m.Started.IsZero() {
					return events, nil
				}
				return append(events, streamEvents(EventStreamEnd, c.At, c.Streams)...), nil
			}
		case Closed:
			id, fn = c.ID, func(m *Mission) ([]Event, error) { return m.close(c.By, c.At, c.Report, c.Streams) }
		case ReportFiled:
			id, fn = c.ID, func(m *Mission) ([]Event, error) {
				if m.Vehicle != c.Vehicle {
					return nil, fmt.Errorf("%w: %s reported on %s's mission %s", ErrInvalid, c.Vehicle, m.Vehicle, m.ID)
				}
				if m.Report != nil || m.State == protocol.MissionCancelled || m.State == protocol.MissionPlanned {
					return nil, errUnchanged
				}
				return m.close(c.By, c.At, c.Report, c.Streams)
			}
		case Ended:
			id, fn = c.ID, func(m *Mission) ([]Event, error) {
				if !m.Open() || c.At.Before(m.To) {
					return nil, errUnchanged
				}
				m.State, m.Closed, m.ClosedBy, m.Updated = protocol.MissionClosed, m.To, Auto.label(), c.At
				m.Rev++
				return append([]Event{{Time: m.To, Kind: EventEnded, By: Auto.label()}}, streamEvents(EventStreamEnd, m.To, c.Streams)...), nil
			}
		case Delivered:
			id, fn = c.ID, func(m *Mission) ([]Event, error) {
				if c.Rev <= m.Delivered {
					return nil, errUnchanged
				}
				m.Delivered, m.DeliveredAt = c.Rev, c.At
				return []Event{{Time: c.At, Kind: EventDelivered, Text: fmt.Sprintf("rev %d → %s", c.Rev, m.Vehicle)}}, nil
			}
		case Sent:
			return putEvent(txn, c.ID, Event{Time: c.At, Kind: EventSent, Text: fmt.Sprintf("rev %d → %s", c.Rev, c.Vehicle)})
		case Tracked:
			for _, e := range c.Events {
				if err := putEvent(txn, c.ID, e); err != nil {
					return err
				}
			}
			if c.Point == nil {
				return nil
			}
			point = c.Point
			return store.SetJSON(txn, fmt.Sprintf("%s%s/%020d", trackPrefix, c.ID, c.Point.Time.UnixNano()), c.Point)
		default:
			return fmt.Errorf("missions: not a command of missions: %s", cmd.CommandKind())
		}
		m, err := getMission(txn, id)
		if err != nil {
			return err
		}
		events, err := fn(&m)
		if errors.Is(err, errUnchanged) {
			return nil
		}
		if err != nil {
			return err
		}
		changed = &m
		return commit(txn, &m, events...)
	})
	if err != nil {
		return err
	}
	if changed != nil {
		if changed.Open() {
			s.open[changed.ID] = *changed
		} else {
			delete(s.open, changed.ID)
			delete(s.last, changed.ID)
		}
	}
	if t, ok := cmd.(Tracked); ok && point != nil {
		if _, open := s.open[t.ID]; open {
			s.last[t.ID] = *point
		}
	}
	return nil
}

// errUnchanged: the command finds nothing to do (a replay, or a report
// the mission has already).
var errUnchanged = errors.New("missions: unchanged")

func (m *Mission) change(c Changed) ([]Event, error) {
	if !m.Open() {
		return nil, fmt.Errorf("%w: mission %s is %s", ErrState, m.ID, m.State)
	}
	d := c.Draft
	if m.State == protocol.MissionActive && (d.Vehicle != m.Vehicle || !d.From.Equal(m.From)) {
		return nil, fmt.Errorf("%w: a running mission keeps its vehicle and start", ErrState)
	}
	if !d.To.After(c.At) {
		return nil, fmt.Errorf("%w: the window would have ended", ErrInvalid)
	}
	if m.Vehicle != d.Vehicle {
		m.Rev++ // the revision that cancelled it for the old vehicle
	}
	applyDraft(m, d, c.Unit)
	m.Rev++
	m.Updated = c.At
	return []Event{{Time: c.At, Kind: EventUpdated, By: c.By.label(), Text: m.Purpose}}, nil
}

// close closes an active mission with its report, or puts the report on
// one its window ended.
func (m *Mission) close(by Actor, at time.Time, rep protocol.MissionReport, streams []string) ([]Event, error) {
	if m.State != protocol.MissionActive && (m.State != protocol.MissionClosed || m.Report != nil) {
		return nil, fmt.Errorf("%w: mission %s is %s", ErrState, m.ID, m.State)
	}
	events := []Event{{Time: at, Kind: EventClosed, By: rep.By, Text: rep.Summary}}
	if m.State == protocol.MissionActive {
		m.State, m.Closed, m.ClosedBy = protocol.MissionClosed, at, by.label()
		events = append(events, streamEvents(EventStreamEnd, at, streams)...)
	}
	m.Report, m.Updated = &rep, at
	m.Rev++
	return events, nil
}

func streamEvents(kind string, at time.Time, cams []string) []Event {
	var out []Event
	for _, cam := range cams {
		out = append(out, Event{Time: at, Kind: kind, Text: cam})
	}
	return out
}

func getMission(txn *badger.Txn, id string) (Mission, error) {
	var m Mission
	item, err := txn.Get([]byte(recPrefix + id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return m, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	if err != nil {
		return m, fmt.Errorf("missions: get %s: %w", id, err)
	}
	err = item.Value(func(v []byte) error { return json.Unmarshal(v, &m) })
	return m, err
}

// commit writes the mission and its events.
func commit(txn *badger.Txn, m *Mission, events ...Event) error {
	if err := store.SetJSON(txn, recPrefix+m.ID, m); err != nil {
		return err
	}
	for _, e := range events {
		if err := putEvent(txn, m.ID, e); err != nil {
			return err
		}
	}
	return nil
}

// putEvent writes an event under its time and the first free place of
// that time, so the same commands give the same keys.
func putEvent(txn *badger.Txn, id string, e Event) error {
	for n := 0; ; n++ {
		key := []byte(fmt.Sprintf("%s%s/%020d/%08d", logPrefix, id, e.Time.UnixNano(), n))
		if _, err := txn.Get(key); errors.Is(err, badger.ErrKeyNotFound) {
			return store.SetJSON(txn, string(key), e)
		} else if err != nil {
			return err
		}
	}
}
