package store

import (
	"errors"
	"testing"
)

type rec struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

func TestPutGetListDelete(t *testing.T) {
	db, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, n := range []string{"b", "a", "c"} {
		if err := db.Put("rec/"+n, rec{Name: n, N: i}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Put("other/x", rec{Name: "x"}, 0); err != nil {
		t.Fatal(err)
	}
	var got rec
	if err := db.Get("rec/a", &got); err != nil || got.Name != "a" || got.N != 1 {
		t.Fatalf("get: %v %+v", err, got)
	}
	all, err := List[rec](db, "rec/")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].Name != "a" || all[2].Name != "c" {
		t.Fatalf("list in key order: %+v", all)
	}
	if err := db.Delete("rec/a"); err != nil {
		t.Fatal(err)
	}
	if err := db.Get("rec/a", &got); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Put("k", rec{Name: "kept"}, 0); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got rec
	if err := db.Get("k", &got); err != nil || got.Name != "kept" {
		t.Fatalf("after reopen: %v %+v", err, got)
	}
}
