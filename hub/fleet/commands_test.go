package fleet

import (
	"testing"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	xe := Vehicle{ID: "xe-01", Name: "Xe 01", Unit: "cc-a", Cameras: []Camera{{ID: "cam1", Name: "Trước"}}}
	withPhone := xe
	withPhone.Cameras = append(append([]Camera{}, xe.Cameras...), Camera{ID: "phone-lan", Name: "Điện thoại · Lan"})
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier { return Open(Params{DB: db}) }, []command.Command{
		PutVehicle{Vehicle: xe},
		PutVehicle{Vehicle: Vehicle{ID: "xe-02", Name: "Xe 02", Unit: "cc-b"}},
		PutVehicle{Vehicle: withPhone},
	})
	v, err := New(db).Get("xe-01")
	if err != nil || len(v.Cameras) != 2 || v.Cameras[1].ID != "phone-lan" {
		t.Fatalf("after replay: %v %+v", err, v)
	}
}
