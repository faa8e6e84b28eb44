package outbox

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// openDB opens (or reopens) a synced Badger database in dir and closes it
// when the test ends unless the test closed it first.
func openDB(t testing.TB, dir string) *badger.DB {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(dir).WithSyncWrites(true).WithLogger(nil))
	if err != nil {
		t.Fatalf("open badger: %v", err)
	}
	t.Cleanup(func() {
		if !db.IsClosed() {
			db.Close()
		}
	})
	return db
}

func closeDB(t testing.TB, db *badger.DB) {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatalf("close badger: %v", err)
	}
}

// fakeClock advances one second per reading.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func mustOpen(t testing.TB, db *badger.DB, prefix, sender string) *Outbox {
	t.Helper()
	o, err := Open(db, prefix, sender, newClock().Now)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return o
}

func mustEnqueue(t testing.TB, o *Outbox, to string, body any) Message {
	t.Helper()
	m, err := o.Enqueue(to, "instruction", body)
	if err != nil {
		t.Fatalf("Enqueue(%q): %v", to, err)
	}
	return m
}

func mustPending(t testing.TB, o *Outbox, to string, limit int) []Message {
	t.Helper()
	ms, err := o.Pending(to, limit)
	if err != nil {
		t.Fatalf("Pending(%q): %v", to, err)
	}
	return ms
}

// seqs lists the recipient/seq of messages, e.g. "a/1 a/2 b/1".
func seqs(ms []Message) string {
	var s []string
	for _, m := range ms {
		s = append(s, fmt.Sprintf("%s/%d", m.To, m.Seq))
	}
	return strings.Join(s, " ")
}

func TestEnqueuePendingAck(t *testing.T) {
	o := mustOpen(t, openDB(t, t.TempDir()), "ob/", "hub")
	var sent []Message
	for i := 1; i <= 5; i++ {
		m := mustEnqueue(t, o, "veh-1", map[string]int{"n": i})
		if m.Seq != uint64(i) || m.Sender != "hub" || m.To != "veh-1" || m.Type != "instruction" {
			t.Fatalf("message %d = %+v", i, m)
		}
		if m.Stream() != "hub>veh-1" {
			t.Fatalf("Stream = %q", m.Stream())
		}
		if want := fmt.Sprintf("hub>veh-1/%020d", i); m.ID != want {
			t.Fatalf("ID = %q, want %q", m.ID, want)
		}
		if want := fmt.Sprintf(`{"n":%d}`, i); string(m.Body) != want {
			t.Fatalf("Body = %s, want %s", m.Body, want)
		}
		sent = append(sent, m)
	}
	if got := mustPending(t, o, "veh-1", 0); !reflect.DeepEqual(got, sent) {
		t.Fatalf("Pending = %+v\nwant %+v", got, sent)
	}
	if got := seqs(mustPending(t, o, "veh-1", 2)); got != "veh-1/1 veh-1/2" {
		t.Fatalf("Pending(limit 2) = %s", got)
	}

	steps := []struct {
		upTo uint64
		want string
		len  int
	}{
		{3, "veh-1/4 veh-1/5", 2},
		{2, "veh-1/4 veh-1/5", 2}, // stale: no-op
		{3, "veh-1/4 veh-1/5", 2}, // repeated
		{5, "", 0},
		{5, "", 0},
	}
	for _, s := range steps {
		if err := o.Ack("veh-1", s.upTo); err != nil {
			t.Fatalf("Ack(%d): %v", s.upTo, err)
		}
		if got := seqs(mustPending(t, o, "veh-1", 0)); got != s.want {
			t.Fatalf("after Ack(%d): Pending = %q, want %q", s.upTo, got, s.want)
		}
		if got := o.Len("veh-1"); got != s.len {
			t.Fatalf("after Ack(%d): Len = %d, want %d", s.upTo, got, s.len)
		}
	}
	if err := o.Ack("veh-1", 6); !errors.Is(err, ErrAckAhead) {
		t.Fatalf("Ack beyond last = %v, want ErrAckAhead", err)
	}
	if m := mustEnqueue(t, o, "veh-1", nil); m.Seq != 6 || string(m.Body) != "null" {
		t.Fatalf("after full ack: %+v, want seq 6, body null", m)
	}
}

func TestPerRecipientStreams(t *testing.T) {
	o := mustOpen(t, openDB(t, t.TempDir()), "ob/", "hub")
	// "a/b" and "a%2Fb" must not be confused with "a" or each other.
	for _, to := range []string{"a", "b", "a/b", "a", "", "a%2Fb", "b", "a", "a/b"} {
		mustEnqueue(t, o, to, to)
	}
	for _, tc := range []struct{ to, want string }{
		{"a", "a/1 a/2 a/3"},
		{"b", "b/1 b/2"},
		{"a/b", "a/b/1 a/b/2"},
		{"a%2Fb", "a%2Fb/1"},
	} {
		if got := seqs(mustPending(t, o, tc.to, 0)); got != tc.want {
			t.Errorf("Pending(%q) = %q, want %q", tc.to, got, tc.want)
		}
		if got, want := o.Len(tc.to), strings.Count(tc.want, " ")+1; got != want {
			t.Errorf("Len(%q) = %d, want %d", tc.to, got, want)
		}
	}
	if got := o.Len(""); got != 9 {
		t.Errorf(`Len("") = %d, want 9`, got)
	}
	if got := len(mustPending(t, o, "", 0)); got != 9 {
		t.Errorf(`Pending("") returned %d messages, want 9`, got)
	}
	if err := o.Ack("a", 2); err != nil {
		t.Fatal(err)
	}
	if err := o.Ack("a/b", 1); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ to, want string }{
		{"a", "a/3"}, {"b", "b/1 b/2"}, {"a/b", "a/b/2"}, {"a%2Fb", "a%2Fb/1"},
	} {
		if got := seqs(mustPending(t, o, tc.to, 0)); got != tc.want {
			t.Errorf("after acks: Pending(%q) = %q, want %q", tc.to, got, tc.want)
		}
	}
	if err := o.Ack("b", 3); !errors.Is(err, ErrAckAhead) {
		t.Errorf(`Ack("b", 3) = %v, want ErrAckAhead`, err)
	}
	if err := o.Ack("nobody", 1); !errors.Is(err, ErrAckAhead) {
		t.Errorf(`Ack("nobody", 1) = %v, want ErrAckAhead`, err)
	}
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	o := mustOpen(t, db, "ob/", "veh-7")
	for i := 0; i < 4; i++ {
		mustEnqueue(t, o, "hub", i)
		mustEnqueue(t, o, "mobile", i)
	}
	mustEnqueue(t, o, "gone", 0)
	for _, a := range []struct {
		to   string
		upTo uint64
	}{{"hub", 2}, {"gone", 1}} {
		if err := o.Ack(a.to, a.upTo); err != nil {
			t.Fatal(err)
		}
	}
	before := mustPending(t, o, "", 0)
	closeDB(t, db)

	db = openDB(t, dir)
	o = mustOpen(t, db, "ob/", "veh-7")
	if after := mustPending(t, o, "", 0); !reflect.DeepEqual(after, before) {
		t.Fatalf("after reopen Pending = %s, want %s", seqs(after), seqs(before))
	}
	for to, want := range map[string]int{"hub": 2, "mobile": 4, "gone": 0, "": 6} {
		if got := o.Len(to); got != want {
			t.Errorf("after reopen Len(%q) = %d, want %d", to, got, want)
		}
	}
	for to, want := range map[string]uint64{"hub": 5, "mobile": 5, "gone": 2, "new": 1} {
		if m := mustEnqueue(t, o, to, nil); m.Seq != want {
			t.Errorf("after reopen Enqueue(%q).Seq = %d, want %d", to, m.Seq, want)
		}
	}

	if _, err := Open(db, "ob/", "veh-8", nil); !errors.Is(err, ErrSenderMismatch) {
		t.Errorf("Open as another sender = %v, want ErrSenderMismatch", err)
	}
	// Another prefix in the same database is another, independent outbox.
	o2 := mustOpen(t, db, "ob2/", "veh-8")
	if m := mustEnqueue(t, o2, "hub", nil); m.Seq != 1 {
		t.Errorf("second outbox's first seq = %d", m.Seq)
	}
	if got := o.Len("hub"); got != 3 {
		t.Errorf("first outbox Len(hub) = %d after second outbox enqueued, want 3", got)
	}
}

func TestValidation(t *testing.T) {
	db := openDB(t, t.TempDir())
	o := mustOpen(t, db, "ob/", "hub")
	tests := []struct {
		name string
		err  error
		do   func() error
	}{
		{"empty sender", ErrInvalid, func() error { _, err := Open(db, "x/", "", nil); return err }},
		{"sender with >", ErrInvalid, func() error { _, err := Open(db, "x/", "a>b", nil); return err }},
		{"long sender", ErrInvalid, func() error { _, err := Open(db, "x/", strings.Repeat("s", MaxAddr+1), nil); return err }},
		{"nil db", ErrInvalid, func() error { _, err := Open(nil, "x/", "hub", nil); return err }},
		{"long recipient", ErrInvalid, func() error { _, err := o.Enqueue(strings.Repeat("r", MaxAddr+1), "t", 1); return err }},
		{"bad UTF-8 recipient", ErrInvalid, func() error { _, err := o.Enqueue("\xff", "t", 1); return err }},
		{"empty type", ErrInvalid, func() error { _, err := o.Enqueue("veh", "", 1); return err }},
		{"body over 1 MiB", ErrTooLarge, func() error { _, err := o.Enqueue("veh", "t", strings.Repeat("x", MaxBody)); return err }},
		{"inbox seq 0", ErrInvalid, func() error {
			in, _ := OpenInbox(db, "ib/")
			_, err := in.Apply(Message{Sender: "hub", To: "veh"}, nil)
			return err
		}},
		{"inbox empty sender", ErrInvalid, func() error {
			in, _ := OpenInbox(db, "ib/")
			_, err := in.Apply(Message{Seq: 1, To: "veh"}, nil)
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if !strings.HasPrefix(err.Error(), "outbox: ") {
				t.Errorf("error %q lacks the outbox: prefix", err)
			}
		})
	}
	if _, err := o.Enqueue("veh", "t", make(chan int)); err == nil || !strings.HasPrefix(err.Error(), "outbox: encode") {
		t.Errorf("unencodable body: err = %v", err)
	}
	if m, err := o.Enqueue("veh", "t", json.RawMessage(strings.Repeat("1", MaxBody))); err != nil || m.Seq != 1 {
		t.Errorf("body of exactly MaxBody: %v (seq %d)", err, m.Seq)
	}
	if n := o.Len(""); n != 1 {
		t.Errorf("rejected messages were queued: Len = %d", n)
	}

	unsynced, err := badger.Open(badger.DefaultOptions(t.TempDir()).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer unsynced.Close()
	if _, err := Open(unsynced, "ob/", "hub", nil); !errors.Is(err, ErrNotSynced) {
		t.Errorf("Open on unsynced db = %v, want ErrNotSynced", err)
	}
	if _, err := OpenInbox(unsynced, "ib/"); !errors.Is(err, ErrNotSynced) {
		t.Errorf("OpenInbox on unsynced db = %v, want ErrNotSynced", err)
	}
}

func TestNotify(t *testing.T) {
	o := mustOpen(t, openDB(t, t.TempDir()), "ob/", "hub")
	select {
	case <-o.Notify():
		t.Fatal("signalled before any Enqueue")
	default:
	}
	mustEnqueue(t, o, "veh", 1)
	mustEnqueue(t, o, "veh", 2) // must not block although nobody listens
	select {
	case <-o.Notify():
	default:
		t.Fatal("not signalled after Enqueue")
	}
	select {
	case <-o.Notify():
		t.Fatal("two signals queued; want at most one")
	default:
	}
	if _, err := o.Enqueue("veh", "", nil); err == nil {
		t.Fatal("empty type accepted")
	}
	select {
	case <-o.Notify():
		t.Fatal("signalled after a failed Enqueue")
	default:
	}
}

// TestAckManyBatches acks more messages than one delete transaction holds.
func TestAckManyBatches(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	o := mustOpen(t, db, "ob/", "hub")
	const n = ackBatch*2 + 17
	wb := db.NewWriteBatch() // fast fill, bypassing Enqueue's per-message sync
	for seq := uint64(1); seq <= n; seq++ {
		data, _ := json.Marshal(Message{ID: messageID("hub", "veh", seq), Sender: "hub", Seq: seq, To: "veh", Type: "t"})
		if err := wb.Set(o.msgKey("veh", seq), data); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.Set(o.nextKey("veh"), encodeSeq(n)); err != nil {
		t.Fatal(err)
	}
	if err := wb.Flush(); err != nil {
		t.Fatal(err)
	}
	o = mustOpen(t, db, "ob/", "hub")
	if got := o.Len("veh"); got != n {
		t.Fatalf("Len = %d, want %d", got, n)
	}
	if err := o.Ack("veh", n-3); err != nil {
		t.Fatal(err)
	}
	if got := seqs(mustPending(t, o, "veh", 0)); got != fmt.Sprintf("veh/%d veh/%d veh/%d", n-2, n-1, n) {
		t.Fatalf("Pending = %s", got)
	}
	closeDB(t, db)
	o = mustOpen(t, openDB(t, dir), "ob/", "hub")
	if got := o.Len(""); got != 3 {
		t.Fatalf("after reopen Len = %d, want 3", got)
	}
}

func TestConcurrentEnqueue(t *testing.T) {
	o := mustOpen(t, openDB(t, t.TempDir()), "ob/", "hub")
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for i := 0; i < each; i++ {
				if _, err := o.Enqueue("veh", "t", w); err != nil {
					errs <- err
					return
				}
				o.Len("veh")
			}
		})
	}
	wg.Go(func() { // a concurrent acker and reader
		for i := 0; i < each; i++ {
			if ms, err := o.Pending("veh", 1); err == nil && len(ms) == 1 {
				if err := o.Ack("veh", ms[0].Seq); err != nil {
					errs <- err
					return
				}
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	ms := mustPending(t, o, "veh", 0)
	if len(ms) != o.Len("veh") {
		t.Fatalf("Pending has %d, Len says %d", len(ms), o.Len("veh"))
	}
	if len(ms) == 0 || ms[len(ms)-1].Seq != workers*each {
		t.Fatalf("last seq %s, want %d", seqs(ms[len(ms)-1:]), workers*each)
	}
	for i := 1; i < len(ms); i++ {
		if ms[i].Seq != ms[i-1].Seq+1 {
			t.Fatalf("gap or duplicate: %d after %d", ms[i].Seq, ms[i-1].Seq)
		}
	}
}

const killEnv = "OUTBOX_KILL_TEST_DIR"

// TestKill9 kills a process that enqueues and applies messages in a loop,
// then checks that every message it reported done is on disk, and that the
// inbox's applied writes and last-applied seq agree.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a subprocess")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$")
	cmd.Env = append(os.Environ(), killEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	guard := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
	defer guard.Stop()
	var done uint64
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		n, err := strconv.ParseUint(sc.Text(), 10, 64)
		if err != nil {
			continue
		}
		if done = n; done == 100 {
			cmd.Process.Kill() // SIGKILL
			break
		}
	}
	cmd.Wait()
	if done != 100 {
		t.Fatalf("helper reported %d messages before it ended, want 100", done)
	}

	db := openDB(t, dir)
	o := mustOpen(t, db, "ob/", "veh")
	ms := mustPending(t, o, "hub", 0)
	if len(ms) < int(done) {
		t.Fatalf("%d messages on disk, helper reported %d enqueued", len(ms), done)
	}
	for i, m := range ms {
		if m.Seq != uint64(i+1) || string(m.Body) != strconv.Itoa(i+1) {
			t.Fatalf("message %d = seq %d body %s", i, m.Seq, m.Body)
		}
	}
	in, err := OpenInbox(db, "ib/")
	if err != nil {
		t.Fatal(err)
	}
	last := in.Last("veh", "hub")
	if last < done || last > uint64(len(ms)) {
		t.Fatalf("inbox last = %d, want %d..%d", last, done, len(ms))
	}
	if applied := countKeys(t, db, "applied/"); applied != int(last) {
		t.Fatalf("%d applied writes on disk, inbox last is %d", applied, last)
	}
	if m := mustEnqueue(t, o, "hub", 0); m.Seq != uint64(len(ms))+1 {
		t.Fatalf("next seq after kill = %d, want %d", m.Seq, len(ms)+1)
	}
}

// TestKillHelper is TestKill9's subprocess; it does nothing in a normal run.
func TestKillHelper(t *testing.T) {
	dir := os.Getenv(killEnv)
	if dir == "" {
		t.Skip("helper process for TestKill9")
	}
	db := openDB(t, dir)
	o := mustOpen(t, db, "ob/", "veh")
	in, err := OpenInbox(db, "ib/")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; ; i++ {
		m := mustEnqueue(t, o, "hub", i)
		if _, err := in.Apply(m, func(txn *badger.Txn) error {
			return txn.Set(fmt.Appendf(nil, "applied/%020d", m.Seq), m.Body)
		}); err != nil {
			t.Fatal(err)
		}
		fmt.Println(i)
	}
}

func countKeys(t testing.TB, db *badger.DB, prefix string) int {
	t.Helper()
	n := 0
	err := db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func BenchmarkEnqueueAck(b *testing.B) {
	o := mustOpen(b, openDB(b, b.TempDir()), "ob/", "hub")
	body := map[string]any{"action": "goto", "lat": 50.08, "lon": 14.42}
	n := 0
	for b.Loop() {
		m, err := o.Enqueue("veh-1", "instruction", body)
		if err != nil {
			b.Fatal(err)
		}
		n++
		if n%16 == 0 { // a receiver acking every 16 messages
			if err := o.Ack("veh-1", m.Seq); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}
