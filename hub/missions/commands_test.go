package missions

import (
	"errors"
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
	"fieldwatch/protocol"
)

// Two missions' lives (one changed, started, tracked, closed by hand and
// reported again from the vehicle; one ended by its window) replay to the
// same state, log keys included.
func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	at := t0
	duty := Actor{Username: "trucban", Name: "Trực ban"}
	d := Draft{Vehicle: "xe-01", Crew: []string{"crew.a1"}, Site: "Km 3", Waypoints: []protocol.Waypoint{{Name: "Km 3", Lat: 21.85, Lon: 106.76}},
		From: at.Add(time.Hour), To: at.Add(5 * time.Hour), Purpose: "Giám sát"}
	d2 := d
	d2.Purpose, d2.Vehicle = "Giám sát xe container", "xe-02"
	rep := protocol.MissionReport{Summary: "Không vi phạm", Findings: "Xe dừng tại Km 7", By: "Tổ A1", Time: at.Add(3 * time.Hour)}
	cmds := []command.Command{
		Planned{ID: "ms-1", Unit: "cc-a", By: duty, At: at, Draft: d},
		Sent{ID: "ms-1", Rev: 1, Vehicle: "xe-01", At: at},
		Planned{ID: "ms-2", Unit: "cc-a", By: duty, At: at, Draft: d},
		Changed{ID: "ms-1", Unit: "cc-b", By: duty, At: at.Add(time.Minute), Draft: d2},
		Delivered{ID: "ms-1", Rev: 3, At: at.Add(2 * time.Minute)},
		Delivered{ID: "ms-1", Rev: 2, At: at.Add(3 * time.Minute)},
		Started{ID: "ms-1", By: Auto, At: at.Add(time.Hour), Streams: []string{"cam1"}},
		Tracked{ID: "ms-1", Point: &Point{Time: at.Add(time.Hour), Lat: 21.85, Lon: 106.76, SpeedKmh: 40}, Events: []Event{{Time: at.Add(time.Hour), Kind: EventStreamEnd, Text: "cam1"}}},
		Tracked{ID: "ms-1", Events: []Event{{Time: at.Add(time.Hour), Kind: EventStreamStart, Text: "cam1"}}},
		Closed{ID: "ms-1", By: Actor{Username: "crew.a1", Name: "Tổ A1"}, At: at.Add(3 * time.Hour), Report: rep, Streams: []string{"cam1"}},
		ReportFiled{ID: "ms-1", Vehicle: "xe-02", By: Actor{Username: "crew.a1", Name: "crew.a1"}, At: at.Add(4 * time.Hour), Report: rep},
		Ended{ID: "ms-2", At: at.Add(6 * time.Hour)},
		Cancelled{ID: "ms-2", By: duty, At: at.Add(7 * time.Hour), Reason: "x"},
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier {
		s, err := New(db, Params{Now: func() time.Time { t.Fatal("apply read the clock"); return time.Time{} }})
		if err != nil {
			t.Fatal(err)
		}
		return applyIgnoringState{s}
	}, cmds)
	s, err := New(db, Params{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.Get("ms-1")
	if m.State != protocol.MissionClosed || m.Vehicle != "xe-02" || m.Unit != "cc-b" || m.Delivered != 3 || m.Report == nil || m.Rev != 5 {
		t.Fatalf("ms-1 after replay: %+v", m)
	}
	events, _ := s.Events("ms-1")
	count := map[string]int{}
	for _, e := range events {
		count[e.Kind]++
	}
	if count[EventStreamStart] != 2 || count[EventStreamEnd] != 2 || count[EventDelivered] != 1 || count[EventClosed] != 1 || count[EventSent] != 1 {
		t.Fatalf("ms-1's log: %v", count)
	}
	if track, _ := s.Track("ms-1"); len(track) != 1 {
		t.Fatalf("track: %+v", track)
	}
	if m, _ := s.Get("ms-2"); m.State != protocol.MissionClosed || !m.Closed.Equal(m.To) {
		t.Fatalf("ms-2 ended by its window: %+v", m)
	}
	if len(s.open) != 0 {
		t.Fatalf("open after replay: %v", s.open)
	}
}

// applyIgnoringState applies commands; one refused by the mission's state
// (cancelling an ended mission) changes nothing, as on a live hub.
type applyIgnoringState struct{ s *Store }

func (a applyIgnoringState) Apply(c command.Command) error {
	if err := a.s.Apply(c); err != nil && !errors.Is(err, ErrState) {
		return err
	}
	return nil
}
