package samples

import (
	"errors"
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2027, 3, 1, 2, 0, 0, 0, time.UTC)
	list := List{ID: "list-1", Unit: "cc-a", Day: "2027-03-01", Kind: KindVehicle, Name: "Xe qua cổng", Share: 50, Seed: 7,
		Header: []string{"Biển số"}, Items: 4, BadRows: 1, Errors: []RowError{{Line: 6, Reason: "column 1 is empty"}},
		Officers: []string{"giamsat.a1", "giamsat.a2"}, Created: t0, By: "trucban.a",
		Tasks: []Task{{N: 1, Line: 2, Fields: []string{"29C-123.45"}, Officer: "giamsat.a1"}, {N: 2, Line: 4, Fields: []string{"15H-888.88"}, Officer: "giamsat.a2"}}}
	cmds := []command.Command{
		ListImported{List: list},
		TaskDone{List: "list-1", N: 2, Result: ResultSuspicious, Note: "Sai biển", By: "giamsat.a2", At: t0.Add(time.Hour)},
		TaskDone{List: "list-1", N: 1, Result: ResultNoFinding, By: "trucban.a", At: t0.Add(2 * time.Hour)},
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier { return New(db, nil) }, cmds)
	s := New(db, nil)
	l, err := s.Get("list-1")
	if err != nil || l.Tasks[0].DoneBy != "trucban.a" || l.Tasks[1].Result != ResultSuspicious || !l.Tasks[1].Done.Equal(t0.Add(time.Hour)) {
		t.Fatalf("%+v %v", l, err)
	}
	if err := s.Apply(cmds[2]); !errors.Is(err, ErrDone) {
		t.Fatalf("a task closed twice: %v", err)
	}
}
