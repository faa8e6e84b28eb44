package outbox

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

func msg(sender, to string, seq uint64) Message {
	return Message{ID: messageID(sender, to, seq), Sender: sender, To: to, Seq: seq, Type: "t",
		Body: fmt.Appendf(nil, "%d", seq)}
}

func mustOpenInbox(t testing.TB, db *badger.DB) *Inbox {
	t.Helper()
	in, err := OpenInbox(db, "ib/")
	if err != nil {
		t.Fatalf("OpenInbox: %v", err)
	}
	return in
}

func TestInboxApply(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	in := mustOpenInbox(t, db)
	steps := []struct {
		m    Message
		want Result
		last uint64 // Last of m's stream afterwards
	}{
		{msg("hub", "veh-1", 1), Applied, 1},
		{msg("hub", "veh-1", 1), Duplicate, 1},
		{msg("hub", "veh-1", 3), Gap, 1},
		{msg("hub", "veh-1", 2), Applied, 2},
		{msg("hub", "veh-1", 2), Duplicate, 2},
		{msg("hub", "veh-1", 3), Applied, 3},
		{msg("hub", "veh-1", 1), Duplicate, 3},
		// Other streams are independent: another recipient, another sender,
		// the empty recipient, and addresses that would collide unescaped.
		{msg("hub", "veh-2", 2), Gap, 0},
		{msg("hub", "veh-2", 1), Applied, 1},
		{msg("mobile", "veh-1", 1), Applied, 1},
		{msg("hub", "", 1), Applied, 1},
		{msg("hub/veh-1", "", 1), Applied, 1},
		{msg("hub", "veh-1/", 1), Applied, 1},
	}
	applied := 0
	for i, s := range steps {
		ran := false
		got, err := in.Apply(s.m, func(*badger.Txn) error { ran = true; return nil })
		if err != nil {
			t.Fatalf("step %d: Apply(%s): %v", i, s.m.ID, err)
		}
		if got != s.want || ran != (s.want == Applied) {
			t.Fatalf("step %d: Apply(%s) = %v (callback ran: %v), want %v", i, s.m.ID, got, ran, s.want)
		}
		if got := in.Last(s.m.Sender, s.m.To); got != s.last {
			t.Fatalf("step %d: Last(%q, %q) = %d, want %d", i, s.m.Sender, s.m.To, got, s.last)
		}
		if got == Applied {
			applied++
		}
	}

	// Every stream's last-applied seq survives a restart.
	want := map[[2]string]uint64{}
	for _, s := range steps {
		want[[2]string{s.m.Sender, s.m.To}] = s.last
	}
	closeDB(t, db)
	in = mustOpenInbox(t, openDB(t, dir))
	for k, w := range want {
		if got := in.Last(k[0], k[1]); got != w {
			t.Errorf("after reopen Last(%q, %q) = %d, want %d", k[0], k[1], got, w)
		}
	}
	if r, err := in.Apply(msg("hub", "veh-1", 3), nil); r != Duplicate || err != nil {
		t.Errorf("after reopen re-apply = %v, %v; want duplicate", r, err)
	}
	if r, err := in.Apply(msg("hub", "veh-1", 4), nil); r != Applied || err != nil {
		t.Errorf("after reopen next = %v, %v; want applied", r, err)
	}
}

// TestApplyAtomic checks that the callback's writes and the seq advance
// commit together: a failing callback leaves neither, a succeeding one
// leaves both, on disk after a reopen.
func TestApplyAtomic(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	in := mustOpenInbox(t, db)
	errBoom := errors.New("boom")
	write := func(fail error) func(txn *badger.Txn) error {
		return func(txn *badger.Txn) error {
			if err := txn.Set([]byte("state/speed-limit"), []byte("30")); err != nil {
				return err
			}
			return fail
		}
	}

	r, err := in.Apply(msg("hub", "veh", 1), write(errBoom))
	if !errors.Is(err, errBoom) || r != 0 {
		t.Fatalf("failing apply = %v, %v; want zero Result and the callback's error", r, err)
	}
	check := func(when string, wantLast uint64, wantState bool) {
		t.Helper()
		if got := in.Last("hub", "veh"); got != wantLast {
			t.Errorf("%s: Last = %d, want %d", when, got, wantLast)
		}
		if got := countKeys(t, db, "state/") == 1; got != wantState {
			t.Errorf("%s: state written = %v, want %v", when, got, wantState)
		}
		var onDisk uint64
		if err := db.View(func(txn *badger.Txn) error {
			var err error
			onDisk, err = getSeq(txn, in.lastKey("hub", "veh"))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if onDisk != wantLast {
			t.Errorf("%s: last-applied on disk = %d, want %d", when, onDisk, wantLast)
		}
	}
	check("after failed apply", 0, false)
	closeDB(t, db)
	db = openDB(t, dir)
	in = mustOpenInbox(t, db)
	check("after failed apply and reopen", 0, false)

	// The failed message was not recorded, so its retry applies.
	if r, err := in.Apply(msg("hub", "veh", 1), write(nil)); r != Applied || err != nil {
		t.Fatalf("retry = %v, %v; want applied", r, err)
	}
	check("after apply", 1, true)
	closeDB(t, db)
	db = openDB(t, dir)
	in = mustOpenInbox(t, db)
	check("after apply and reopen", 1, true)

	// A panicking callback also leaves nothing behind and releases the lock.
	func() {
		defer func() { recover() }()
		in.Apply(msg("hub", "veh", 2), func(txn *badger.Txn) error {
			txn.Set([]byte("state/other"), []byte("x"))
			panic("callback bug")
		})
	}()
	check("after panicking apply", 1, true)
	if r, err := in.Apply(msg("hub", "veh", 2), nil); r != Applied || err != nil {
		t.Fatalf("after panic = %v, %v; want applied", r, err)
	}
}

func TestResultString(t *testing.T) {
	for r, want := range map[Result]string{Applied: "applied", Duplicate: "duplicate", Gap: "gap", 0: "Result(0)"} {
		if got := r.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(r), got, want)
		}
	}
}
