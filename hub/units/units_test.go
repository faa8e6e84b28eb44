package units

import (
	"errors"
	"testing"

	"fieldwatch/hub/store"
)

func openTree(t *testing.T, dir string) (*Tree, *store.DB) {
	t.Helper()
	db, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tr, db
}

func TestTreeScopesAndSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tr, db := openTree(t, dir)
	for _, u := range []Unit{
		{ID: "tct", Name: "Tổng cục Hải quan"},
		{ID: "cuc-ls", Name: "Cục Hải quan Lạng Sơn", Parent: "tct"},
		{ID: "cc-hn", Name: "Chi cục Hữu Nghị", Parent: "cuc-ls"},
		{ID: "cc-dd", Name: "Chi cục Đồng Đăng", Parent: "cuc-ls"},
		{ID: "doi-1", Name: "Đội kiểm soát 1", Parent: "cc-hn"},
		{ID: "to-1", Name: "Tổ 1", Parent: "doi-1"},
	} {
		if err := tr.Put(u, "test"); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		unit, ancestor string
		want           bool
	}{
		{"cc-hn", "cc-hn", true}, {"doi-1", "cuc-ls", true}, {"to-1", "tct", true},
		{"cc-dd", "cc-hn", false}, {"cuc-ls", "cc-hn", false}, {"", "cc-hn", false},
		{"nowhere", "tct", false}, {"cc-hn", "nowhere", false},
	}
	for _, c := range cases {
		if got := tr.Within(c.unit, c.ancestor); got != c.want {
			t.Errorf("Within(%q, %q) = %v, want %v", c.unit, c.ancestor, got, c.want)
		}
	}
	if got := tr.Level("to-1"); got != "Đội" {
		t.Errorf("level of a depth-4 unit = %q, want the last name repeated", got)
	}
	if got := tr.Level("cc-dd"); got != "Chi cục" {
		t.Errorf("level = %q", got)
	}
	if p := tr.Path("doi-1"); len(p) != 4 || p[0].ID != "tct" || p[3].ID != "doi-1" {
		t.Errorf("path = %+v", p)
	}
	if err := tr.Put(Unit{ID: "cuc-ls", Name: "x", Parent: "to-1"}, "test"); !errors.Is(err, ErrInvalid) {
		t.Errorf("cycle: %v", err)
	}
	if err := tr.Put(Unit{ID: "x", Name: "x", Parent: "missing"}, "test"); !errors.Is(err, ErrUnknown) {
		t.Errorf("missing parent: %v", err)
	}
	if err := tr.Put(Unit{ID: "Bad Id", Name: "x"}, "test"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad id: %v", err)
	}
	if err := tr.Delete("doi-1", "test"); !errors.Is(err, ErrInUse) {
		t.Errorf("delete with children: %v", err)
	}
	if err := tr.Delete("to-1", "test"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	tr, db = openTree(t, dir)
	defer db.Close()
	list := tr.List()
	if len(list) != 5 || list[0].ID != "tct" || list[len(list)-1].ID != "doi-1" {
		t.Fatalf("after restart: %+v", list)
	}
	if !tr.Within("doi-1", "cuc-ls") {
		t.Error("scope lost on restart")
	}
}
