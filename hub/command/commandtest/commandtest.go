// Package commandtest checks a domain's commands: each survives the wire,
// and replaying the same commands on two fresh stores gives the same state.
package commandtest

import (
	"reflect"
	"testing"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
)

// Open builds a domain's applier on a fresh database.
type Open func(t *testing.T, db *store.DB) command.Applier

// Replay encodes and decodes each command (it must come back equal), then
// applies the sequence to two fresh databases and fails unless both hold
// the same keys and values. It returns the first database for further
// checks.
func Replay(t *testing.T, open Open, cmds []command.Command) *store.DB {
	t.Helper()
	var dbs []*store.DB
	for range 2 {
		db, err := store.Open(t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		a := open(t, db)
		for _, c := range cmds {
			data, err := command.Encode(c)
			if err != nil {
				t.Fatalf("encode %s: %v", c.CommandKind(), err)
			}
			back, err := command.Decode(data)
			if err != nil {
				t.Fatalf("decode %s: %v", c.CommandKind(), err)
			}
			if !reflect.DeepEqual(normal(back), normal(c)) {
				t.Fatalf("%s changed on the wire:\n got %#v\nwant %#v", c.CommandKind(), back, c)
			}
			if err := a.Apply(back); err != nil {
				t.Fatalf("apply %s: %v", c.CommandKind(), err)
			}
		}
		dbs = append(dbs, db)
	}
	a, err := dbs[0].Snapshot("")
	if err != nil {
		t.Fatal(err)
	}
	b, err := dbs[1].Snapshot("")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		for k, v := range a {
			if b[k] != v {
				t.Errorf("key %s differs:\n%s\n%s", k, v, b[k])
			}
		}
		for k := range b {
			if _, ok := a[k]; !ok {
				t.Errorf("key %s only in the second store", k)
			}
		}
		t.Fatal("the same commands gave different states")
	}
	return dbs[0]
}

// normal dereferences a pointer command, so a command registered as a
// value compares equal to the pointer a test may have built.
func normal(c command.Command) any {
	v := reflect.ValueOf(c)
	if v.Kind() == reflect.Pointer {
		return v.Elem().Interface()
	}
	return c
}
