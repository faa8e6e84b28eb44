package rules

import (
	"math"
	"testing"
	"time"

	"fieldwatch/protocol"
)

var (
	t0     = time.Date(2026, 12, 7, 9, 0, 0, 0, Zone)
	center = Point{21.9688, 106.7068}
	circle = &Geofence{Circle: &Circle{Center: center, RadiusM: 500}}
)

// north is the point m metres north of the centre (negative: south).
func north(m float64) Point { return Point{center[0] + m/(earthRadius*math.Pi/180), center[1]} }

// runner feeds events through Evaluate with a memory, as the hub does.
type runner struct {
	mem   MapMemory
	w     []Watch
	fired []Firing
	clock time.Time
}

func newRunner(w ...Watch) *runner { return &runner{mem: MapMemory{}, w: w, clock: t0} }

func (r *runner) event(ev Event) []Firing {
	r.clock = r.clock.Add(time.Second)
	if ev.At.IsZero() {
		ev.At = r.clock
	}
	out := Evaluate(r.mem, r.w, ev)
	for k, v := range out.Set {
		r.mem[k] = v
	}
	r.fired = append(r.fired, out.Fired...)
	return out.Fired
}

// drive sends fixes at metres north of the centre, accuracy acc.
func (r *runner) drive(vehicle string, acc float64, metres ...float64) {
	for _, m := range metres {
		p := north(m)
		r.event(Event{Vehicle: vehicle, Fix: &protocol.GPSFix{Lat: p[0], Lon: p[1], AccuracyM: acc}})
	}
}

func (r *runner) count(typ string) int {
	n := 0
	for _, f := range r.fired {
		if f.Type == typ {
			n++
		}
	}
	return n
}

func geoWatch() Watch {
	return Watch{Profile: "hs-1", Title: "Cửa khẩu", Scope: Scope{Vehicles: []string{"xe-01"}},
		Rules: []Rule{{ID: "vao", Type: GeofenceEnter, Geofence: circle}, {ID: "ra", Type: GeofenceLeave, Geofence: circle}}}
}

func TestGeofenceEnterLeaveOncePerCrossing(t *testing.T) {
	r := newRunner(geoWatch())
	// Approach from 2 km north, cross in, jitter ±15 m around the edge
	// from inside (inside the 25 m band), stay, then leave for real.
	r.drive("xe-01", 5, 2000, 1500, 1000, 700, 520, 480)
	if r.count(GeofenceEnter) != 0 {
		t.Fatalf("entered before reaching the area: %+v", r.fired)
	}
	r.drive("xe-01", 5, 400)
	if r.count(GeofenceEnter) != 1 {
		t.Fatalf("enter fired %d times, want 1", r.count(GeofenceEnter))
	}
	f := r.fired[0]
	if f.Vehicle != "xe-01" || f.Position == nil || f.Rule != "vao" || f.Message == "" {
		t.Fatalf("firing: %+v", f)
	}
	r.drive("xe-01", 5, 490, 510, 485, 515, 495, 505, 490, 512, 488) // jitter at the boundary
	if r.count(GeofenceEnter) != 1 || r.count(GeofenceLeave) != 0 {
		t.Fatalf("jitter re-fired: enter %d leave %d", r.count(GeofenceEnter), r.count(GeofenceLeave))
	}
	r.drive("xe-01", 5, 600, 900, 1500) // a real exit
	if r.count(GeofenceLeave) != 1 {
		t.Fatalf("leave fired %d times, want 1", r.count(GeofenceLeave))
	}
	r.drive("xe-01", 5, 520, 470, 300, 0) // re-entry after a real exit
	if r.count(GeofenceEnter) != 2 || r.count(GeofenceLeave) != 1 {
		t.Fatalf("re-entry: enter %d leave %d, want 2 and 1", r.count(GeofenceEnter), r.count(GeofenceLeave))
	}
}

func TestGeofenceBadAccuracyAndFirstFix(t *testing.T) {
	r := newRunner(geoWatch())
	r.drive("xe-01", 5, 0, 100) // the first fix is inside: side known, nobody saw a crossing
	if len(r.fired) != 0 {
		t.Fatalf("first fix inside fired: %+v", r.fired)
	}
	r.drive("xe-01", 200, 3000) // one wild fix with 200 m accuracy: ignored
	if len(r.fired) != 0 {
		t.Fatalf("a bad-accuracy fix fired: %+v", r.fired)
	}
	r.drive("xe-01", 5, 100)
	if len(r.fired) != 0 {
		t.Fatalf("back from a bad fix fired: %+v", r.fired)
	}
	// A fix of 40 m accuracy widens the band to 40 m: 530 m is not yet out.
	r.drive("xe-01", 40, 530)
	if len(r.fired) != 0 {
		t.Fatalf("inside the widened band fired: %+v", r.fired)
	}
	r.drive("xe-01", 40, 560)
	if r.count(GeofenceLeave) != 1 {
		t.Fatalf("leave %d, want 1", r.count(GeofenceLeave))
	}
	// Vehicles out of scope, and other fix kinds, never fire.
	r.drive("xe-09", 5, 3000, 0, 3000)
	if len(r.fired) != 1 {
		t.Fatalf("a vehicle out of scope fired: %+v", r.fired)
	}
}

func TestGeofencePolygon(t *testing.T) {
	// A square about 1 km wide around the centre.
	d := 500 / (earthRadius * math.Pi / 180)
	dl := d / math.Cos(rad(center[0]))
	sq := &Geofence{Polygon: []Point{{center[0] - d, center[1] - dl}, {center[0] - d, center[1] + dl}, {center[0] + d, center[1] + dl}, {center[0] + d, center[1] - dl}}}
	if err := sq.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		m, want float64
	}{{0, -500}, {400, -100}, {600, 100}, {-700, 200}} {
		if got := sq.Distance(north(c.m)); math.Abs(got-c.want) > 1 {
			t.Errorf("distance at %v m north: %.1f, want %.0f", c.m, got, c.want)
		}
	}
	w := geoWatch()
	w.Rules = []Rule{{ID: "vao", Type: GeofenceEnter, Geofence: sq, MarginM: 10}}
	r := newRunner(w)
	r.drive("xe-01", 3, 900, 700, 505, 495, 505, 495, 480, 300, 495, 505, 900, 480)
	if r.count(GeofenceEnter) != 2 {
		t.Fatalf("polygon enters %d, want 2 (in, out, in again)", r.count(GeofenceEnter))
	}
}

func TestCameraOfflineOncePerEpisode(t *testing.T) {
	w := Watch{Profile: "hs-2", Title: "Camera cổng", Scope: Scope{Cameras: []string{"xe-01/cam1"}},
		Rules: []Rule{{ID: "cam", Type: CameraOffline}}}
	r := newRunner(w)
	cams := func(c1, c2 string) Event {
		return Event{Vehicle: "xe-01", Cameras: []protocol.CameraState{{ID: "cam1", State: c1}, {ID: "cam2", State: c2}}}
	}
	r.event(cams(protocol.CameraOnline, protocol.CameraOffline)) // cam2 is not in scope
	r.event(cams(protocol.CameraOffline, protocol.CameraOffline))
	r.event(cams(protocol.CameraError, protocol.CameraOffline)) // still down: same episode
	if r.count(CameraOffline) != 1 || r.fired[0].Camera != "cam1" {
		t.Fatalf("fired %+v, want one for cam1", r.fired)
	}
	r.event(cams(protocol.CameraOnline, protocol.CameraOnline))
	r.event(Event{Vehicle: "xe-01", LinkDown: true, Cameras: []protocol.CameraState{{ID: "cam1", State: protocol.CameraOffline}, {ID: "cam2", State: protocol.CameraOffline}}})
	r.event(cams(protocol.CameraOffline, protocol.CameraOnline)) // the same episode seen by telemetry
	if r.count(CameraOffline) != 2 {
		t.Fatalf("back and down again: %d firings, want 2", r.count(CameraOffline))
	}
	if r.fired[0].Cause == r.fired[1].Cause {
		t.Fatalf("two episodes share a cause: %s", r.fired[0].Cause)
	}
}

func TestReportMatch(t *testing.T) {
	w := Watch{Profile: "hs-3", Title: "Doanh nghiệp", Scope: Scope{Vehicles: []string{"xe-05"}, Plates: []string{"29C-123.45"},
		Enterprises: []string{"Công ty TNHH Thương mại Hoàng Long"}, Keywords: []string{"hàng cấm"}}, Rules: []Rule{{ID: "bc", Type: ReportMatch}}}
	for _, c := range []struct {
		rep  Report
		want bool
	}{
		{Report{ID: "1", Text: "Xe biển 29c 12345 dừng lâu"}, true},
		{Report{ID: "2", Text: "XE CUA CONG TY TNHH THUONG MAI HOANG LONG"}, true},
		{Report{ID: "3", Text: "Nghi vấn HÀNG CẤM trong container"}, true},
		{Report{ID: "4", Vehicle: "xe-05", Text: "Không có gì"}, true},
		{Report{ID: "5", Text: "Hoàng Long Phát, hàng cấp phép", Vehicle: "xe-01"}, false},
		{Report{ID: "6", Text: "29C-123.46"}, false},
	} {
		r := newRunner(w)
		r.event(Event{Report: &c.rep})
		r.event(Event{Report: &c.rep}) // the same report again: the caller's cause key drops it
		if got := r.count(ReportMatch) > 0; got != c.want {
			t.Errorf("report %q: fired %v, want %v", c.rep.Text, got, c.want)
		}
		if c.want && (r.fired[0].Cause != "report/"+c.rep.ID || r.fired[0].Key() != r.fired[1].Key()) {
			t.Errorf("report %s: cause %q, keys %q %q", c.rep.ID, r.fired[0].Cause, r.fired[0].Key(), r.fired[1].Key())
		}
	}
	if Fold("Đồng Đăng – ĐỒNG ĐĂNG") != "dong dang dong dang" {
		t.Fatalf("fold: %q", Fold("Đồng Đăng – ĐỒNG ĐĂNG"))
	}
}

func TestWindowOpenEachDayOnce(t *testing.T) {
	w := Watch{Profile: "hs-4", Title: "Ban đêm", Window: Window{From: t0, Daily: &Daily{Start: "20:00", End: "06:00"}},
		Rules: []Rule{{ID: "mo", Type: WindowOpen}}}
	r := newRunner(w)
	// Tick every minute for three days.
	for at := t0; at.Before(t0.Add(72 * time.Hour)); at = at.Add(time.Minute) {
		r.event(Event{At: at})
	}
	if r.count(WindowOpen) != 3 {
		t.Fatalf("window opened %d times in 3 days, want 3: %+v", r.count(WindowOpen), r.fired)
	}
	for i, f := range r.fired {
		want := time.Date(2026, 12, 7+i, 20, 0, 0, 0, Zone)
		if f.Cause != "window/"+want.UTC().Format(time.RFC3339) || !f.At.Equal(want) {
			t.Errorf("opening %d: %s at %s, want %s", i, f.Cause, f.At, want)
		}
	}
}

func TestNothingFiresOutsideWindow(t *testing.T) {
	w := geoWatch()
	w.Window = Window{Daily: &Daily{Start: "20:00", End: "06:00"}} // t0 is 09:00
	r := newRunner(w)
	r.drive("xe-01", 5, 2000, 0, 2000) // in and out during the day
	if len(r.fired) != 0 {
		t.Fatalf("fired outside the window: %+v", r.fired)
	}
	r.clock = time.Date(2026, 12, 7, 21, 0, 0, 0, Zone)
	r.drive("xe-01", 5, 0)
	if r.count(GeofenceEnter) != 1 {
		t.Fatalf("enter in the window: %d, want 1", r.count(GeofenceEnter))
	}
}

func TestWindowOccurrence(t *testing.T) {
	w := Window{From: time.Date(2026, 12, 7, 22, 0, 0, 0, Zone), To: time.Date(2026, 12, 9, 0, 0, 0, 0, Zone), Daily: &Daily{Start: "20:00", End: "06:00"}}
	for _, c := range []struct {
		at   time.Time
		want time.Time
		ok   bool
	}{
		{time.Date(2026, 12, 7, 21, 0, 0, 0, Zone), time.Time{}, false}, // before From
		{time.Date(2026, 12, 7, 23, 0, 0, 0, Zone), w.From, true},       // From opens it late
		{time.Date(2026, 12, 8, 5, 59, 0, 0, Zone), w.From, true},
		{time.Date(2026, 12, 8, 6, 0, 0, 0, Zone), time.Time{}, false},
		{time.Date(2026, 12, 8, 20, 0, 0, 0, Zone), time.Date(2026, 12, 8, 20, 0, 0, 0, Zone), true},
		{time.Date(2026, 12, 9, 1, 0, 0, 0, Zone), time.Time{}, false}, // after To
	} {
		got, ok := w.Occurrence(c.at)
		if ok != c.ok || !got.Equal(c.want) {
			t.Errorf("at %s: %s %v, want %s %v", c.at, got, ok, c.want, c.ok)
		}
	}
}
