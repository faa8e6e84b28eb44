package monitor

import (
	"testing"
	"time"

	"fieldwatch/hub/store"
)

func TestStatesAndHistory(t *testing.T) {
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := New(db, 0)
	t0 := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	rep := func(at time.Duration, name, state, msg string) {
		if err := m.Report(Service{Host: "xe-01", Name: name, Unit: "cc-a", State: state, Message: msg}, t0.Add(at)); err != nil {
			t.Fatal(err)
		}
	}
	rep(0, "recorder", Running, "")
	rep(time.Second, "recorder", Running, "") // same: no history
	rep(2*time.Second, "recorder", Error, "đĩa đầy")
	rep(3*time.Second, "camera cam1", Stopped, "")
	if err := m.Report(Service{Host: "hub", Name: "relay", State: "green"}, t0); err == nil {
		t.Fatal("unknown state accepted")
	}
	cur := m.Current()
	if len(cur) != 2 || cur[1].Name != "recorder" || cur[1].State != Error || !cur[1].Since.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("current %+v", cur)
	}
	hist, err := m.History(time.Time{}, time.Time{}, func(*Event) bool { return true }, 0)
	if err != nil || len(hist) != 3 || hist[1].Was != Running || hist[1].State != Error || hist[0].Name != "camera cam1" {
		t.Fatalf("history %v %+v", err, hist)
	}
	if h, _ := m.History(t0.Add(time.Second), t0.Add(3*time.Second), func(*Event) bool { return true }, 0); len(h) != 1 {
		t.Fatalf("window %+v", h)
	}
}
