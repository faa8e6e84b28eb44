package dutylog

import (
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

// A shift's entries, a closed item and an accepted handover replay to the
// same state on two stores.
func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC) // 09:00 in Vietnam
	cam := Entry{ID: "e1", Unit: "cc-a", Shift: "2026-11-22", Time: at, By: "trucban.a", ByName: "Trực ban A", Kind: KindEquipment, Text: "Camera cổng 2 mất tín hiệu", Open: true}
	gate := Entry{ID: "e2", Unit: "cc-a", Shift: "2026-11-22", Time: at.Add(time.Hour), By: "trucban.a", ByName: "Trực ban A", Kind: KindEvent, Text: "Xe qua cổng"}
	fault := Entry{ID: "e3", Unit: "cc-a", Shift: "2026-11-22", Time: at.Add(2 * time.Hour), By: "trucban.a", ByName: "Trực ban A", Kind: KindIncident, Text: "Mất điện", Open: true}
	cmds := []command.Command{
		EntryWritten{Entry: cam},
		EntryWritten{Entry: gate},
		EntryWritten{Entry: fault},
		EntryClosed{Unit: "cc-a", ID: "e3", By: "trucban.a", At: at.Add(3 * time.Hour)},
		HandoverBegun{Handover: Handover{ID: "h1", Unit: "cc-a", Shift: "2026-11-22", From: "trucban.a", FromName: "Trực ban A",
			Summary: "Camera cổng 2 chưa khắc phục", OpenItems: []Entry{cam}, Created: at.Add(22 * time.Hour)}},
		HandoverAccepted{Unit: "cc-a", ID: "h1", By: "trucban.b", ByName: "Trực ban B", At: at.Add(23 * time.Hour), Note: "Đã nhận ca"},
		HandoverAccepted{Unit: "cc-a", ID: "h1", By: "trucban.b", ByName: "Trực ban B", At: at.Add(23 * time.Hour), Note: "Đã nhận ca"}, // replayed
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier { return New(Params{DB: db}) }, cmds)
	l := New(Params{DB: db})
	open, err := l.Open("cc-a")
	if err != nil || len(open) != 1 || open[0].ID != "e1" {
		t.Fatalf("open items after replay: %v %+v", err, open)
	}
	hs, err := l.Handovers("cc-a")
	if err != nil || len(hs) != 1 || hs[0].To != "trucban.b" || hs[0].Note != "Đã nhận ca" {
		t.Fatalf("handovers after replay: %v %+v", err, hs)
	}
}
