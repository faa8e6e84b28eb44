package audit

import (
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

// A shift's audited actions: the same appends give the same chain on two
// stores, and the chain verifies.
func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	cmds := []command.Command{
		AppendCmd{Time: at, User: "trucban", Unit: "cuc", Action: "auth.login", Object: "trucban", Detail: "console", From: "10.0.0.5"},
		AppendCmd{Time: at.Add(time.Minute), User: "trucban", Unit: "cuc", Action: "archive.play", Object: "xe-01/cam1", Detail: "08:00-08:10", From: "10.0.0.5"},
		AppendCmd{Time: at.Add(2 * time.Minute), User: "admin", Action: "users.lock", Object: "to.cong.tac", Detail: "mất thiết bị", From: "10.0.0.1"},
		AppendCmd{Time: at.Add(3 * time.Minute), User: "admin", Action: "audit.export", Object: "audit", From: "10.0.0.1"},
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier {
		l, err := Open(db, nil)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}, cmds)
	l, err := Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Verify(); err != nil {
		t.Fatal(err)
	}
	recs, err := l.Search(Query{})
	if err != nil || len(recs) != 4 || recs[0].Seq != 4 || recs[0].Action != "audit.export" {
		t.Fatalf("records: %v %+v", err, recs)
	}
}
