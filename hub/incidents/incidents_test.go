package incidents

import (
	"errors"
	"testing"
	"time"

	"fieldwatch/hub/store"
)

var ict = time.FixedZone("ICT", 7*3600)

func TestIncidentLifecycle(t *testing.T) {
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, ict) // a Friday
	s := New(db, Weekdays{Zone: ict}, func() time.Time { return now })
	tr, err := s.Open(Incident{Kind: KindTransmission, Unit: "cc-a", Vehicle: "xe-01", Title: "Mất kết nối xe 01"}, "auto")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 25, 23, 59, 59, 0, ict); !tr.Due.Equal(want) {
		t.Fatalf("3 working days from a Friday: due %s, want %s", tr.Due, want)
	}
	if again, _ := s.Open(Incident{Kind: KindTransmission, Unit: "cc-a", Vehicle: "xe-01", Title: "x"}, "auto"); again.ID != tr.ID {
		t.Fatal("an automatic incident opened twice for one cause")
	}
	cam, _ := s.Open(Incident{Kind: KindCamera, Unit: "cc-a", Vehicle: "xe-01", Camera: "cam1", Title: "Camera cổng 2 hỏng"}, "trucban")
	if want := time.Date(2026, 12, 4, 23, 59, 59, 0, ict); !cam.Due.Equal(want) {
		t.Fatalf("10 working days: due %s, want %s", cam.Due, want)
	}
	if _, err := s.Open(Incident{Kind: "fire", Unit: "cc-a", Title: "x"}, "a"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown kind: %v", err)
	}
	if _, err := s.LogGate(tr.ID, "trucban", GateEntry{Plate: "29c-123.45", In: now}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("gate log on a transmission fault: %v", err)
	}
	g, err := s.LogGate(cam.ID, "trucban", GateEntry{Plate: "29c-123.45", Container: "msku1234565", In: now})
	if err != nil || g.GateLog[0].Plate != "29C-123.45" {
		t.Fatalf("gate log: %v %+v", err, g.GateLog)
	}
	// Monday: no update yet today → missing; after one, not.
	now = time.Date(2026, 11, 23, 9, 0, 0, 0, ict)
	if c, _ := s.Get(cam.ID); !c.UpdateMissing(now, Weekdays{Zone: ict}, ict) {
		t.Fatal("missing daily update not flagged")
	}
	c, _ := s.AddUpdate(cam.ID, "trucban", "Đã báo nhà thầu")
	if c.UpdateMissing(now, Weekdays{Zone: ict}, ict) {
		t.Fatal("update flagged missing")
	}
	// Overdue and escalation, once.
	now = time.Date(2026, 11, 26, 8, 0, 0, 0, ict)
	esc, err := s.Escalate()
	if err != nil || len(esc) != 1 || esc[0].ID != tr.ID {
		t.Fatalf("escalate: %v %+v", err, esc)
	}
	if esc, _ := s.Escalate(); len(esc) != 0 {
		t.Fatal("escalated twice")
	}
	if _, err := s.Close(cam.ID, "trucban", "", "thay camera"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("closed without a cause: %v", err)
	}
	if c, err := s.Close(cam.ID, "trucban", "Hỏng nguồn", "Thay bộ nguồn"); err != nil || c.Overdue(now) {
		t.Fatalf("close: %v", err)
	}
	if _, err := s.AddUpdate(cam.ID, "x", "y"); !errors.Is(err, ErrClosed) {
		t.Fatalf("update after close: %v", err)
	}
	if closed, _ := s.CloseAuto(KindTransmission, "xe-01", ""); len(closed) != 1 || closed[0].Cause == "" {
		t.Fatalf("auto close %+v", closed)
	}
}
