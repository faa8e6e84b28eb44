package monitor

import (
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	svc := func(host, name, state, msg string) Service {
		return Service{Host: host, Name: name, Unit: "cc-a", Address: "10.0.0.7:4431", State: state, Message: msg}
	}
	var m *Monitor
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier {
		m = New(db, 0)
		return m
	}, []command.Command{
		Change{Service: Service{Host: "hub", Name: "relay", State: Running}, At: t0},
		Change{Service: svc("xe-01", SvcControl, Running, ""), At: t0.Add(time.Second)},
		Change{Service: svc("xe-01", "camera cam1", Running, "1920x1080"), At: t0.Add(time.Second)},
		Change{Service: svc("xe-01", SvcStorage, Stopped, "đĩa sắp đầy"), At: t0.Add(2 * time.Second)},
		Change{Service: svc("xe-01", SvcStorage, Stopped, "đĩa sắp đầy"), At: t0.Add(3 * time.Second)}, // same state: no history
		Change{Service: svc("xe-01", SvcControl, Stopped, "mất kết nối điều khiển"), At: t0.Add(4 * time.Second)},
	})
	hist, err := New(db, 0).History(time.Time{}, time.Time{}, func(*Event) bool { return true }, 0)
	if err != nil || len(hist) != 5 || hist[0].Name != SvcControl || hist[0].Was != Running || hist[0].State != Stopped {
		t.Fatalf("history %v %+v", err, hist)
	}
	cur := m.Current()
	if len(cur) != 4 || cur[0].Host != "hub" || cur[3].Name != SvcStorage || !cur[3].Since.Equal(t0.Add(2*time.Second)) || !cur[3].Seen.Equal(t0.Add(3*time.Second)) {
		t.Fatalf("current %+v", cur)
	}
}

// A report of the same state refreshes the current state without a command.
func TestSameStateIsNoCommand(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cmds []command.Command
	var m *Monitor
	m = Open(Params{DB: db, Submit: command.SubmitFunc(func(c command.Command) error {
		cmds = append(cmds, c)
		return m.Apply(c)
	})})
	t0 := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	for i, msg := range []string{"1200 kbit/s", "1500 kbit/s"} {
		if err := m.Report(Service{Host: "xe-01", Name: "uplink cam1", State: Running, Message: msg}, t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if len(cmds) != 1 || cmds[0].(Change).At != t0 {
		t.Fatalf("commands %+v", cmds)
	}
	if cur := m.Current(); len(cur) != 1 || cur[0].Message != "1500 kbit/s" || !cur[0].Since.Equal(t0) {
		t.Fatalf("current %+v", cur)
	}
}
