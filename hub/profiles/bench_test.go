package profiles

import (
	"fmt"
	"math"
	"testing"
	"time"

	"fieldwatch/hub/rules"
	"fieldwatch/hub/store"
	"fieldwatch/protocol"
)

// BenchmarkTelemetryEvent is what the hub does with one vehicle's
// telemetry: read the profiles in force (50 approved, each with a geofence
// and a camera rule over 4 of 100 vehicles) and evaluate the event, writing
// the vehicle's new side of a fence when it crosses one.
func BenchmarkTelemetryEvent(b *testing.B) {
	db, err := openBenchDB(b)
	if err != nil {
		b.Fatal(err)
	}
	c := &clock{t: t0}
	s := New(db, c.now)
	a, err := OpenAlerts(db, c.now)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 50 {
		spec := gateSpec(fmt.Sprintf("Hồ sơ %02d", i))
		spec.Scope.Vehicles = nil
		for k := range 4 {
			spec.Scope.Vehicles = append(spec.Scope.Vehicles, fmt.Sprintf("xe-%02d", (i*4+k)%100+1))
		}
		spec.Rules = append(spec.Rules, rules.Rule{ID: "cam", Type: rules.CameraOffline})
		p, err := s.Create("cc-a", "giamsat", spec)
		if err == nil {
			_, err = s.Submit(p.ID, "giamsat")
		}
		if err == nil {
			_, err = s.Decide(p.ID, "lanhdao", true, "")
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	cams := []protocol.CameraState{{ID: "cam1", State: protocol.CameraOnline}, {ID: "cam2", State: protocol.CameraOnline}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		c.t = c.t.Add(10 * time.Millisecond)
		in, err := s.InForce(c.t)
		if err != nil {
			b.Fatal(err)
		}
		ws := make([]rules.Watch, 0, len(in))
		for _, p := range in {
			ws = append(ws, p.Watch())
		}
		m := 2000 * math.Sin(float64(i)/50) // in and out of the gate area
		fix := &protocol.GPSFix{Lat: gate[0] + m/(6371000*math.Pi/180), Lon: gate[1], AccuracyM: 5}
		ev := rules.Event{At: c.t, Vehicle: fmt.Sprintf("xe-%02d", i%100+1), Fix: fix, Cameras: cams}
		if _, err := a.Process(ws, ev, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func openBenchDB(b *testing.B) (*store.DB, error) {
	db, err := store.Open(b.TempDir(), nil)
	if err == nil {
		b.Cleanup(func() { db.Close() })
	}
	return db, err
}
