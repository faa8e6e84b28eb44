package calendar

import (
	"math"
	"testing"
	"time"
)

// instant is a JDE as a UTC time, to the second.
func instant(jde float64) time.Time {
	return time.Unix(int64(math.Round((utc(jde)-unixEpoch)*86400)), 0).UTC()
}

// Meeus, example 49.a: the new moon of February 1977 is JDE 2443192.65118.
func TestNewMoonMeeusExample(t *testing.T) {
	if got := newMoonJDE(-283); math.Abs(got-2443192.65118) > 0.00001 {
		t.Errorf("new moon k = -283: JDE %.5f, want 2443192.65118", got)
	}
}

// Published times (to the minute, UT) of new moons and of the sun reaching
// a solstice or an equinox; within a minute.
func TestPublishedInstants(t *testing.T) {
	moon := func(s string) float64 {
		tm, _ := time.Parse(time.DateTime, s)
		return newMoonJDE(newMoonIndex(float64(tm.Unix())/86400 + unixEpoch))
	}
	sun := func(lon float64, s string) float64 {
		tm, _ := time.Parse(time.DateTime, s)
		return sunAt(lon, float64(tm.Unix())/86400+unixEpoch)
	}
	for _, tc := range []struct {
		what string
		jde  float64
		want string
	}{
		{"new moon before Tết 2024", moon("2024-02-09 23:00:00"), "2024-02-09 22:59:00"},
		{"new moon of Tết 2025", moon("2025-01-29 12:36:00"), "2025-01-29 12:36:00"},
		{"new moon of Tết 2030 (23:07 in Vietnam)", moon("2030-02-02 16:07:00"), "2030-02-02 16:07:00"},
		{"winter solstice 2024", sun(270, "2024-12-21 00:00:00"), "2024-12-21 09:20:00"},
		{"March equinox 2025", sun(0, "2025-03-20 00:00:00"), "2025-03-20 09:01:00"},
		{"June solstice 2026", sun(90, "2026-06-21 00:00:00"), "2026-06-21 08:24:00"},
	} {
		want, _ := time.Parse(time.DateTime, tc.want)
		if got := instant(tc.jde); got.Sub(want).Abs() > time.Minute {
			t.Errorf("%s: %s, want %s", tc.what, got.Format(time.DateTime), tc.want)
		}
	}
}

func TestDeltaT(t *testing.T) {
	for _, tc := range []struct{ year, want, tol float64 }{
		{1900, -2.8, 1}, {1950, 29.1, 1}, {1975, 45.5, 1}, {2000, 63.9, 0.5}, {2025, 69.2, 6},
	} {
		if got := deltaT(tc.year); math.Abs(got-tc.want) > tc.tol {
			t.Errorf("ΔT(%v) = %.1f s, want %.1f ± %v", tc.year, got, tc.want, tc.tol)
		}
	}
}
