package gps

import (
	"testing"
	"time"
)

func TestTracksStayOnRouteAtPlausibleSpeed(t *testing.T) {
	start := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	for i := range len(routes) + 1 {
		tr := Route(i)
		minLat, maxLat, minLon, maxLon := 90.0, -90.0, 180.0, -180.0
		for _, p := range tr.r.points {
			minLat, maxLat = min(minLat, p.lat), max(maxLat, p.lat)
			minLon, maxLon = min(minLon, p.lon), max(maxLon, p.lon)
		}
		prev := tr.At(start)
		for s := 1; s <= 3*3600; s++ {
			fix := tr.At(start.Add(time.Duration(s) * time.Second))
			if fix.Lat < minLat-1e-9 || fix.Lat > maxLat+1e-9 || fix.Lon < minLon-1e-9 || fix.Lon > maxLon+1e-9 {
				t.Fatalf("%s: %v,%v off the route's box", tr.Name(), fix.Lat, fix.Lon)
			}
			if fix.SpeedKmh < 30 || fix.SpeedKmh > 60 || fix.Heading < 0 || fix.Heading >= 360 {
				t.Fatalf("%s: speed %v heading %v", tr.Name(), fix.SpeedKmh, fix.Heading)
			}
			// One second of driving covers at most 60 km/h (+ turn-around slack).
			if d := distance(waypoint{prev.Lat, prev.Lon}, waypoint{fix.Lat, fix.Lon}); d > 17.5 {
				t.Fatalf("%s: jumped %.1f m in one second", tr.Name(), d)
			}
			prev = fix
		}
		if a, b := tr.At(start), tr.At(start); a != b {
			t.Fatalf("%s: not deterministic", tr.Name())
		}
	}
}
