package rules

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"fieldwatch/protocol"
)

// Rules come from outside (the console's geofence editor): whatever the
// JSON, decoding and validation never panic, and a rule that validates
// gives finite distances and evaluates without panicking.
func FuzzRuleJSON(f *testing.F) {
	for _, s := range []string{
		`{"id":"vao","type":"geofence_enter","geofence":{"circle":{"center":[21.9688,106.7068],"radius_m":800}}}`,
		`{"id":"ra","type":"geofence_leave","margin_m":30,"max_accuracy_m":40,"geofence":{"polygon":[[21.96,106.70],[21.96,106.71],[21.97,106.71],[21.97,106.70]]}}`,
		`{"id":"x","type":"geofence_enter","geofence":{"polygon":[[0,0],[0,0],[0,0]]}}`,
		`{"id":"x","type":"geofence_enter","geofence":{"polygon":[[89.9,179.9],[-89.9,-179.9],[0,1e308]]}}`,
		`{"id":"c","type":"camera_offline"}`, `{"id":"w","type":"window_open"}`, `{"id":"r","type":"report_match"}`,
		`{"id":"x","type":"geofence_enter","geofence":{"circle":{"center":[91,0],"radius_m":-1}}}`,
	} {
		f.Add([]byte(s))
	}
	scope := Scope{Vehicles: []string{"xe-01"}, Cameras: []string{"xe-01/cam1"}, Keywords: []string{"x"}}
	win := Window{From: time.Date(2026, 1, 1, 0, 0, 0, 0, Zone)}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		var r Rule
		if dec.Decode(&r) != nil || r.Validate(scope, win) != nil {
			return
		}
		if r.Geofence != nil {
			for _, p := range []Point{{21.9688, 106.7068}, {0, 0}, {-89, 179}, {89, -179}} {
				if d := r.Geofence.Distance(p); math.IsNaN(d) || math.IsInf(d, 0) {
					t.Fatalf("distance %v at %v for %s", d, p, data)
				}
			}
		}
		w := Watch{Profile: "p", Scope: scope, Window: win, Rules: []Rule{r}}
		mem := MapMemory{}
		for i, m := range []float64{0, 5000, 0} {
			ev := Event{At: win.From.Add(time.Duration(i) * time.Second), Vehicle: "xe-01",
				Fix: &protocol.GPSFix{Lat: 21.9688 + m/111195, Lon: 106.7068, AccuracyM: 5}}
			out := Evaluate(mem, []Watch{w}, ev)
			for k, v := range out.Set {
				mem[k] = v
			}
		}
	})
}
