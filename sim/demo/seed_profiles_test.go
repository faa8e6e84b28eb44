package demo

import (
	"testing"
	"time"

	"fieldwatch/hub/profiles"
	"fieldwatch/hub/rules"
	"fieldwatch/sim/gps"
)

// The seeded profile is valid, and xe-01 driving its simulated route
// (1 Hz fixes over two hours of a fake clock) enters and leaves the gate
// area once per round trip: the demo raises real alerts.
func TestSeededProfileFiresOnTheDemoRoute(t *testing.T) {
	start := time.Date(2026, 12, 7, 8, 0, 0, 0, rules.Zone)
	spec, err := demoProfileSpec([]string{"xe-01"}, start).Normalize()
	if err != nil {
		t.Fatalf("the seeded profile does not validate: %v", err)
	}
	p := profiles.Profile{ID: "hs-demo", Spec: spec}
	watches := []rules.Watch{p.Watch()}
	route := gps.Route(0)
	mem := rules.MapMemory{}
	count := map[string]int{}
	for at := start; at.Before(start.Add(2 * time.Hour)); at = at.Add(time.Second) {
		fix := route.At(at)
		out := rules.Evaluate(mem, watches, rules.Event{At: at, Vehicle: "xe-01", Fix: &fix})
		for k, v := range out.Set {
			mem[k] = v
		}
		for _, f := range out.Fired {
			count[f.Type]++
		}
	}
	// A round trip of the 14 km route takes about 37 minutes.
	if count[rules.GeofenceEnter] < 2 || count[rules.GeofenceEnter] > 4 || count[rules.GeofenceLeave] < 2 || count[rules.GeofenceLeave] > 4 {
		t.Fatalf("two hours on the route: %v, want 2–4 enters and leaves", count)
	}
}
