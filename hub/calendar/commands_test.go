package calendar

import (
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

// An administrator enters next year's announcement, corrects it and
// removes an entry: the same commands give the same entries on two stores.
func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	cmds := []command.Command{
		SetCmd{Override: Override{Date: "2027-04-30", Off: true, Name: "Nghỉ 30/4", Source: "Thông báo 123/TB-BNV"}, At: at},
		SetCmd{Override: Override{Date: "2027-05-04", Off: true, Name: "Nghỉ bù", Source: "Thông báo 123/TB-BNV"}, At: at},
		SetCmd{Override: Override{Date: "2027-05-08", Off: false, Name: "Làm bù", Source: "admin"}, At: at},
		SetCmd{Override: Override{Date: "2027-05-04", Off: true, Name: "Nghỉ hoán đổi", Source: "Thông báo 124/TB-BNV"}, At: at.Add(time.Hour)},
		UnsetCmd{Date: "2027-05-08", At: at.Add(2 * time.Hour)},
	}
	var cal *Calendar
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier {
		c, err := New(DBStore{DB: db}, WithClock(func() time.Time { return at }))
		if err != nil {
			t.Fatal(err)
		}
		cal = c
		return c
	}, cmds)
	if d := cal.Kind(time.Date(2027, 5, 4, 12, 0, 0, 0, Zone)); d.Kind != KindDayOff || d.Name != "Nghỉ hoán đổi" {
		t.Errorf("the cache follows the commands: %+v", d)
	}
	list, err := DBStore{DB: db}.List(2027)
	if err != nil || len(list) != 2 {
		t.Fatalf("stored: %v %+v", err, list)
	}
	if d := cal.Kind(time.Date(2027, 5, 8, 12, 0, 0, 0, Zone)); d.Kind != KindWeekend {
		t.Errorf("an unset working Saturday: %+v", d)
	}
}
