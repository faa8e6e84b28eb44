package watch

import (
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2027, 3, 1, 1, 0, 0, 0, time.UTC) // 08:00 in Vietnam
	shift := func(officer, id string, auto bool) Assignment {
		a := Assignment{ID: id, Unit: "cc-a", Officer: officer, Groups: []string{"g1"}, From: t0, To: t0.Add(24 * time.Hour), Auto: auto, Created: t0, By: "trucban.a"}
		if auto {
			a.Shift = "2027-03-01"
		}
		return a
	}
	cmds := []command.Command{
		CamerasSeen{Cameras: []SeenCamera{{Camera: CameraRef{"xe-01", "cam1"}}, {Camera: CameraRef{"xe-01", "cam2"}}}},
		GroupPut{Group: Group{ID: "g1", Unit: "cc-a", Name: "Cổng A", Members: []Member{{Kind: MemberVehicle, Vehicle: "xe-01"}}, Created: t0, By: "trucban.a"}, At: t0},
		GroupPut{Group: Group{ID: "g2", Unit: "cc-a", Name: "Bãi xe", Members: []Member{{Kind: MemberUnit, Unit: "doi-a"}}, Created: t0, By: "trucban.a"}, At: t0},
		GroupPut{Group: Group{ID: "g2", Unit: "cc-a", Name: "Bãi xe 2", Members: []Member{{Kind: MemberCamera, Vehicle: "xe-01", Camera: "cam2"}}, Created: t0, By: "lanhdao.a"}, At: t0.Add(time.Hour)},
		AssignmentAdded{Assignment: shift("giamsat.a1", "manual-1", false)},
		AutoAssigned{Unit: "cc-a", Shift: "2027-03-01", Assignments: []Assignment{shift("giamsat.a2", "auto-1", true), shift("giamsat.a3", "auto-2", true)}, By: "trucban.a", At: t0.Add(2 * time.Hour)},
		AutoAssigned{Unit: "cc-a", Shift: "2027-03-01", Assignments: []Assignment{shift("giamsat.a4", "auto-3", true)}, By: "trucban.a", At: t0.Add(3 * time.Hour)},
		CamerasSeen{Cameras: []SeenCamera{{Camera: CameraRef{"xe-01", "cam1"}, At: t0.Add(4 * time.Hour)}, {Camera: CameraRef{"xe-05", "cam1"}, At: t0.Add(4 * time.Hour)}}},
		AssignmentRemoved{ID: "manual-1", By: "trucban.a", At: t0.Add(5 * time.Hour)},
		GroupDeleted{ID: "g1", By: "trucban.a", At: t0.Add(6 * time.Hour)},
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier { return New(db, nil) }, cmds)
	s := New(db, nil)
	gs, err := s.Groups(nil)
	if err != nil || len(gs) != 1 || gs[0].Name != "Bãi xe 2" {
		t.Fatalf("groups: %+v %v", gs, err)
	}
	as, err := s.Assignments(Interval{t0, t0.Add(time.Hour)}, nil)
	if err != nil || len(as) != 1 || as[0].ID != "auto-3" {
		t.Fatalf("a second spread replaces the first, the removed manual one is gone: %+v %v", as, err)
	}
	seen, err := s.seen()
	if err != nil || len(seen) != 3 || !seen[CameraRef{"xe-01", "cam1"}].IsZero() || !seen[CameraRef{"xe-05", "cam1"}].Equal(t0.Add(4*time.Hour)) {
		t.Fatalf("a camera keeps its first date: %v %v", seen, err)
	}
}
