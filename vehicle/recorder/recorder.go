// Package recorder records every camera of a vehicle, all the time, into
// signed fragmented-MP4 segments (internal/segfile) chained per camera
// (protocol/evidence), indexed in Badger. It keeps the recordings inside a
// disk budget, evicting what the hub already has first, and recovers torn
// segments after a crash. The sync agent takes closed segments from here.
package recorder

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	"fieldwatch/internal/segfile"
	"fieldwatch/protocol/evidence"
)

// Full-storage policies.
const (
	// OnFullOverwrite evicts the oldest unsynced segment (after raising the alarm and reporting its manifest to the hub as lost).
	OnFullOverwrite = "overwrite_oldest"
	// OnFullStop stops recording until space returns, keeping every unsynced segment.
	OnFullStop = "stop"
)

// Config configures the recorder.
type Config struct {
	Vehicle string
	// Dir holds the key, the index and the segment files.
	Dir string
	// SegmentDuration is the length of a segment; a segment is closed at the first keyframe after it.
	SegmentDuration time.Duration
	// FragmentDuration is how much is buffered before a fragment is written and synced (cut at a keyframe).
	FragmentDuration time.Duration
	// BudgetBytes caps the recordings on disk.
	BudgetBytes int64
	// OnFull is OnFullOverwrite or OnFullStop.
	OnFull string
	// Open creates segment files; nil = the real filesystem (tests inject a disk that fills up).
	Open segfile.OpenFunc
	// Now is the wall clock; nil = time.Now.
	Now func() time.Time
}

// maxFragment flushes a fragment even without a keyframe (cameras with very long GOPs).
const maxFragment = 5 * time.Second

// Storage alarms.
const (
	AlarmNone = ""
	AlarmLow  = "low"  // unsynced recordings fill most of the budget
	AlarmFull = "full" // the budget or the disk is full of unsynced recordings
)

// Recorder owns the recordings of one vehicle.
type Recorder struct {
	cfg  Config
	log  *slog.Logger
	key  ed25519.PrivateKey
	idx  *index
	cams map[string]*Camera

	mu       sync.Mutex
	segs     map[string][]*Segment // not yet deleted, in Seq order
	openSize map[string]int64
	used     int64
	alarm    string
	alarmMsg string
	stopped  bool // OnFullStop in force
	// diskLimit caps the budget after the disk itself filled up, until diskLimitUntil.
	diskLimit      int64
	diskLimitUntil time.Time
	lastCheck      time.Time
	changed        chan struct{}
}

// Open opens the recorder's index and key and recovers segments torn by a crash.
func Open(cfg Config, log *slog.Logger) (*Recorder, error) {
	if log == nil {
		log = slog.Default()
	}
	if cfg.SegmentDuration <= 0 || cfg.FragmentDuration <= 0 || cfg.BudgetBytes <= 0 {
		return nil, errors.New("recorder: segment, fragment and budget must be positive")
	}
	if cfg.OnFull != OnFullOverwrite && cfg.OnFull != OnFullStop {
		return nil, fmt.Errorf("recorder: on_full %q must be %s or %s", cfg.OnFull, OnFullOverwrite, OnFullStop)
	}
	if cfg.Open == nil {
		cfg.Open = segfile.OSOpen
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Join(cfg.Dir, "segments"), 0o755); err != nil {
		return nil, fmt.Errorf("recorder: %w", err)
	}
	key, err := LoadOrCreateKey(filepath.Join(cfg.Dir, "signing.key"))
	if err != nil {
		return nil, err
	}
	idx, err := openIndex(filepath.Join(cfg.Dir, "index"), log)
	if err != nil {
		return nil, err
	}
	r := &Recorder{cfg: cfg, log: log.With("component", "recorder"), key: key, idx: idx,
		cams: map[string]*Camera{}, openSize: map[string]int64{}, changed: make(chan struct{}, 1)}
	if r.segs, err = idx.segments(); err != nil {
		idx.close()
		return nil, err
	}
	for _, ss := range r.segs {
		for _, s := range ss {
			if s.State != StateLost {
				r.used += s.Manifest.Size
			}
		}
	}
	return r, nil
}

// PublicKey is the key that signs this vehicle's segments (registered with the hub).
func (r *Recorder) PublicKey() ed25519.PublicKey { return r.key.Public().(ed25519.PublicKey) }

// Camera returns the sink that records camera id, recovering a segment the
// last run left open. Call before Run.
func (r *Recorder) Camera(id string) (*Camera, error) {
	if c := r.cams[id]; c != nil {
		return c, nil
	}
	st, err := r.idx.camState(id)
	if err != nil {
		return nil, err
	}
	if st.Open != nil {
		if err := r.recover(id, &st); err != nil {
			return nil, err
		}
	}
	brk := evidence.BreakRestart
	if st.NextSeq == 1 {
		brk = evidence.BreakStart
	}
	c := newCamera(r, id, st, brk)
	r.cams[id] = c
	return c, nil
}

// recover closes the segment a crash left open: trimmed to its last whole
// fragment, signed and marked Recovered; or dropped if nothing in it survived.
func (r *Recorder) recover(cam string, st *camState) error {
	o := st.Open
	stats, trimmed, err := segfile.Recover(o.Path)
	if err != nil || stats.Frames == 0 {
		r.log.Warn("torn segment had no whole fragment; removed", "camera", cam, "seq", o.Seq, "err", err)
		if rmErr := os.Remove(o.Path); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
			return fmt.Errorf("recorder: remove torn segment: %w", rmErr)
		}
		st.Open = nil
		return r.idx.put(cam, st)
	}
	hash, err := hashFile(o.Path)
	if err != nil {
		return err
	}
	m := r.manifest(cam, st, o, stats, hash)
	m.Recovered, m.Trimmed = true, trimmed
	m.Sign(r.key)
	r.log.Warn("recovered a segment torn by a crash", "camera", cam, "seq", o.Seq, "frames", stats.Frames, "trimmed_bytes", trimmed)
	return r.commit(cam, st, &m, o.Path)
}

func (r *Recorder) manifest(cam string, st *camState, o *openSeg, s segfile.Stats, hash string) evidence.Manifest {
	return evidence.Manifest{
		Version: evidence.Version, Vehicle: r.cfg.Vehicle, Camera: cam, Seq: o.Seq,
		Start: o.Start, End: o.Start.Add(s.Duration), Frames: s.Frames, AudioFrames: s.AudioFrames,
		Size: s.Size, SHA256: hash, Prev: st.Prev, Break: o.Break, Video: o.Video, Audio: o.Audio,
	}
}

// commit records a closed, signed segment and advances the camera's chain.
func (r *Recorder) commit(cam string, st *camState, m *evidence.Manifest, path string) error {
	st.NextSeq = m.Seq + 1
	st.Prev = m.Digest()
	st.PrevEnd = m.End
	st.Open = nil
	seg := &Segment{Manifest: *m, Path: path, State: StateLocal, ClosedAt: r.cfg.Now()}
	if err := r.idx.put(cam, st, seg); err != nil {
		return err
	}
	r.mu.Lock()
	r.segs[cam] = append(r.segs[cam], seg)
	r.used += m.Size
	r.openSize[cam] = 0
	r.mu.Unlock()
	r.signal()
	return nil
}

func (r *Recorder) signal() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// Changed is signalled when a segment closes or a segment's state changes.
func (r *Recorder) Changed() <-chan struct{} { return r.changed }

// Run records until ctx ends, then closes every open segment cleanly.
func (r *Recorder) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, c := range r.cams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.run(ctx)
		}()
	}
	wg.Wait()
	return nil
}

// Close closes the index. Call after Run returns.
func (r *Recorder) Close() error { return r.idx.close() }

// isDiskFull tells a full disk from other storage errors.
func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// Pending lists segments the hub does not have yet, oldest first across
// cameras: closed segments to upload, and lost ones whose manifest is owed.
func (r *Recorder) Pending() []Segment {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Segment
	for _, ss := range r.segs {
		for _, s := range ss {
			if s.State == StateLocal || s.State == StateLost {
				out = append(out, *s)
			}
		}
	}
	slices.SortFunc(out, func(a, b Segment) int {
		if c := a.Manifest.Start.Compare(b.Manifest.Start); c != 0 {
			return c
		}
		return int(a.Manifest.Seq) - int(b.Manifest.Seq)
	})
	return out
}

// Segments lists a camera's segments still in the index, in Seq order.
func (r *Recorder) Segments(cam string) []Segment {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Segment, 0, len(r.segs[cam]))
	for _, s := range r.segs[cam] {
		out = append(out, *s)
	}
	return out
}

// Confirmed marks a segment as held by the hub: its file may now be evicted,
// and a lost segment's record is dropped.
func (r *Recorder) Confirmed(cam string, seq uint64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	ss := r.segs[cam]
	i := slices.IndexFunc(ss, func(s *Segment) bool { return s.Manifest.Seq == seq })
	if i < 0 {
		return nil
	}
	s := ss[i]
	switch s.State {
	case StateLost:
		if err := r.idx.deleteSeg(cam, seq); err != nil {
			return err
		}
		r.segs[cam] = slices.Delete(ss, i, i+1)
	case StateLocal:
		cp := *s
		cp.State = StateSynced
		if err := r.idx.put(cam, nil, &cp); err != nil {
			return err
		}
		s.State = StateSynced
	}
	r.lastCheck = time.Time{}
	r.evictLocked(0)
	return nil
}
