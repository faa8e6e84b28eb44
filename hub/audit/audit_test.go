package audit

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"fieldwatch/hub/store"
)

func TestChainDetectsAlteration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		alter func(db *store.DB)
	}{
		{"changed field", func(db *store.DB) {
			var r Record
			db.Get(key(2), &r)
			r.Detail = "nothing to see"
			db.Put(key(2), r, 0)
		}},
		{"rehashed record", func(db *store.DB) {
			var r Record
			db.Get(key(2), &r)
			r.User = "someone-else"
			r.Hash = r.digest()
			db.Put(key(2), r, 0)
		}},
		{"removed record", func(db *store.DB) { db.Delete(key(2)) }},
		{"removed last record", func(db *store.DB) { db.Delete(key(3)) }},
		{"garbage", func(db *store.DB) {
			raw, _ := json.Marshal("x")
			db.Put(key(1), json.RawMessage(raw), 0)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := store.Open(t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			l, _ := Open(db, nil)
			for _, a := range []string{"archive.play", "archive.export", "archive.hold"} {
				if err := l.Add("trucban", "cuc-hq-lang-son", a, "xe-01/cam1", "2026-11-22T08:00:00+07:00 60s", "10.0.0.5"); err != nil {
					t.Fatal(err)
				}
			}
			if err := l.Verify(); err != nil {
				t.Fatalf("intact log: %v", err)
			}
			tc.alter(db)
			if err := l.Verify(); !errors.Is(err, ErrTampered) {
				t.Fatalf("alteration not detected: %v", err)
			}
		})
	}
}

func TestReopenContinuesChainAndSearch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, _ := store.Open(dir, nil)
	l, _ := Open(db, nil)
	l.Add("a", "u", "archive.play", "xe-01/cam1", "", "")
	db.Close()
	db, _ = store.Open(dir, nil)
	defer db.Close()
	l, _ = Open(db, func() time.Time { return time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC) })
	l.Add("b", "u", "archive.export", "xe-02/cam1", "", "")
	if err := l.Verify(); err != nil {
		t.Fatal(err)
	}
	rs, _ := l.Search(Query{Action: "archive.export"})
	if len(rs) != 1 || rs[0].User != "b" || rs[0].Seq != 2 {
		t.Fatalf("search: %+v", rs)
	}
}
