package leave

import (
	"errors"
	"testing"
	"time"

	"fieldwatch/hub/store"
)

func openStore(t *testing.T) *Store {
	t.Helper()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2027, 1, 5, 9, 0, 0, 0, Zone)
	return New(Params{DB: db, Now: func() time.Time { return now }})
}

func TestAddListDeleteOverlap(t *testing.T) {
	s := openStore(t)
	a, err := s.Add(Leave{Officer: "an", Unit: "cc-a", From: "2027-01-10", To: "2027-01-12", Kind: KindLeave, Note: " nghỉ phép năm ", EnteredBy: "an"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == "" || a.Note != "nghỉ phép năm" || !a.Entered.Equal(time.Date(2027, 1, 5, 9, 0, 0, 0, Zone)) {
		t.Fatalf("stored %+v", a)
	}
	if _, err := s.Add(Leave{Officer: "binh", Unit: "cc-b", From: "2027-01-01", To: "2027-01-01", Kind: KindSick, EnteredBy: "lead"}); err != nil {
		t.Fatal(err)
	}
	from, to := a.Period()
	if !from.Equal(time.Date(2027, 1, 10, 0, 0, 0, 0, Zone)) || !to.Equal(time.Date(2027, 1, 13, 0, 0, 0, 0, Zone)) {
		t.Fatalf("period %v–%v", from, to)
	}
	ccA, err := s.List(func(l Leave) bool { return l.Unit == "cc-a" })
	if err != nil || len(ccA) != 1 || ccA[0].Officer != "an" {
		t.Fatalf("list cc-a: %v %+v", err, ccA)
	}
	all, _ := s.List(nil)
	if len(all) != 2 || all[0].Officer != "binh" {
		t.Fatalf("list sorted by first day: %+v", all)
	}
	// A shift of 12 Jan 08:00 to 13 Jan 08:00 overlaps; one from 13 Jan 08:00 does not.
	ov, _ := s.Overlapping(time.Date(2027, 1, 12, 8, 0, 0, 0, Zone), time.Date(2027, 1, 13, 8, 0, 0, 0, Zone))
	if len(ov["an"]) != 1 || len(ov) != 1 {
		t.Fatalf("overlapping 12 Jan: %v", ov)
	}
	ov, _ = s.Overlapping(time.Date(2027, 1, 13, 8, 0, 0, 0, Zone), time.Date(2027, 1, 14, 8, 0, 0, 0, Zone))
	if len(ov) != 0 {
		t.Fatalf("overlapping 13 Jan: %v", ov)
	}
	if err := s.Delete(a.ID, "tester"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(a.ID); !errors.Is(err, ErrUnknown) {
		t.Fatalf("get after delete: %v", err)
	}
	if err := s.Delete(a.ID, "tester"); !errors.Is(err, ErrUnknown) {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestRejectsBadLeave(t *testing.T) {
	s := openStore(t)
	good := Leave{Officer: "an", Unit: "cc-a", From: "2027-01-10", To: "2027-01-12", Kind: KindMission}
	for name, mod := range map[string]func(*Leave){
		"no officer":   func(l *Leave) { l.Officer = "" },
		"no unit":      func(l *Leave) { l.Unit = "" },
		"bad from":     func(l *Leave) { l.From = "10/01/2027" },
		"to before":    func(l *Leave) { l.To = "2027-01-09" },
		"too long":     func(l *Leave) { l.To = "2028-06-01" },
		"unknown kind": func(l *Leave) { l.Kind = "holiday" },
		"long note":    func(l *Leave) { l.Note = string(make([]rune, 501)) },
	} {
		l := good
		mod(&l)
		if _, err := s.Add(l); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
	if all, _ := s.List(nil); len(all) != 0 {
		t.Fatalf("bad leave stored: %+v", all)
	}
}
