package gps

import (
	"math"
	"testing"
	"time"
)

func TestTracksStayOnRouteAtPlausibleSpeed(t *testing.T) {
	start := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	for i := -1; i <= len(routes); i++ {
		tr := Route(i)
		minLat, maxLat, minLon, maxLon := 90.0, -90.0, 180.0, -180.0
		for _, p := range tr.r.points {
			minLat, maxLat = min(minLat, p.lat), max(maxLat, p.lat)
			minLon, maxLon = min(minLon, p.lon), max(maxLon, p.lon)
		}
		prev := tr.At(start)
		checked := 0
		for s := 1; s <= 3*3600; s++ {
			fix := tr.At(start.Add(time.Duration(s) * time.Second))
			if err := fix.Validate(); err != nil {
				t.Fatalf("%s: invalid fix: %v", tr.Name(), err)
			}
			if fix.Lat < minLat-1e-9 || fix.Lat > maxLat+1e-9 || fix.Lon < minLon-1e-9 || fix.Lon > maxLon+1e-9 {
				t.Fatalf("%s: %v,%v off the route's box", tr.Name(), fix.Lat, fix.Lon)
			}
			if fix.SpeedKmh < 30 || fix.SpeedKmh > 60 {
				t.Fatalf("%s: speed %v km/h", tr.Name(), fix.SpeedKmh)
			}
			moved := distance(waypoint{prev.Lat, prev.Lon}, waypoint{fix.Lat, fix.Lon})
			if moved > 60/3.6+0.5 {
				t.Fatalf("%s: jumped %.1f m in one second", tr.Name(), moved)
			}
			// On a straight stretch (same heading at both ends of the second),
			// the motion matches the reported heading and speed.
			if prev.Heading == fix.Heading {
				course := bearing(waypoint{prev.Lat, prev.Lon}, waypoint{fix.Lat, fix.Lon})
				if diff := math.Abs(math.Mod(course-fix.Heading+540, 360) - 180); diff > 1 {
					t.Fatalf("%s at %ds: moving %.1f°, heading says %.1f°", tr.Name(), s, course, fix.Heading)
				}
				if avg := (prev.SpeedKmh + fix.SpeedKmh) / 2 / 3.6; math.Abs(moved-avg) > 0.1 {
					t.Fatalf("%s at %ds: moved %.2f m, speed says %.2f m", tr.Name(), s, moved, avg)
				}
				checked++
			}
			prev = fix
		}
		if checked < 3*3600*9/10 {
			t.Fatalf("%s: only %d straight seconds checked", tr.Name(), checked)
		}
		at := start.Add(1234 * time.Second)
		if a, b := tr.At(at), Route(i).At(at); a != b {
			t.Fatalf("%s: not deterministic: %+v %+v", tr.Name(), a, b)
		}
	}
}

func TestVehiclesOnOneRouteDiffer(t *testing.T) {
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	a, b := Route(0), Route(len(routes))
	if a.Name() != b.Name() || a.At(now) == b.At(now) {
		t.Fatalf("%s and %s at the same place", a.Name(), b.Name())
	}
	if Route(0).At(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)).Validate() != nil {
		t.Fatal("a time before the epoch gives an invalid fix")
	}
}
