package watch

import (
	"errors"
	"testing"
	"time"

	"fieldwatch/hub/fleet"
	"fieldwatch/hub/store"
)

func TestStore(t *testing.T) {
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := at(-2)
	s := New(db, func() time.Time { return now })
	g, err := s.PutGroup(Group{Unit: "cc-a", Name: "Cổng A", Members: []Member{{Kind: MemberVehicle, Vehicle: "xe-01"}}})
	if err != nil || g.ID == "" {
		t.Fatal(g, err)
	}
	if _, err := s.Group("nope"); !errors.Is(err, ErrUnknown) {
		t.Fatal(err)
	}
	manual, err := s.AddAssignment(Assignment{Unit: "cc-a", Officer: "gs1", Groups: []string{g.ID}, From: at(0), To: at(24)})
	if err != nil {
		t.Fatal(err)
	}
	auto := func(officer string) []Assignment {
		got, err := s.ReplaceAuto("cc-a", "2027-03-01", "tb", []Assignment{{Officer: officer, Groups: []string{g.ID}, From: at(0), To: at(24)}})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	auto("gs2")
	auto("gs3")
	list, err := s.Assignments(iv(0, 24), nil)
	if err != nil || len(list) != 2 || list[0].ID != manual.ID && list[1].ID != manual.ID {
		t.Fatalf("a new spread must replace the old automatic one and keep manual ones: %+v %v", list, err)
	}
	if list, _ := s.Assignments(iv(24, 48), nil); len(list) != 0 {
		t.Fatalf("next shift: %+v", list)
	}
	// Cameras present on first sight predate every check; later ones are dated.
	vs := []fleet.Vehicle{{ID: "xe-01", Cameras: []fleet.Camera{{ID: "cam1"}}}}
	seen, err := s.NoteCameras(vs)
	if err != nil || !seen[cam1].IsZero() {
		t.Fatal(seen, err)
	}
	now = at(6)
	vs[0].Cameras = append(vs[0].Cameras, fleet.Camera{ID: "cam2"})
	seen, _ = s.NoteCameras(vs)
	now = at(9)
	seen, _ = s.NoteCameras(vs)
	if !seen[cam1].IsZero() || !seen[cam2].Equal(at(6)) {
		t.Fatalf("seen %v", seen)
	}
	if err := s.DeleteGroup(g.ID, "tb"); err != nil {
		t.Fatal(err)
	}
	if gs, _ := s.Groups(nil); len(gs) != 0 {
		t.Fatal(gs)
	}
}
