package profiles

import (
	"errors"
	"math"
	"testing"
	"time"

	"fieldwatch/hub/rules"
	"fieldwatch/hub/store"
	"fieldwatch/protocol"
)

var (
	t0   = time.Date(2026, 12, 7, 9, 0, 0, 0, rules.Zone)
	gate = rules.Point{21.9688, 106.7068}
)

// clock is a fake clock tests move by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func openDB(t *testing.T, dir string) *store.DB {
	db, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func gateSpec(title string) Spec {
	return Spec{Title: title, Content: "Giám sát xe ra vào khu vực cửa khẩu", Requirements: "Báo ngay lãnh đạo",
		Scope:  Scope{Scope: rules.Scope{Vehicles: []string{"xe-01"}}, Sites: []string{"Cửa khẩu Hữu Nghị"}},
		Rules:  []rules.Rule{{ID: "vao", Type: rules.GeofenceEnter, Geofence: &rules.Geofence{Circle: &rules.Circle{Center: gate, RadiusM: 500}}}},
		Window: rules.Window{From: t0.Add(-time.Hour)}, Watchers: []string{"giamsat"}}
}

// track drives xe-01 from 2 km north through the gate area and out again,
// one fix a second, and returns the alerts raised.
func track(t *testing.T, s *Store, a *Alerts, c *clock) []Alert {
	t.Helper()
	var all []Alert
	for _, m := range []float64{2000, 1200, 700, 530, 470, 300, 0, 300, 700, 2000} {
		c.t = c.t.Add(time.Second)
		in, err := s.InForce(c.t)
		if err != nil {
			t.Fatal(err)
		}
		var ws []rules.Watch
		for _, p := range in {
			ws = append(ws, p.Watch())
		}
		fix := &protocol.GPSFix{Lat: gate[0] + m/(6371000*math.Pi/180), Lon: gate[1], AccuracyM: 5}
		got, err := a.Process(ws, rules.Event{At: c.t, Vehicle: "xe-01", Fix: fix}, nil)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, got...)
	}
	return all
}

// A draft, a submitted and a rejected profile have no effect; once a
// leader approves it, the same track raises one alert; the author may not
// approve their own profile.
func TestApprovalGatesAlerts(t *testing.T) {
	c := &clock{t0}
	db := openDB(t, t.TempDir())
	defer db.Close()
	s, a := New(db, c.now), must(OpenAlerts(db, c.now))
	p, err := s.Create("cc-huu-nghi", "giamsat", gateSpec("Khu vực cửa khẩu"))
	if err != nil {
		t.Fatal(err)
	}
	if got := track(t, s, a, c); len(got) != 0 {
		t.Fatalf("a draft raised %d alerts", len(got))
	}
	if _, err := s.Decide(p.ID, "lanhdao", true, ""); !errors.Is(err, ErrState) {
		t.Fatalf("deciding a draft: %v, want ErrState", err)
	}
	if _, err := s.Submit(p.ID, "giamsat"); err != nil {
		t.Fatal(err)
	}
	if got := track(t, s, a, c); len(got) != 0 {
		t.Fatalf("a submitted profile raised %d alerts", len(got))
	}
	if _, err := s.Decide(p.ID, "giamsat", true, ""); !errors.Is(err, ErrOwn) {
		t.Fatalf("the author approving: %v, want ErrOwn", err)
	}
	if p, err = s.Decide(p.ID, "lanhdao", false, "Phạm vi chưa rõ"); err != nil || p.State != StateRejected {
		t.Fatalf("reject: %v %s", err, p.State)
	}
	if got := track(t, s, a, c); len(got) != 0 {
		t.Fatalf("a rejected profile raised %d alerts", len(got))
	}
	// Mended, submitted again, approved: now it fires, once per crossing.
	if _, err = s.Edit(p.ID, "giamsat", gateSpec("Khu vực cửa khẩu (sửa)")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(p.ID, "giamsat"); err != nil {
		t.Fatal(err)
	}
	if p, err = s.Decide(p.ID, "lanhdao", true, "Đồng ý"); err != nil || p.State != StateApproved || p.DecidedBy != "lanhdao" {
		t.Fatalf("approve: %v %+v", err, p)
	}
	got := track(t, s, a, c)
	if len(got) != 1 || got[0].Profile != p.ID || got[0].Rule != "vao" || got[0].State != AlertOpen {
		t.Fatalf("approved profile raised %+v, want one enter", got)
	}
	if n := len(p.History); n != 6 || p.History[n-1].Action != "approved" || p.History[n-1].Note != "Đồng ý" {
		t.Fatalf("history: %+v", p.History)
	}
	// Closed: no effect.
	if _, err := s.Close(p.ID, "giamsat", "Hết nhiệm vụ"); err != nil {
		t.Fatal(err)
	}
	if got := track(t, s, a, c); len(got) != 0 {
		t.Fatalf("a closed profile raised %d alerts", len(got))
	}
}

// An edit of an approved profile is a pending revision: the approved
// revision stays in force until a leader approves the edit; a rejected
// revision never takes effect.
func TestRevisionHasNoEffectUntilApproved(t *testing.T) {
	c := &clock{t0}
	db := openDB(t, t.TempDir())
	defer db.Close()
	s, a := New(db, c.now), must(OpenAlerts(db, c.now))
	spec := gateSpec("Cửa khẩu")
	spec.Scope.Vehicles = []string{"xe-02"} // approved: watches xe-02 only
	p := must(s.Create("cc-huu-nghi", "giamsat", spec))
	must(s.Submit(p.ID, "giamsat"))
	must(s.Decide(p.ID, "lanhdao", true, ""))
	revised := gateSpec("Cửa khẩu, thêm xe-01") // the revision watches xe-01
	p = must(s.Edit(p.ID, "giamsat", revised))
	if p.State != StateApproved || p.Pending == nil || p.Revision != 1 || p.Spec.Scope.Vehicles[0] != "xe-02" {
		t.Fatalf("after a proposed revision: %+v", p)
	}
	if got := track(t, s, a, c); len(got) != 0 {
		t.Fatalf("a pending revision took effect: %+v", got)
	}
	if p = must(s.Decide(p.ID, "lanhdao", false, "Không")); p.Pending != nil || p.Spec.Scope.Vehicles[0] != "xe-02" {
		t.Fatalf("after rejecting the revision: %+v", p)
	}
	if got := track(t, s, a, c); len(got) != 0 {
		t.Fatalf("a rejected revision took effect: %+v", got)
	}
	p = must(s.Edit(p.ID, "truongca", revised))
	if _, err := s.Decide(p.ID, "truongca", true, ""); !errors.Is(err, ErrOwn) {
		t.Fatalf("the revision's author approving: %v", err)
	}
	if p = must(s.Decide(p.ID, "lanhdao", true, "")); p.Revision != 2 || p.Spec.Scope.Vehicles[0] != "xe-01" {
		t.Fatalf("after approving the revision: %+v", p)
	}
	if got := track(t, s, a, c); len(got) != 1 {
		t.Fatalf("approved revision raised %d alerts, want 1", len(got))
	}
}

// A restart of the store and the engine never re-raises a cause: the side
// of the geofence and the causes alerted are on disk.
func TestRestartDoesNotRefire(t *testing.T) {
	c := &clock{t0}
	dir := t.TempDir()
	db := openDB(t, dir)
	s, a := New(db, c.now), must(OpenAlerts(db, c.now))
	spec := gateSpec("Cửa khẩu")
	spec.Scope.Keywords = []string{"hàng cấm"}
	spec.Rules = append(spec.Rules, rules.Rule{ID: "bc", Type: rules.ReportMatch})
	p := must(s.Create("cc-huu-nghi", "giamsat", spec))
	must(s.Submit(p.ID, "giamsat"))
	must(s.Decide(p.ID, "lanhdao", true, ""))
	ws := []rules.Watch{p.Watch()}
	rep := rules.Event{At: c.t, Report: &rules.Report{ID: "bc-1", Text: "Nghi HÀNG CẤM"}}
	inside := rules.Event{At: c.t, Vehicle: "xe-01", Fix: &protocol.GPSFix{Lat: gate[0], Lon: gate[1], AccuracyM: 5}}
	outside := inside
	outside.Fix = &protocol.GPSFix{Lat: gate[0] + 0.02, Lon: gate[1], AccuracyM: 5}
	must(a.Process(ws, outside, nil))
	if got := must(a.Process(ws, inside, nil)); len(got) != 1 {
		t.Fatalf("enter: %+v", got)
	}
	if got := must(a.Process(ws, rep, nil)); len(got) != 1 || got[0].Report != "bc-1" {
		t.Fatalf("report: %+v", got)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDB(t, dir)
	defer db.Close()
	a = must(OpenAlerts(db, c.now))
	for _, ev := range []rules.Event{inside, rep, inside} {
		ev.At = ev.At.Add(time.Minute)
		if got := must(a.Process(ws, ev, nil)); len(got) != 0 {
			t.Fatalf("after a restart, %+v raised %+v", ev, got)
		}
	}
	list := must(a.List(nil, 0))
	if len(list) != 2 {
		t.Fatalf("%d alerts stored, want 2", len(list))
	}
	// Acknowledge, then resolve with a note (a note is required).
	al := must(a.Acknowledge(list[0].ID, "giamsat"))
	if al.State != AlertAcknowledged || al.AckBy != "giamsat" {
		t.Fatalf("ack: %+v", al)
	}
	if _, err := a.Acknowledge(al.ID, "giamsat"); !errors.Is(err, ErrAlertState) {
		t.Fatalf("second ack: %v", err)
	}
	if _, err := a.Resolve(al.ID, "giamsat", "  "); !errors.Is(err, ErrInvalid) {
		t.Fatalf("resolve without a note: %v", err)
	}
	if al = must(a.Resolve(al.ID, "giamsat", "Đã kiểm tra, xe của đơn vị")); al.State != AlertResolved || al.Note == "" {
		t.Fatalf("resolve: %+v", al)
	}
}

func TestSpecValidation(t *testing.T) {
	for name, mutate := range map[string]func(*Spec){
		"no title":        func(s *Spec) { s.Title = " " },
		"nobody watches":  func(s *Spec) { s.Watchers, s.WatchOnDuty = nil, false },
		"bad camera":      func(s *Spec) { s.Scope.Cameras = []string{"cam1"} },
		"no vehicles":     func(s *Spec) { s.Scope.Vehicles = nil },
		"rule id twice":   func(s *Spec) { s.Rules = append(s.Rules, s.Rules[0]) },
		"unknown rule":    func(s *Spec) { s.Rules[0].Type = "teleport" },
		"bad daily hours": func(s *Spec) { s.Window.Daily = &rules.Daily{Start: "25:00", End: "06:00"} },
		"window reversed": func(s *Spec) { s.Window.To = s.Window.From.Add(-time.Hour) },
	} {
		s := gateSpec("x")
		mutate(&s)
		if _, err := s.Normalize(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
