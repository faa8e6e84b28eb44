package recorder

import (
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"fieldwatch/internal/segfile"
	"fieldwatch/protocol/evidence"
	"fieldwatch/sim/clip"
	"fieldwatch/vehicle/capture"
)

var t0 = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)

// feeder drives a Camera with the test clip on a fake clock, synchronously.
type feeder struct {
	c     *Camera
	clk   *clock
	frame int
	audio int
	base  time.Duration
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (k *clock) Now() time.Time  { k.mu.Lock(); defer k.mu.Unlock(); return k.now }
func (k *clock) set(t time.Time) { k.mu.Lock(); k.now = t; k.mu.Unlock() }

func (f *feeder) describe() {
	f.c.handle(event{kind: 'd', desc: capture.Description{VideoCodec: "H264", AudioCodec: "opus", AudioClockRate: 48000, AudioChannels: 1}})
}

// frames feeds n video frames (and the audio between them).
func (f *feeder) frames(n int) {
	c := clip.Default()
	for range n {
		pts := f.base + time.Duration(f.frame)*c.FrameDuration
		for ; f.base+time.Duration(f.audio)*c.AudioFrameDuration < pts; f.audio++ {
			f.c.handle(event{kind: 'a', pts: f.base + time.Duration(f.audio)*c.AudioFrameDuration, payload: c.Audio[f.audio%len(c.Audio)]})
		}
		f.clk.set(t0.Add(pts))
		f.c.handle(event{kind: 'v', pts: pts, au: c.Video[f.frame%len(c.Video)].NALUs, at: f.clk.Now()})
		f.frame++
	}
}

func newTestRecorder(t testing.TB, dir string, clk *clock, mod func(*Config)) *Recorder {
	t.Helper()
	cfg := Config{Vehicle: "xe-01", Dir: dir, SegmentDuration: 4 * time.Second, FragmentDuration: time.Second,
		BudgetBytes: 1 << 30, OnFull: OnFullOverwrite, Now: clk.Now}
	if mod != nil {
		mod(&cfg)
	}
	r, err := Open(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkChain verifies every closed segment of cam: signature, file, chain.
func checkChain(t *testing.T, r *Recorder, cam string) []evidence.Manifest {
	t.Helper()
	var ms []evidence.Manifest
	for _, s := range r.segs[cam] {
		m := s.Manifest
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		if err := m.VerifySignature(r.PublicKey()); err != nil {
			t.Fatal(err)
		}
		if s.State != StateLost {
			f, err := os.Open(s.Path)
			if err != nil {
				t.Fatal(err)
			}
			err = evidence.VerifyFile(f, &m)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			seg, err := segfile.ReadFile(s.Path)
			if err != nil {
				t.Fatal(err)
			}
			if got := seg.Stats().Frames; got != m.Frames {
				t.Fatalf("segment %d: manifest says %d frames, file has %d", m.Seq, m.Frames, got)
			}
		}
		ms = append(ms, m)
	}
	if err := evidence.VerifyChain(ms); err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestRecordsSignedChainedSegments(t *testing.T) {
	clk := &clock{now: t0}
	r := newTestRecorder(t, t.TempDir(), clk, nil)
	defer r.Close()
	c, err := r.Camera("cam1")
	if err != nil {
		t.Fatal(err)
	}
	f := &feeder{c: c, clk: clk}
	f.describe()
	f.frames(25 * 21) // 21 s
	c.closeSegment()
	ms := checkChain(t, r, "cam1")
	if len(ms) != 6 { // 4 s segments: 5 whole and the last second
		t.Fatalf("%d segments, want 6", len(ms))
	}
	total := 0
	for i, m := range ms {
		total += m.Frames
		if i > 0 && (m.Break != evidence.BreakNone || !m.Start.Equal(ms[i-1].End)) {
			t.Fatalf("segment %d is not seamless: break %q, start %s, previous end %s", m.Seq, m.Break, m.Start, ms[i-1].End)
		}
	}
	if total != 25*21 || ms[0].Break != evidence.BreakStart || !ms[0].Start.Equal(t0) {
		t.Fatalf("frames %d, first %+v", total, ms[0])
	}
	if b := r.Backlog(); b.Segments != 6 || !b.Oldest.Equal(t0) {
		t.Fatalf("backlog %+v", b)
	}
}

func TestCrashRecoveryContinuesChain(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{now: t0}
	r := newTestRecorder(t, dir, clk, nil)
	c, _ := r.Camera("cam1")
	f := &feeder{c: c, clk: clk}
	f.describe()
	f.frames(25*6 + 12) // segment 1 closed at 4 s; segment 2 open with 2 whole fragments and some buffered
	open := c.open.Path
	onDisk := c.file.Stats()
	// kill -9: nothing more is written; a torn fragment is left half-written.
	fh, _ := os.OpenFile(open, os.O_WRONLY|os.O_APPEND, 0)
	fh.Write([]byte{0, 0, 1, 0, 'm', 'o', 'o', 'f', 0, 0, 0})
	fh.Close()
	c.file.Abort()
	r.Close()

	clk.set(t0.Add(time.Minute))
	r2 := newTestRecorder(t, dir, clk, nil)
	defer r2.Close()
	c2, err := r2.Camera("cam1")
	if err != nil {
		t.Fatal(err)
	}
	ms := checkChain(t, r2, "cam1")
	if len(ms) != 2 || !ms[1].Recovered || ms[1].Trimmed != 11 || ms[1].Frames != onDisk.Frames || ms[1].Size != onDisk.Size {
		t.Fatalf("recovered %+v; on disk before the crash %+v", ms[len(ms)-1], onDisk)
	}
	f2 := &feeder{c: c2, clk: clk, base: time.Minute}
	f2.describe()
	f2.frames(50)
	c2.closeSegment()
	ms = checkChain(t, r2, "cam1")
	if last := ms[len(ms)-1]; last.Break != evidence.BreakRestart || last.Seq != 3 {
		t.Fatalf("segment after restart: %+v", last)
	}
}

func TestBudgetEvictsSyncedFirst(t *testing.T) {
	clk := &clock{now: t0}
	r := newTestRecorder(t, t.TempDir(), clk, func(c *Config) { c.BudgetBytes = 3 << 20 })
	defer r.Close()
	c, _ := r.Camera("cam1")
	f := &feeder{c: c, clk: clk}
	f.describe()
	f.frames(25 * 9) // two 4 s segments, ~0.8 MB each
	for _, s := range r.Pending() {
		if err := r.Confirmed(s.Manifest.Camera, s.Manifest.Seq); err != nil {
			t.Fatal(err)
		}
	}
	f.frames(25 * 12) // past the budget: the synced ones go first
	st := r.Storage()
	if st.UsedBytes > st.BudgetBytes {
		t.Fatalf("used %d over budget %d", st.UsedBytes, st.BudgetBytes)
	}
	if r.segs["cam1"][0].Manifest.Seq == 1 {
		t.Fatal("oldest synced segment was not evicted")
	}
	for _, s := range r.segs["cam1"] {
		if s.State == StateLost {
			t.Fatalf("segment %d lost while synced ones were there to evict", s.Manifest.Seq)
		}
	}
}

func TestFullOfUnsyncedPolicies(t *testing.T) {
	for _, policy := range []string{OnFullOverwrite, OnFullStop} {
		t.Run(policy, func(t *testing.T) {
			clk := &clock{now: t0}
			r := newTestRecorder(t, t.TempDir(), clk, func(c *Config) { c.BudgetBytes = 3 << 20; c.OnFull = policy })
			defer r.Close()
			c, _ := r.Camera("cam1")
			f := &feeder{c: c, clk: clk}
			f.describe()
			f.frames(25 * 30)
			st := r.Storage()
			// The budget may be passed by the fragment being written when the check runs.
			if st.Alarm != AlarmFull || st.UsedBytes > st.BudgetBytes+512<<10 {
				t.Fatalf("storage %+v", st)
			}
			b := r.Backlog()
			switch policy {
			case OnFullOverwrite:
				// Recording went on; the oldest unsynced segments are lost but their manifests are owed to the hub.
				if b.Lost == 0 || !st.Recording {
					t.Fatalf("backlog %+v storage %+v", b, st)
				}
				pend := r.Pending()
				if pend[0].State != StateLost || pend[0].Manifest.Seq != 1 {
					t.Fatalf("first pending %+v", pend[0])
				}
			case OnFullStop:
				if b.Lost != 0 || st.Recording {
					t.Fatalf("backlog %+v storage %+v", b, st)
				}
				// The hub confirms what it has: room returns and recording resumes with an honest break.
				for _, s := range r.Pending() {
					r.Confirmed(s.Manifest.Camera, s.Manifest.Seq)
				}
				f.frames(25 * 3)
				if !r.Storage().Recording || c.open == nil || c.open.Break != evidence.BreakStorage {
					t.Fatalf("did not resume: %+v open %+v", r.Storage(), c.open)
				}
			}
			checkChain(t, r, "cam1")
		})
	}
}

// quotaDisk fails writes with ENOSPC once its quota is used up.
type quotaDisk struct {
	mu    sync.Mutex
	left  int64
	files []*quotaFile
}

type quotaFile struct {
	*os.File
	d *quotaDisk
}

func (d *quotaDisk) open(path string) (segfile.Handle, error) {
	f, err := segfile.OSOpen(path)
	if err != nil {
		return nil, err
	}
	return &quotaFile{File: f.(*os.File), d: d}, nil
}

func (q *quotaFile) Write(p []byte) (int, error) {
	q.d.mu.Lock()
	defer q.d.mu.Unlock()
	if int64(len(p)) > q.d.left {
		n, _ := q.File.Write(p[:q.d.left]) // a partial write, as a real full disk does
		q.d.left = 0
		return n, &os.PathError{Op: "write", Path: q.Name(), Err: syscall.ENOSPC}
	}
	q.d.left -= int64(len(p))
	return q.File.Write(p)
}

func TestDiskFullMidFragment(t *testing.T) {
	clk := &clock{now: t0}
	disk := &quotaDisk{left: 2 << 20}
	r := newTestRecorder(t, t.TempDir(), clk, func(c *Config) { c.Open = disk.open; c.OnFull = OnFullStop })
	defer r.Close()
	c, _ := r.Camera("cam1")
	f := &feeder{c: c, clk: clk}
	f.describe()
	f.frames(25 * 20)
	st := r.Storage()
	if st.Alarm != AlarmFull || st.Recording {
		t.Fatalf("storage after disk full: %+v", st)
	}
	ms := checkChain(t, r, "cam1") // every file on disk is whole and verifies: no corruption
	// Space returns (the hub confirmed the backlog, files evicted; the disk itself grows).
	disk.mu.Lock()
	disk.left = 64 << 20
	disk.mu.Unlock()
	for _, s := range r.Pending() {
		r.Confirmed(s.Manifest.Camera, s.Manifest.Seq)
	}
	f.frames(25 * 8)
	c.closeSegment()
	after := checkChain(t, r, "cam1")
	var resumed *evidence.Manifest
	for i := range after {
		if after[i].Seq > ms[len(ms)-1].Seq && after[i].Break == evidence.BreakStorage {
			resumed = &after[i]
		}
	}
	if resumed == nil || !r.Storage().Recording {
		t.Fatalf("recording did not resume with a storage break: %+v", after[len(after)-1])
	}
}
