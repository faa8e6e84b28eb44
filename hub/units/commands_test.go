package units

import (
	"errors"
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

// A reorganisation: units created, one renamed and moved, an empty one
// deleted. The same commands give the same tree on two stores, and a
// command the tree refuses is refused on both.
func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	cmds := []command.Command{
		PutCmd{Unit: Unit{ID: "tct", Name: "Tổng cục Hải quan"}, At: at},
		PutCmd{Unit: Unit{ID: "cuc-ls", Name: "Cục Hải quan Lạng Sơn", Parent: "tct"}, At: at},
		PutCmd{Unit: Unit{ID: "cc-hn", Name: "Chi cục Hữu Nghị", Parent: "cuc-ls"}, At: at},
		PutCmd{Unit: Unit{ID: "cc-dd", Name: "Chi cục Đồng Đăng", Parent: "cuc-ls"}, At: at},
		PutCmd{Unit: Unit{ID: "doi-1", Name: "Đội kiểm soát 1", Parent: "cc-hn"}, At: at},
		PutCmd{Unit: Unit{ID: "doi-1", Name: "Đội kiểm soát số 1", Parent: "cc-dd"}, At: at.Add(time.Hour)},
		DeleteCmd{ID: "cc-hn", At: at.Add(2 * time.Hour)},
	}
	var tree *Tree
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier {
		tr, err := Open(db, nil)
		if err != nil {
			t.Fatal(err)
		}
		tree = tr
		return tr
	}, cmds)
	reopened, err := Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u, ok := reopened.Get("doi-1"); !ok || u.Parent != "cc-dd" || u.Name != "Đội kiểm soát số 1" {
		t.Errorf("moved unit: %+v %v", u, ok)
	}
	if _, ok := reopened.Get("cc-hn"); ok {
		t.Error("deleted unit still there")
	}
	if err := tree.Apply(DeleteCmd{ID: "cuc-ls", At: at}); !errors.Is(err, ErrInUse) {
		t.Errorf("delete with sub-units: %v", err)
	}
	if err := tree.Apply(PutCmd{Unit: Unit{ID: "tct", Name: "T", Parent: "doi-1"}, At: at}); !errors.Is(err, ErrInvalid) {
		t.Errorf("cycle: %v", err)
	}
}
