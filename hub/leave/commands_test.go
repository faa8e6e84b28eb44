package leave

import (
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

// Leave entered and removed replays to the same state on two stores.
func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	at := time.Date(2027, 1, 5, 2, 0, 0, 0, time.UTC)
	cmds := []command.Command{
		Added{Leave: Leave{ID: "l1", Officer: "an", OfficerName: "An", Unit: "cc-a", From: "2027-01-10", To: "2027-01-12", Kind: KindLeave, EnteredBy: "an", Entered: at}},
		Added{Leave: Leave{ID: "l2", Officer: "binh", OfficerName: "Bình", Unit: "cc-a", From: "2027-01-11", To: "2027-01-11", Kind: KindSick, Note: "sốt", EnteredBy: "lanhdao", Entered: at.Add(time.Minute)}},
		Removed{ID: "l1", By: "an", At: at.Add(time.Hour)},
		Removed{ID: "l1", By: "an", At: at.Add(time.Hour)}, // a replayed removal changes nothing
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier { return New(Params{DB: db}) }, cmds)
	list, err := New(Params{DB: db}).List(nil)
	if err != nil || len(list) != 1 || list[0].ID != "l2" || list[0].Officer != "binh" {
		t.Fatalf("after replay: %v %+v", err, list)
	}
}
