package archive

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fieldwatch/hub/alerts"
	"fieldwatch/hub/store"
	"fieldwatch/internal/segfile"
	"fieldwatch/internal/vntime"
	"fieldwatch/protocol/evidence"
	"fieldwatch/sim/clip"
)

var t0 = time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)

type seg struct {
	m    evidence.Manifest
	data []byte
}

// makeChain records n segments of 2 s each from the test clip, signed and chained.
func makeChain(t testing.TB, priv ed25519.PrivateKey, vehicle string, n int, breaks map[int]time.Duration) []seg {
	t.Helper()
	c := clip.Default()
	dir := t.TempDir()
	var out []seg
	start := t0
	prev := ""
	for i := 1; i <= n; i++ {
		brk := evidence.BreakNone
		if i == 1 {
			brk = evidence.BreakStart
		}
		if d, ok := breaks[i]; ok {
			start = start.Add(d)
			brk = evidence.BreakRestart
		}
		path := filepath.Join(dir, "s.mp4")
		os.Remove(path)
		w, err := segfile.Create(path, segfile.Tracks{SPS: c.SPS, PPS: c.PPS})
		if err != nil {
			t.Fatal(err)
		}
		for f := range 50 {
			w.Video(time.Duration(f)*c.FrameDuration, c.Video[f].NALUs)
			if f == 25 {
				w.Flush()
			}
		}
		w.Close()
		data, _ := os.ReadFile(path)
		st := w.Stats()
		sum := sha256.Sum256(data)
		m := evidence.Manifest{Version: evidence.Version, Vehicle: vehicle, Camera: "cam1", Seq: uint64(i),
			Start: start, End: start.Add(st.Duration), Frames: st.Frames, Size: int64(len(data)),
			SHA256: hex.EncodeToString(sum[:]), Prev: prev, Break: brk, Video: "avc1.42c01e"}
		m.Sign(priv)
		prev = m.Digest()
		start = m.End
		out = append(out, seg{m, data})
	}
	return out
}

type fixture struct {
	a    *Archive
	al   *alerts.Store
	priv ed25519.PrivateKey
	now  time.Time
	mu   sync.Mutex
}

func newFixture(t *testing.T, mod func(*Config)) *fixture {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{now: t0.Add(time.Hour)}
	f.al = alerts.New(db, 0, nil)
	cfg := Config{Dir: t.TempDir(), Retention: 365 * 24 * time.Hour, SweepInterval: time.Hour, Now: f.clock}
	if mod != nil {
		mod(&cfg)
	}
	f.a, err = New(cfg, db, f.al, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, f.priv, _ = ed25519.GenerateKey(rand.Reader)
	if err := f.a.RegisterKey("xe-01", evidence.EncodeKey(f.priv.Public().(ed25519.PublicKey))); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) clock() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }

func (f *fixture) upload(t *testing.T, s seg) {
	t.Helper()
	st, err := f.a.Upload(&s.m, 0, bytes.NewReader(s.data))
	if err != nil || !st.Complete {
		t.Fatalf("upload %d: %+v %v", s.m.Seq, st, err)
	}
}

func (f *fixture) alertKinds() string {
	as, _ := f.al.List(100, nil)
	var k []string
	for _, a := range as {
		k = append(k, a.Kind)
	}
	return strings.Join(k, ",")
}

func TestUploadResumesAndIsIdempotent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	s := makeChain(t, f.priv, "xe-01", 1, nil)[0]
	// A cut after 1000 bytes: the hub keeps them.
	st, err := f.a.Upload(&s.m, 0, io.MultiReader(bytes.NewReader(s.data[:1000]), errReader{}))
	if err == nil || st.Offset != 1000 || st.Complete {
		t.Fatalf("cut upload: %+v %v", st, err)
	}
	if st, _ := f.a.Status(&s.m); st.Offset != 1000 {
		t.Fatalf("status after cut: %+v", st)
	}
	// Resuming from the wrong offset is refused with the right one.
	if st, err := f.a.Upload(&s.m, 0, bytes.NewReader(s.data)); !errors.Is(err, ErrOffset) || st.Offset != 1000 {
		t.Fatalf("wrong offset: %+v %v", st, err)
	}
	st, err = f.a.Upload(&s.m, 1000, bytes.NewReader(s.data[1000:]))
	if err != nil || !st.Complete {
		t.Fatalf("resume: %+v %v", st, err)
	}
	// A replay is a no-op.
	st, err = f.a.Upload(&s.m, 0, bytes.NewReader(s.data))
	if err != nil || !st.Complete {
		t.Fatalf("replay: %+v %v", st, err)
	}
	recs, _ := f.a.Segments("xe-01", "cam1", t0, t0.Add(time.Minute))
	if len(recs) != 1 {
		t.Fatalf("%d records, want 1", len(recs))
	}
	got, _ := os.ReadFile(f.a.File(&recs[0]))
	if !bytes.Equal(got, s.data) {
		t.Fatal("stored file differs from the upload")
	}
	days, _ := f.a.Transfers(vntime.Day(f.clock()), nil)
	if len(days) != 1 || days[0].SegmentsSent != 1 || days[0].SegmentsApplied != 1 || days[0].BytesApplied != s.m.Size || len(days[0].Files) != 1 {
		t.Fatalf("transfers %+v", days)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestTamperRejected(t *testing.T) {
	t.Parallel()
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, f *fixture, ss []seg) seg // uploads what comes before, returns the bad one
		want  error
		kind  string
	}{
		{"flipped byte", func(t *testing.T, f *fixture, ss []seg) seg {
			s := ss[0]
			s.data = bytes.Clone(s.data)
			s.data[len(s.data)/2] ^= 1
			return s
		}, evidence.ErrHash, alerts.KindTamper},
		{"replaced segment", func(t *testing.T, f *fixture, ss []seg) seg {
			f.upload(t, ss[0])
			alt := makeChain(t, f.priv, "xe-01", 2, map[int]time.Duration{2: time.Second})[1]
			alt.m.Seq, alt.m.Prev = 1, ""
			alt.m.Break = evidence.BreakStart
			alt.m.Sign(f.priv)
			return alt
		}, ErrConflict, alerts.KindTamper},
		{"another vehicle's key", func(t *testing.T, f *fixture, ss []seg) seg {
			s := ss[0]
			s.m.Sign(other)
			return s
		}, evidence.ErrWrongKey, alerts.KindTamper},
		{"reordered chain", func(t *testing.T, f *fixture, ss []seg) seg {
			f.upload(t, ss[0])
			f.upload(t, ss[1])
			s := ss[2]
			s.m.Prev = ss[0].m.Digest() // claims to follow segment 1
			s.m.Sign(f.priv)
			return s
		}, evidence.ErrChain, alerts.KindTamper},
		{"chain broken from the other side", func(t *testing.T, f *fixture, ss []seg) seg {
			f.upload(t, ss[2])
			s := ss[1]
			s.m.End = s.m.End.Add(time.Millisecond) // then 3's Prev no longer names it
			s.m.Sign(f.priv)
			return s
		}, evidence.ErrChain, alerts.KindTamper},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			ss := makeChain(t, f.priv, "xe-01", 3, nil)
			bad := tc.setup(t, f, ss)
			st, err := f.a.Upload(&bad.m, 0, bytes.NewReader(bad.data))
			if !errors.Is(err, tc.want) || st.Complete {
				t.Fatalf("got %+v %v, want %v", st, err, tc.want)
			}
			if !strings.Contains(f.alertKinds(), tc.kind) {
				t.Fatalf("no %s alert: %s", tc.kind, f.alertKinds())
			}
			// Nothing of the bad segment is kept as evidence.
			recs, _ := f.a.Segments("xe-01", "cam1", t0.Add(-time.Hour), t0.Add(time.Hour))
			for _, r := range recs {
				if r.Manifest.Seq == bad.m.Seq && r.Manifest.Digest() == bad.m.Digest() {
					t.Fatal("bad segment was stored")
				}
			}
		})
	}
}

func TestKeyConflictAlerts(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	if err := f.a.RegisterKey("xe-01", evidence.EncodeKey(other.Public().(ed25519.PublicKey))); !errors.Is(err, ErrKeyConflict) {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(f.alertKinds(), alerts.KindKeyConflict) {
		t.Fatal("no alert")
	}
}

func TestTimelineExplainsGaps(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ss := makeChain(t, f.priv, "xe-01", 6, map[int]time.Duration{4: 10 * time.Second})
	for _, i := range []int{0, 1, 3, 4} { // segment 3 is still on the vehicle; 6 not sent yet
		f.upload(t, ss[i])
	}
	tl, err := f.a.Timeline("xe-01", "cam1", t0.Add(-5*time.Second), ss[5].m.End.Add(5*time.Second), VehicleState{Online: true})
	if err != nil {
		t.Fatal(err)
	}
	// Segment 3 is not at the hub: its part of the gap and the restart after it are "syncing" until it arrives.
	want := []string{GapNoRecording, GapSyncing, GapSyncing}
	if len(tl.Gaps) != len(want) {
		t.Fatalf("gaps %+v", tl.Gaps)
	}
	for i, g := range tl.Gaps {
		if g.Reason != want[i] {
			t.Fatalf("gap %d: %s, want %s (%+v)", i, g.Reason, want[i], tl.Gaps)
		}
	}
	if len(tl.Ranges) != 2 || !tl.Ranges[0].Start.Equal(t0) || !tl.Ranges[0].End.Equal(ss[1].m.End) {
		t.Fatalf("ranges %+v", tl.Ranges)
	}
	// Backfill closes the gaps.
	f.upload(t, ss[2])
	f.upload(t, ss[5])
	tl, _ = f.a.Timeline("xe-01", "cam1", t0, ss[5].m.End, VehicleState{})
	if len(tl.Gaps) != 1 || tl.Gaps[0].Reason != GapVehicleOff || len(tl.Ranges) != 2 {
		t.Fatalf("after backfill: %+v", tl)
	}
}

func TestLostSegmentKeepsChain(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ss := makeChain(t, f.priv, "xe-01", 3, nil)
	f.upload(t, ss[0])
	if err := f.a.Lost(&ss[1].m); err != nil {
		t.Fatal(err)
	}
	f.upload(t, ss[2]) // chains to the lost segment's manifest
	tl, _ := f.a.Timeline("xe-01", "cam1", t0, ss[2].m.End, VehicleState{})
	if len(tl.Gaps) != 1 || tl.Gaps[0].Reason != GapEvicted {
		t.Fatalf("timeline %+v", tl)
	}
	if !strings.Contains(f.alertKinds(), alerts.KindUnsyncedEvicted) {
		t.Fatal("no alert for the lost segment")
	}
}

func TestRetentionKeepsHolds(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *Config) { c.Retention = 24 * time.Hour })
	ss := makeChain(t, f.priv, "xe-01", 4, nil)
	for _, s := range ss {
		f.upload(t, s)
	}
	if _, err := f.a.AddHold(Hold{Vehicle: "xe-01", Camera: "cam1", Start: ss[1].m.Start.Add(time.Second), End: ss[1].m.End, Reason: "vụ việc 12/2026", CreatedBy: "lanhdao"}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.now = t0.Add(25 * time.Hour)
	f.mu.Unlock()
	n, err := f.a.Sweep()
	if err != nil || n != 3 {
		t.Fatalf("swept %d %v, want 3", n, err)
	}
	recs, _ := f.a.Segments("xe-01", "cam1", t0.Add(-time.Hour), t0.Add(time.Hour))
	if len(recs) != 1 || recs[0].Manifest.Seq != 2 {
		t.Fatalf("left %+v", recs)
	}
	if _, err := os.Stat(f.a.File(&recs[0])); err != nil {
		t.Fatal(err)
	}
}

// fullDisk fails writes with ENOSPC after a number of bytes.
type fullDisk struct {
	mu   sync.Mutex
	left int64
}

type fullFile struct {
	*os.File
	d *fullDisk
}

func (d *fullDisk) open(path string) (PartFile, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	return &fullFile{f, d}, nil
}

// ReadFrom hides *os.File's, so that io.Copy goes through Write.
func (f *fullFile) ReadFrom(r io.Reader) (int64, error) { return io.Copy(struct{ io.Writer }{f}, r) }

func (f *fullFile) Write(p []byte) (int, error) {
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if int64(len(p)) > f.d.left {
		n, _ := f.File.Write(p[:f.d.left])
		f.d.left = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.d.left -= int64(len(p))
	return f.File.Write(p)
}

func TestHubDiskFull(t *testing.T) {
	t.Parallel()
	disk := &fullDisk{left: 5000}
	f := newFixture(t, func(c *Config) { c.OpenPart = disk.open })
	s := makeChain(t, f.priv, "xe-01", 1, nil)[0]
	st, err := f.a.Upload(&s.m, 0, bytes.NewReader(s.data))
	if !errors.Is(err, ErrHubStorage) || st.Complete || st.Offset != 5000 {
		t.Fatalf("got %+v %v", st, err)
	}
	if !strings.Contains(f.alertKinds(), alerts.KindHubStorage) {
		t.Fatal("no alert")
	}
	disk.mu.Lock()
	disk.left = 1 << 30
	disk.mu.Unlock()
	st, err = f.a.Upload(&s.m, st.Offset, bytes.NewReader(s.data[st.Offset:]))
	if err != nil || !st.Complete {
		t.Fatalf("after space returned: %+v %v", st, err)
	}
	recs, _ := f.a.Segments("xe-01", "cam1", t0, t0.Add(time.Minute))
	got, _ := os.ReadFile(f.a.File(&recs[0]))
	if !bytes.Equal(got, s.data) {
		t.Fatal("stored file corrupt")
	}
}

func TestResumeWithoutPartialCreatesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	s := makeChain(t, f.priv, "xe-01", 1, nil)[0]
	if st, err := f.a.Upload(&s.m, 5000, bytes.NewReader(s.data[5000:])); !errors.Is(err, ErrOffset) || st.Offset != 0 {
		t.Fatalf("got %+v %v", st, err)
	}
	if _, err := os.Stat(f.a.partPath(&s.m)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a resume of nothing left a partial file: %v", err)
	}
}
