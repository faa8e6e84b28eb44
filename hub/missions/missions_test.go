package missions

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldwatch/hub/store"
	"fieldwatch/protocol"
)

// clock is a fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var t0 = time.Date(2026, 11, 22, 7, 0, 0, 0, time.UTC)

type sent struct {
	mu   sync.Mutex
	list []protocol.Mission
}

func (s *sent) send(m protocol.Mission) error {
	if err := m.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	s.list = append(s.list, m)
	s.mu.Unlock()
	return nil
}

func (s *sent) last() protocol.Mission {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list[len(s.list)-1]
}

func newStore(t *testing.T) (*Store, *clock, *sent) {
	t.Helper()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{t: t0}
	out := &sent{}
	s, err := New(db, Params{Now: c.Now, Send: out.send})
	if err != nil {
		t.Fatal(err)
	}
	return s, c, out
}

func draft() Draft {
	return Draft{Vehicle: "xe-01", Unit: "cc-a", Crew: []string{"to.truong", " to.truong", "lai.xe"}, Site: "Cửa khẩu Hữu Nghị",
		Waypoints: []protocol.Waypoint{{Name: "Km 3", Lat: 21.97, Lon: 106.70}},
		From:      t0.Add(time.Hour), To: t0.Add(5 * time.Hour), Purpose: "Giám sát xe container quá cảnh"}
}

var duty = Actor{Username: "truc.ban", Name: "Trực ban"}

func kinds(es []Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Kind)
	}
	return out
}

// A mission starts by itself when its window opens and ends when it
// closes; the closing report can then still be written, once. Every
// change goes to the vehicle as a new revision.
func TestMissionWindowStartsAndEndsIt(t *testing.T) {
	s, c, out := newStore(t)
	m, err := s.Create(duty, draft())
	if err != nil {
		t.Fatal(err)
	}
	if m.State != protocol.MissionPlanned || m.Rev != 1 || len(m.Crew) != 2 || out.last().Rev != 1 {
		t.Fatalf("created %+v, sent %+v", m, out.last())
	}
	c.Advance(59 * time.Minute)
	if err := s.Tick(); err != nil {
		t.Fatal(err)
	}
	if m, _ = s.Get(m.ID); m.State != protocol.MissionPlanned {
		t.Fatalf("started before its window: %s", m.State)
	}
	c.Advance(time.Minute)
	if err := s.Tick(); err != nil {
		t.Fatal(err)
	}
	if m, _ = s.Get(m.ID); m.State != protocol.MissionActive || !m.Started.Equal(t0.Add(time.Hour)) || m.StartedBy != Auto.Name || out.last().State != protocol.MissionActive {
		t.Fatalf("at the window's start: %+v", m)
	}
	if _, err := s.Close(m.ID, duty, "  ", ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("report without a summary: %v", err)
	}
	c.Advance(4 * time.Hour)
	if err := s.Tick(); err != nil {
		t.Fatal(err)
	}
	if m, _ = s.Get(m.ID); m.State != protocol.MissionClosed || !m.Closed.Equal(m.To) || m.Report != nil {
		t.Fatalf("at the window's end: %+v", m)
	}
	if _, err := s.Start(m.ID, duty); !errors.Is(err, ErrState) {
		t.Fatalf("start a closed mission: %v", err)
	}
	m, err = s.Close(m.ID, Actor{Username: "to.truong", Name: "Tổ trưởng"}, "Không phát hiện vi phạm", "Xe 29C-123.45 dừng lâu tại Km 3")
	if err != nil || m.Report == nil || m.Report.By != "Tổ trưởng" || !m.Closed.Equal(m.To) {
		t.Fatalf("late report: %+v %v", m, err)
	}
	if _, err := s.Close(m.ID, duty, "lần hai", ""); !errors.Is(err, ErrState) {
		t.Fatalf("a second report: %v", err)
	}
	ev, _ := s.Events(m.ID)
	want := []string{"created", "sent", "started", "sent", "ended", "sent", "closed", "sent"}
	if got := kinds(ev); len(got) != len(want) {
		t.Fatalf("events %v, want %v", got, want)
	} else {
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("events %v, want %v", got, want)
			}
		}
	}
	if out.last().Rev != m.Rev || out.last().Report == nil {
		t.Fatalf("vehicle got %+v", out.last())
	}
}

// Started by hand before the window, closed early with a report;
// cancelled missions cannot be closed; bad drafts are refused.
func TestMissionByHand(t *testing.T) {
	s, c, _ := newStore(t)
	m, _ := s.Create(duty, draft())
	m, err := s.Start(m.ID, Actor{Username: "lanh.dao"})
	if err != nil || m.State != protocol.MissionActive || !m.ActiveAt(c.Now()) {
		t.Fatalf("start now: %+v %v", m, err)
	}
	c.Advance(30 * time.Minute)
	d := draft()
	d.Vehicle = "xe-02"
	if _, err := s.Update(m.ID, duty, d); !errors.Is(err, ErrState) {
		t.Fatalf("changed a running mission's vehicle: %v", err)
	}
	d = draft()
	d.To = t0.Add(6 * time.Hour)
	if m, err = s.Update(m.ID, duty, d); err != nil || !m.To.Equal(t0.Add(6*time.Hour)) {
		t.Fatalf("extend: %+v %v", m, err)
	}
	m, err = s.Close(m.ID, duty, "Hoàn thành sớm", "")
	if err != nil || m.State != protocol.MissionClosed || !m.Closed.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("close: %+v %v", m, err)
	}
	p, _ := s.Create(duty, draft())
	if p, err = s.Cancel(p.ID, duty, "Xe hỏng"); err != nil || p.State != protocol.MissionCancelled {
		t.Fatalf("cancel: %+v %v", p, err)
	}
	if _, err := s.Close(p.ID, duty, "x", ""); !errors.Is(err, ErrState) {
		t.Fatalf("closed a cancelled mission: %v", err)
	}
	for name, mut := range map[string]func(*Draft){
		"no purpose":   func(d *Draft) { d.Purpose = " " },
		"no site":      func(d *Draft) { d.Site, d.Waypoints = "", nil },
		"backwards":    func(d *Draft) { d.To = d.From },
		"past":         func(d *Draft) { d.From, d.To = t0.Add(-3*time.Hour), t0.Add(-2*time.Hour) },
		"bad vehicle":  func(d *Draft) { d.Vehicle = "Xe 1" },
		"bad waypoint": func(d *Draft) { d.Waypoints[0].Lat = 95 },
		"too long":     func(d *Draft) { d.To = d.From.Add(40 * 24 * time.Hour) },
		"no window":    func(d *Draft) { d.From = time.Time{} },
	} {
		d := draft()
		mut(&d)
		if _, err := s.Create(duty, d); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := s.Get("khong-co"); !errors.Is(err, ErrUnknown) {
		t.Fatal(err)
	}
}

func fix(at time.Time, lat, lon float64, cams ...string) *protocol.Telemetry {
	t := &protocol.Telemetry{Time: at, GPS: &protocol.GPSFix{Lat: lat, Lon: lon, SpeedKmh: 30, Time: at}}
	for _, c := range []string{"cam1", "cam2"} {
		on := false
		for _, x := range cams {
			on = on || x == c
		}
		t.Cameras = append(t.Cameras, protocol.CameraState{ID: c, State: "online", Publishing: on})
	}
	return t
}

// The track keeps a fix when the vehicle moved 10 m or 15 s passed, only
// while the mission runs; live streams starting and stopping go in the
// log; the merged log is in time order with instructions and reports.
func TestMissionTrackAndLog(t *testing.T) {
	s, c, _ := newStore(t)
	d := draft()
	d.From = t0
	s.Telemetry("xe-01", fix(t0.Add(-time.Second), 21.0, 106.0, "cam1")) // before: not on the track
	m, err := s.Create(duty, d)                                          // window open: starts at once
	if err != nil || m.State != protocol.MissionActive {
		t.Fatalf("%+v %v", m, err)
	}
	lat := 21.0
	step := 0.00002 // about 2.2 m of latitude
	for i := 1; i <= 20; i++ {
		c.Advance(time.Second)
		lat += step
		cams := []string{"cam1"}
		if i >= 5 && i < 12 {
			cams = append(cams, "cam2")
		}
		s.Telemetry("xe-01", fix(c.Now(), lat, 106.0, cams...))
		s.Telemetry("xe-02", fix(c.Now(), lat, 106.0)) // another vehicle: not on this track
	}
	c.Advance(20 * time.Second) // standing still: one fix after 15 s
	s.Telemetry("xe-01", fix(c.Now(), lat, 106.0, "cam1"))
	c.Advance(time.Second)
	s.Telemetry("xe-01", fix(c.Now(), lat, 106.0, "cam1"))
	track, err := s.Track(m.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 20 one-second steps of 2.2 m: the first fix, then one every 5 steps
	// (11 m: steps 6, 11, 16), then the one after 20 s standing still.
	if len(track) != 5 {
		t.Fatalf("track of %d points: %+v", len(track), track)
	}
	for i := 1; i < len(track); i++ {
		if gap, dist := track[i].Time.Sub(track[i-1].Time), Distance(track[i-1], track[i]); gap < 15*time.Second && dist < 10 {
			t.Fatalf("point %d kept after %v and %.1f m", i, gap, dist)
		}
	}
	ev, _ := s.Events(m.ID)
	starts, ends := 0, 0
	for _, e := range ev {
		if e.Kind == EventStreamStart {
			starts++
		}
		if e.Kind == EventStreamEnd && e.Text == "cam2" {
			ends++
		}
	}
	if starts != 2 || ends != 1 { // cam1 live at the start, cam2 from step 5 to 12
		t.Fatalf("stream events %v", ev)
	}
	m, _ = s.Close(m.ID, duty, "Xong", "")
	c.Advance(time.Minute)
	s.Telemetry("xe-01", fix(c.Now(), lat+1, 106.0, "cam1"))
	if after, _ := s.Track(m.ID); len(after) != len(track) {
		t.Fatal("the track grew after the mission closed")
	}
	ins := Entry{Time: t0.Add(3 * time.Second), Kind: EntryInstruction, Text: "Theo dõi xe 29C", Ref: "ins-1"}
	rep := Entry{Time: t0.Add(10 * time.Second), Kind: EntryReport, Text: "Nghi vấn", Ref: "rp-1"}
	ev, _ = s.Events(m.ID)
	log := Merge(ev, track, []Entry{rep, ins})
	for i := 1; i < len(log); i++ {
		if log[i].Time.Before(log[i-1].Time) {
			t.Fatalf("log out of order at %d: %+v", i, log)
		}
	}
	seen := map[string]int{}
	for _, e := range log {
		seen[e.Kind]++
	}
	if seen[EntryInstruction] != 1 || seen[EntryReport] != 1 || seen[EntryGPS] != 2 || seen[EventClosed] != 1 || seen[EventCreated] != 1 {
		t.Fatalf("log kinds %v", seen)
	}
	gj := GeoJSON(&m, track)
	coords := gj["geometry"].(map[string]any)["coordinates"].([][2]float64)
	if len(coords) != len(track) || coords[0][0] != 106.0 {
		t.Fatalf("geojson %v", gj)
	}
}

// A restarted hub keeps the open missions and ends them on time.
func TestMissionSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: t0}
	s, _ := New(db, Params{Now: c.Now})
	m, _ := s.Create(duty, draft())
	db.Close()
	db, err = store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err = New(db, Params{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(2 * time.Hour)
	if err := s.Tick(); err != nil {
		t.Fatal(err)
	}
	if m, _ = s.Get(m.ID); m.State != protocol.MissionActive {
		t.Fatalf("after restart: %+v", m)
	}
	c.Advance(4 * time.Hour)
	if err := s.Tick(); err != nil {
		t.Fatal(err)
	}
	if m, _ = s.Get(m.ID); m.State != protocol.MissionClosed || m.Started.IsZero() {
		t.Fatalf("after restart: %+v", m)
	}
}

// A planned mission moved to another vehicle is cancelled on the old one
// and sent to the new one; moved back, it reaches the first again. Each
// vehicle sees its revisions strictly increase, so none is taken for a
// duplicate and ignored.
func TestMissionMovesBetweenVehicles(t *testing.T) {
	s, _, out := newStore(t)
	m, err := s.Create(duty, draft())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"xe-02", "xe-01"} {
		d := draft()
		d.Vehicle = v
		if m, err = s.Update(m.ID, duty, d); err != nil || m.Vehicle != v || m.State != protocol.MissionPlanned {
			t.Fatalf("move to %s: %+v %v", v, m, err)
		}
	}
	last := map[string]protocol.Mission{}
	var got []string
	for _, msg := range out.list {
		if prev, ok := last[msg.Vehicle]; ok && msg.Rev <= prev.Rev {
			t.Errorf("%s got rev %d after rev %d: it would ignore it", msg.Vehicle, msg.Rev, prev.Rev)
		}
		last[msg.Vehicle] = msg
		got = append(got, msg.Vehicle+":"+msg.State)
	}
	want := "xe-01:planned xe-01:cancelled xe-02:planned xe-02:cancelled xe-01:planned"
	if strings.Join(got, " ") != want {
		t.Errorf("sent %s, want %s", strings.Join(got, " "), want)
	}
	if last["xe-02"].State != protocol.MissionCancelled || last["xe-01"].State != protocol.MissionPlanned {
		t.Errorf("the vehicles end with %+v", last)
	}
}
