package watch

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"fieldwatch/hub/fleet"
)

// Every group goes to someone when there is at least one officer, each
// exactly once; camera loads differ by at most the largest group.
func TestSpreadCoversEveryGroupEvenly(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := range 500 {
		var groups []Load
		largest := 0
		for i := range 1 + r.IntN(12) {
			g := Load{Group: fmt.Sprintf("g%02d", i), Cameras: 1 + r.IntN(8)}
			largest = max(largest, g.Cameras)
			groups = append(groups, g)
		}
		var officers []string
		for i := range 1 + r.IntN(5) {
			officers = append(officers, fmt.Sprintf("gs%d", i))
		}
		got := Spread(groups, officers)
		seen := map[string]int{}
		loads := map[string]int{}
		for o, gs := range got {
			if !slices.Contains(officers, o) {
				t.Fatalf("case %d: unknown officer %s", n, o)
			}
			for _, g := range gs {
				seen[g]++
				loads[o] += groups[slices.IndexFunc(groups, func(l Load) bool { return l.Group == g })].Cameras
			}
		}
		for _, g := range groups {
			if seen[g.Group] != 1 {
				t.Fatalf("case %d: group %s assigned %d times", n, g.Group, seen[g.Group])
			}
		}
		lo, hi := 1<<30, 0
		for _, o := range officers {
			lo, hi = min(lo, loads[o]), max(hi, loads[o])
		}
		if len(groups) >= len(officers) && hi-lo > largest {
			t.Fatalf("case %d: loads %v differ by more than the largest group %d", n, loads, largest)
		}
	}
}

func TestSpreadEqualGroups(t *testing.T) {
	var groups []Load
	for i := range 6 {
		groups = append(groups, Load{Group: fmt.Sprint(i), Cameras: 2})
	}
	got := Spread(groups, []string{"b", "a", "c"})
	for _, o := range []string{"a", "b", "c"} {
		if len(got[o]) != 2 {
			t.Fatalf("uneven spread of equal groups: %v", got)
		}
	}
	if len(Spread(groups, nil)) != 0 {
		t.Fatal("groups spread over nobody")
	}
}

func TestResolveFollowsFleet(t *testing.T) {
	vehicles := []fleet.Vehicle{
		{ID: "xe-01", Unit: "cc-a", Cameras: []fleet.Camera{{ID: "cam1"}, {ID: "cam2"}}},
		{ID: "xe-02", Unit: "doi-a", Cameras: []fleet.Camera{{ID: "cam1"}}},
		{ID: "xe-03", Unit: "cc-b", Cameras: []fleet.Camera{{ID: "cam1"}}},
	}
	within := func(u, anc string) bool { return u == anc || u == "doi-a" && anc == "cc-a" }
	g := Group{Members: []Member{{Kind: MemberCamera, Vehicle: "xe-03", Camera: "cam1"}, {Kind: MemberUnit, Unit: "cc-a"},
		{Kind: MemberVehicle, Vehicle: "xe-01"}, {Kind: MemberCamera, Vehicle: "xe-03", Camera: "gone"}}}
	got := Resolve(g, vehicles, within)
	want := []CameraRef{{"xe-03", "cam1"}, {"xe-01", "cam1"}, {"xe-01", "cam2"}, {"xe-02", "cam1"}}
	if !slices.Equal(got, want) {
		t.Fatalf("resolve: %v, want %v", got, want)
	}
	vehicles[1].Cameras = append(vehicles[1].Cameras, fleet.Camera{ID: "cam9"})
	if got := Resolve(g, vehicles, within); len(got) != 5 || got[4] != (CameraRef{"xe-02", "cam9"}) {
		t.Fatalf("a new camera of the unit not in the group: %v", got)
	}
	for _, bad := range []Group{{Unit: "cc-a", Name: "x"}, {Unit: "cc-a", Name: " ", Members: g.Members},
		{Unit: "cc-a", Name: "x", Members: []Member{{Kind: MemberCamera, Vehicle: "xe-01"}}},
		{Unit: "cc-a", Name: "x", Members: []Member{{Kind: "site", Unit: "cc-a"}}}} {
		if bad.Validate() == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}

// Spread, then check: with every officer on duty all shift, every camera
// of every group is watched all shift, however the groups overlap.
func TestSpreadThenCoverageComplete(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var vehicles []fleet.Vehicle
	for v := range 6 {
		fv := fleet.Vehicle{ID: fmt.Sprintf("xe-%02d", v), Unit: []string{"cc-a", "doi-a"}[v%2]}
		for c := range 1 + r.IntN(3) {
			fv.Cameras = append(fv.Cameras, fleet.Camera{ID: fmt.Sprintf("cam%d", c)})
		}
		vehicles = append(vehicles, fv)
	}
	within := func(u, anc string) bool { return u == anc || u == "doi-a" && anc == "cc-a" }
	for n := range 200 {
		var groups []Group
		for i := range 1 + r.IntN(6) {
			g := Group{ID: fmt.Sprintf("g%d", i)}
			for range 1 + r.IntN(3) {
				v := vehicles[r.IntN(len(vehicles))]
				switch r.IntN(3) {
				case 0:
					g.Members = append(g.Members, Member{Kind: MemberVehicle, Vehicle: v.ID})
				case 1:
					g.Members = append(g.Members, Member{Kind: MemberCamera, Vehicle: v.ID, Camera: v.Cameras[0].ID})
				default:
					g.Members = append(g.Members, Member{Kind: MemberUnit, Unit: "doi-a"})
				}
			}
			groups = append(groups, g)
		}
		officers := []string{"gs1", "gs2", "gs3"}[:1+r.IntN(3)]
		var loads []Load
		in := CoverageInput{Period: iv(0, 24), Duty: map[string]Set{}}
		seen := map[CameraRef]bool{}
		byID := map[string][]CameraRef{}
		for _, g := range groups {
			cams := Resolve(g, vehicles, within)
			byID[g.ID] = cams
			loads = append(loads, Load{Group: g.ID, Cameras: len(cams)})
			for _, c := range cams {
				if !seen[c] {
					seen[c] = true
					in.Cameras = append(in.Cameras, ScopeCamera{Ref: c})
				}
			}
		}
		for o, gs := range Spread(loads, officers) {
			p := Planned{Assignment: Assignment{Officer: o, Groups: gs, From: at(0), To: at(24)}}
			for _, g := range gs {
				p.Cameras = append(p.Cameras, byID[g]...)
			}
			in.Assignments = append(in.Assignments, p)
			in.Duty[o] = Union(iv(0, 24))
		}
		if c := Check(in); c.Summary.CoveredPercent != 100 || c.Summary.FullyCovered != len(in.Cameras) {
			t.Fatalf("case %d: %+v", n, c.Summary)
		}
	}
}
