package dutylog

import (
	"errors"
	"testing"
	"time"

	"fieldwatch/hub/store"
)

func TestShiftLogHandoverReport(t *testing.T) {
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 22, 7, 59, 0, 0, Zone)
	l := New(Params{DB: db, Now: func() time.Time { return now }})
	if got := Shift(now); got != "2026-11-21" {
		t.Fatalf("07:59 belongs to the shift that began the day before: %s", got)
	}
	a := Person{Username: "trucban.a", Name: "Trực ban A", Unit: "cc-a"}
	b := Person{Username: "trucban.b", Name: "Trực ban B", Unit: "cc-a"}
	now = time.Date(2026, 11, 22, 9, 0, 0, 0, Zone)
	if _, err := l.Add(a, "gossip", "x", false); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown kind: %v", err)
	}
	cam, _ := l.Add(a, KindEquipment, "Camera cổng 2 mất tín hiệu", true)
	l.Add(a, KindEvent, "Xe 29C-123.45 qua cổng, đã kiểm tra", false)
	now = now.Add(22 * time.Hour) // 07:00 next day, same shift
	l.Add(a, KindInstruction, "Lãnh đạo Cục: tăng cường giám sát cổng 2", false)
	h, err := l.BeginHandover(a, "Ca trực bình thường; camera cổng 2 chưa khắc phục")
	if err != nil || len(h.OpenItems) != 1 || h.OpenItems[0].ID != cam.ID || h.Shift != "2026-11-22" {
		t.Fatalf("handover: %v %+v", err, h)
	}
	if _, err := l.BeginHandover(a, "lần hai"); !errors.Is(err, ErrHandover) {
		t.Fatalf("a second pending handover: %v", err)
	}
	if _, err := l.AcceptHandover("cc-a", h.ID, a, ""); !errors.Is(err, ErrHandover) {
		t.Fatalf("accepted by the outgoing officer: %v", err)
	}
	now = now.Add(time.Hour) // 08:00: the new shift
	acc, err := l.AcceptHandover("cc-a", h.ID, b, "Đã nhận ca")
	if err != nil || acc.ToName != "Trực ban B" {
		t.Fatalf("accept: %v %+v", err, acc)
	}
	if _, err := l.AcceptHandover("cc-a", h.ID, b, ""); !errors.Is(err, ErrHandover) {
		t.Fatalf("accepted twice: %v", err)
	}
	// The open item carries over into the new shift until closed.
	if open, _ := l.Open("cc-a"); len(open) != 1 {
		t.Fatalf("open %+v", open)
	}
	now = now.Add(2 * time.Hour)
	l.Close("cc-a", cam.ID, b)
	if open, _ := l.Open("cc-a"); len(open) != 0 {
		t.Fatalf("still open %+v", open)
	}
	r, err := l.DailyReport("cc-a", "2026-11-22")
	if err != nil {
		t.Fatal(err)
	}
	if r.Counts[KindEquipment] != 1 || r.Counts[KindEvent] != 1 || r.Counts[KindInstruction] != 1 || len(r.Handovers) != 1 ||
		len(r.Open) != 1 || r.Officers["trucban.b"] != "Trực ban B" {
		t.Fatalf("report %+v", r)
	}
	if r2, _ := l.DailyReport("cc-a", "2026-11-23"); len(r2.Handovers) != 0 || len(r2.Open) != 0 {
		t.Fatalf("next day's report %+v", r2)
	}
	if _, err := l.DailyReport("cc-a", "22/11/2026"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad day: %v", err)
	}
}
