package fleet

import (
	"errors"
	"testing"

	"fieldwatch/hub/store"
)

func TestFleet(t *testing.T) {
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := New(db)
	v := Vehicle{ID: "xe-02", Name: "Xe chỉ huy 02", Unit: "lang-son", Cameras: []Camera{{ID: "cam1", Name: "Camera trước"}}}
	if err := f.Put(v); err != nil {
		t.Fatal(err)
	}
	if err := f.Put(Vehicle{ID: "xe-01", Name: "Xe 01"}); err != nil {
		t.Fatal(err)
	}
	all, err := f.List()
	if err != nil || len(all) != 2 || all[0].ID != "xe-01" {
		t.Fatalf("list: %v %+v", err, all)
	}
	if _, c, err := f.Camera("xe-02", "cam1"); err != nil || c.Name != "Camera trước" {
		t.Fatalf("camera: %v %+v", err, c)
	}
	if _, _, err := f.Camera("xe-02", "cam9"); !errors.Is(err, ErrUnknownCamera) {
		t.Fatalf("unknown camera: %v", err)
	}
	if _, err := f.Get("xe-99"); !errors.Is(err, ErrUnknownVehicle) {
		t.Fatalf("unknown vehicle: %v", err)
	}
	for _, bad := range []Vehicle{
		{ID: "Xe 1", Name: "x"},
		{ID: "xe-1"},
		{ID: "xe-1", Name: "x", Cameras: []Camera{{ID: "a"}, {ID: "a"}}},
	} {
		if err := f.Put(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: want ErrInvalid, got %v", bad, err)
		}
	}
}
