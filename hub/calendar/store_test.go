package calendar

import (
	"testing"

	"fieldwatch/hub/store"
)

// The hub's Badger store: entries listed by year, kept across a reopen.
func TestDBStore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(DBStore{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []Override{
		{Date: "2027-02-11", Off: true, Name: "Nghỉ hoán đổi", Source: "Thông báo 2027"},
		{Date: "2027-02-20", Off: false, Name: "Làm bù", Source: "Thông báo 2027"},
		{Date: "2028-01-05", Off: true, Name: "Nghỉ", Source: "admin"},
	} {
		if err := c.Set(o, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Unset("2028-01-05", "test"); err != nil {
		t.Fatal(err)
	}
	list, err := DBStore{DB: db}.List(2027)
	if err != nil || len(list) != 2 || list[0].Date != "2027-02-11" || list[1].Date != "2027-02-20" {
		t.Fatalf("2027: %+v %v", list, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err = New(DBStore{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	if k := c.Kind(day(2027, 2, 11)); k.Kind != KindDayOff || k.Source != "Thông báo 2027" {
		t.Errorf("11 Feb 2027: %+v", k)
	}
	if !c.IsWorkingDay(day(2027, 2, 20)) || !c.IsWorkingDay(day(2028, 1, 5)) {
		t.Error("entries not kept as entered")
	}
}
