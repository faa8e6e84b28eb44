package watch

import (
	"math/rand/v2"
	"testing"
	"time"
)

var t0 = time.Date(2027, 3, 1, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func iv(a, b float64) Interval { return Interval{at(a), at(b)} }

var (
	cam1 = CameraRef{"xe-01", "cam1"}
	cam2 = CameraRef{"xe-01", "cam2"}
	cam3 = CameraRef{"xe-02", "cam1"}
)

// checkPartition: for every camera, covered and uncovered are disjoint and
// make up exactly its scope.
func checkPartition(t *testing.T, c Coverage) {
	t.Helper()
	for _, cc := range c.Cameras {
		var unc []Interval
		for _, g := range cc.Uncovered {
			if g.Empty() {
				t.Fatalf("%s: empty gap %+v", cc.Camera, g)
			}
			unc = append(unc, g.Interval)
		}
		u := Union(unc...)
		if u.Duration() != func() (d time.Duration) {
			for _, i := range unc {
				d += i.Duration()
			}
			return
		}() {
			t.Fatalf("%s: uncovered gaps overlap: %+v", cc.Camera, cc.Uncovered)
		}
		if x := cc.Covered.And(u); len(x) != 0 {
			t.Fatalf("%s: covered and uncovered overlap at %+v", cc.Camera, x)
		}
		all := cc.Covered.Or(u)
		if len(all) != 1 || !all[0].From.Equal(cc.Scope.From) || !all[0].To.Equal(cc.Scope.To) {
			t.Fatalf("%s: covered ∪ uncovered = %+v, want scope %+v", cc.Camera, all, cc.Scope)
		}
	}
}

func TestCoverageReasons(t *testing.T) {
	shift := iv(0, 24)
	in := CoverageInput{
		Period:  shift,
		Cameras: []ScopeCamera{{Ref: cam1}, {Ref: cam2}, {Ref: cam3, Since: at(6)}},
		Assignments: []Planned{
			{Assignment: Assignment{Officer: "gs1", From: at(0), To: at(24), Created: at(-1)}, Cameras: []CameraRef{cam1}},
			{Assignment: Assignment{Officer: "gs2", From: at(0), To: at(12), Created: at(-1)}, Cameras: []CameraRef{cam2}},
		},
		// gs1 swapped out 10:00–14:00 (hours 2–6 of the shift); gs2 on all day.
		Duty: map[string]Set{"gs1": Union(iv(0, 2), iv(6, 24)), "gs2": Union(iv(0, 24))},
	}
	c := Check(in)
	checkPartition(t, c)
	if len(c.Cameras) != 3 {
		t.Fatalf("cameras: %+v", c.Cameras)
	}
	c1, c2, c3 := c.Cameras[0], c.Cameras[1], c.Cameras[2]
	if len(c1.Uncovered) != 1 || c1.Uncovered[0].Reason != ReasonOffDuty || c1.Uncovered[0].Interval != iv(2, 6) ||
		len(c1.Uncovered[0].Officers) != 1 || c1.Uncovered[0].Officers[0] != "gs1" {
		t.Fatalf("cam1 with its officer swapped out: %+v", c1.Uncovered)
	}
	if len(c2.Uncovered) != 1 || c2.Uncovered[0].Reason != ReasonNoAssignment || c2.Uncovered[0].Interval != iv(12, 24) {
		t.Fatalf("cam2 assigned for half the shift: %+v", c2.Uncovered)
	}
	if c3.Scope != iv(6, 24) || len(c3.Uncovered) != 1 || c3.Uncovered[0].Reason != ReasonAddedLater || c3.Uncovered[0].Interval != iv(6, 24) {
		t.Fatalf("cam3 added mid-shift: scope %+v %+v", c3.Scope, c3.Uncovered)
	}
	s := c.Summary
	// covered: cam1 20 h of 24, cam2 12 of 24, cam3 0 of 18 → 32/66.
	if s.Cameras != 3 || s.FullyUncovered != 1 || s.FullyCovered != 0 || s.CoveredPercent != 48.48 {
		t.Fatalf("summary %+v", s)
	}
}

// A camera added mid-shift to a vehicle whose whole group is watched is
// covered from the moment it exists.
func TestCoverageNewCameraInWatchedGroup(t *testing.T) {
	c := Check(CoverageInput{Period: iv(0, 24), Cameras: []ScopeCamera{{Ref: cam2, Since: at(6)}},
		Assignments: []Planned{{Assignment: Assignment{Officer: "gs1", From: at(0), To: at(24), Created: at(-1)}, Cameras: []CameraRef{cam1, cam2}}},
		Duty:        map[string]Set{"gs1": Union(iv(0, 24))}})
	checkPartition(t, c)
	if cc := c.Cameras[0]; len(cc.Uncovered) != 0 || cc.Covered.Duration() != 18*time.Hour || c.Summary.CoveredPercent != 100 {
		t.Fatalf("%+v %+v", cc, c.Summary)
	}
}

// Random assignments and duty: covered ∪ uncovered = the camera's scope,
// disjoint; covered time is exactly assigned ∩ on duty.
func TestCoverageProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cams := []CameraRef{cam1, cam2, cam3}
	officers := []string{"a", "b", "c"}
	hour := func() float64 { return float64(r.IntN(30*4))/4 - 3 }
	for n := range 2000 {
		in := CoverageInput{Period: iv(0, 24), Duty: map[string]Set{}}
		for _, c := range cams {
			sc := ScopeCamera{Ref: c}
			if r.IntN(3) == 0 {
				sc.Since = at(hour())
			}
			in.Cameras = append(in.Cameras, sc)
		}
		for _, o := range officers {
			var parts []Interval
			for range r.IntN(4) {
				a, b := hour(), hour()
				parts = append(parts, iv(min(a, b), max(a, b)))
			}
			in.Duty[o] = Union(parts...)
		}
		for range r.IntN(6) {
			a, b := hour(), hour()
			p := Planned{Assignment: Assignment{Officer: officers[r.IntN(3)], From: at(min(a, b)), To: at(max(a, b)), Created: at(hour())}}
			for _, c := range cams {
				if r.IntN(2) == 0 {
					p.Cameras = append(p.Cameras, c)
				}
			}
			in.Assignments = append(in.Assignments, p)
		}
		c := Check(in)
		checkPartition(t, c)
		for _, cc := range c.Cameras {
			var want Set
			for _, a := range in.Assignments {
				for _, ref := range a.Cameras {
					if ref == cc.Camera {
						want = want.Or(Union(a.Period().Intersect(cc.Scope)).And(in.Duty[a.Officer]))
					}
				}
			}
			if want.Duration() != cc.Covered.Duration() || len(want.Minus(cc.Covered)) != 0 {
				t.Fatalf("case %d %s: covered %+v, want %+v", n, cc.Camera, cc.Covered, want)
			}
		}
	}
}

func TestSetOperations(t *testing.T) {
	s := Union(iv(5, 6), iv(0, 2), iv(1, 3), iv(3, 4))
	if len(s) != 2 || s[0] != iv(0, 4) || s[1] != iv(5, 6) {
		t.Fatalf("union %+v", s)
	}
	m := s.Minus(Union(iv(1, 2), iv(3.5, 5.5)))
	if len(m) != 3 || m[0] != iv(0, 1) || m[1] != iv(2, 3.5) || m[2] != iv(5.5, 6) {
		t.Fatalf("minus %+v", m)
	}
	a := s.And(Union(iv(3, 5.5)))
	if len(a) != 2 || a[0] != iv(3, 4) || a[1] != iv(5, 5.5) {
		t.Fatalf("and %+v", a)
	}
}

func TestShiftPeriod(t *testing.T) {
	zone := t0.Location()
	p, err := ShiftPeriod("2027-03-01", zone)
	if err != nil || p != iv(0, 24) {
		t.Fatalf("%+v %v", p, err)
	}
	if ShiftOf(at(23.5), zone) != "2027-03-01" || ShiftOf(at(24), zone) != "2027-03-02" {
		t.Fatal("shift of")
	}
	if _, err := ShiftPeriod("01/03/2027", zone); err == nil {
		t.Fatal("bad date accepted")
	}
}
