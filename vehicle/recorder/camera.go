package recorder

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"

	"fieldwatch/internal/segfile"
	"fieldwatch/protocol/evidence"
	"fieldwatch/vehicle/capture"
)

// queueLen bounds the frames waiting for the disk (about 20 s of video and audio).
const queueLen = 1500

type event struct {
	kind    byte // 'd' describe, 'v' video, 'a' audio
	desc    capture.Description
	pts     time.Duration
	au      [][]byte
	payload []byte
	at      time.Time // arrival (wall clock)
}

// Camera records one camera. It is the camera's capture.Sink: the capture
// goroutine hands frames over without waiting for the disk.
type Camera struct {
	r   *Recorder
	id  string
	log *slog.Logger
	q   chan event

	dropped atomic.Uint64 // frames lost because the disk fell behind
	frames  atomic.Uint64 // video frames written

	// Owned by run.
	st        camState
	nextBreak string
	desc      capture.Description
	sps, pps  []byte
	file      *segfile.File
	open      *openSeg
	startPTS  time.Duration
	anchor    time.Time // wall clock of pts 0
	retryAt   time.Time // after a storage failure, when to try again
	lastSize  int64
}

func newCamera(r *Recorder, id string, st camState, brk string) *Camera {
	return &Camera{r: r, id: id, log: r.log.With("camera", id), q: make(chan event, queueLen), st: st, nextBreak: brk}
}

// Describe implements capture.Sink.
func (c *Camera) Describe(d capture.Description) { c.put(event{kind: 'd', desc: d}) }

// Video implements capture.Sink.
func (c *Camera) Video(pts time.Duration, au [][]byte) {
	cp := make([][]byte, len(au))
	for i, n := range au {
		cp[i] = bytes.Clone(n)
	}
	c.put(event{kind: 'v', pts: pts, au: cp, at: c.r.cfg.Now()})
}

// Audio implements capture.Sink.
func (c *Camera) Audio(pts time.Duration, payload []byte) {
	c.put(event{kind: 'a', pts: pts, payload: bytes.Clone(payload)})
}

func (c *Camera) put(e event) {
	select {
	case c.q <- e:
	default:
		if c.dropped.Add(1)%100 == 1 {
			c.log.Error("recorder queue full: the disk is too slow; frames dropped", "dropped", c.dropped.Load())
		}
	}
}

// Dropped counts frames lost because the disk fell behind.
func (c *Camera) Dropped() uint64 { return c.dropped.Load() }

// Frames counts video frames written to segments.
func (c *Camera) Frames() uint64 { return c.frames.Load() }

func (c *Camera) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			// Drain what already arrived, then close the segment cleanly.
			for {
				select {
				case e := <-c.q:
					c.handle(e)
					continue
				default:
				}
				break
			}
			c.closeSegment()
			return
		case e := <-c.q:
			c.handle(e)
		}
	}
}

func (c *Camera) handle(e event) {
	switch e.kind {
	case 'd':
		if c.file != nil {
			c.closeSegment()
			c.nextBreak = evidence.BreakCamera
		}
		c.desc = e.desc
	case 'v':
		c.video(e)
	case 'a':
		if c.file != nil && c.desc.AudioCodec == "opus" {
			c.file.Audio(e.pts, e.payload)
		}
	}
}

func (c *Camera) video(e event) {
	key := h264.IsRandomAccess(e.au)
	var sps, pps []byte
	for _, n := range e.au {
		if len(n) == 0 {
			continue
		}
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			sps = n
		case h264.NALUTypePPS:
			pps = n
		}
	}
	if sps != nil {
		c.sps = sps
	}
	if pps != nil {
		c.pps = pps
	}
	if c.file != nil && key {
		switch {
		case sps != nil && !bytes.Equal(sps, c.open.sps()):
			c.closeSegment() // new parameters: continue in a new segment without a gap
			c.nextBreak = evidence.BreakNone
		case e.pts-c.startPTS >= c.r.cfg.SegmentDuration:
			c.closeSegment()
			c.nextBreak = evidence.BreakNone
		case c.file.Buffered() >= c.r.cfg.FragmentDuration:
			c.flush()
		}
	} else if c.file != nil && c.file.Buffered() >= maxFragment {
		c.flush()
	}
	if c.file == nil {
		switch {
		case e.at.Before(c.retryAt):
			return
		case !c.r.recording():
			c.nextBreak = evidence.BreakStorage
			return
		case !key || c.sps == nil || c.pps == nil:
			if c.nextBreak == evidence.BreakNone {
				c.nextBreak = evidence.BreakCamera // frames were missed before this keyframe
			}
			return
		}
		if err := c.openSegment(e); err != nil {
			c.storageError(err)
			return
		}
	}
	if err := c.file.Video(e.pts, e.au); err != nil {
		c.log.Error("record frame", "err", err)
		return
	}
	c.frames.Add(1)
}

func (c *Camera) flush() {
	if err := c.file.Flush(); err != nil {
		c.closeSegment()
		c.storageError(err)
		return
	}
	if s := c.file.Stats().Size; s != c.lastSize {
		c.lastSize = s
		c.r.grew(c.id, s)
	}
	if !c.r.recording() {
		// OnFullStop: keep what is written, stop until space returns.
		c.closeSegment()
		c.nextBreak = evidence.BreakStorage
	}
}

// storageError handles a failed write: the segment so far is closed (it is
// whole up to its last fragment), space is freed by policy, and recording
// resumes at a keyframe after a pause.
func (c *Camera) storageError(err error) {
	c.nextBreak = evidence.BreakStorage
	c.retryAt = c.r.cfg.Now().Add(2 * time.Second)
	if isDiskFull(err) {
		c.r.diskFull(c.id, err)
		return
	}
	c.log.Error("storage error while recording", "err", err)
	c.r.mu.Lock()
	c.r.alarm, c.r.alarmMsg = AlarmFull, "storage error: "+err.Error()
	c.r.mu.Unlock()
}

func (o *openSeg) sps() []byte { return o.spsBytes }

func (c *Camera) openSegment(e event) error {
	now := e.at
	var start time.Time
	if c.nextBreak == evidence.BreakNone && !c.st.PrevEnd.IsZero() {
		// Continuous with the previous segment; let the anchor catch up if the camera's clock runs slow.
		start = c.anchor.Add(e.pts)
		if lag := now.Sub(start); lag > time.Second {
			c.anchor = c.anchor.Add(lag)
			start = start.Add(lag)
		}
	} else {
		start = now
	}
	// Never before the previous segment's end, whatever the clock did.
	if min := c.st.PrevEnd; !min.IsZero() && start.Before(min) {
		start = min
	}
	c.anchor = start.Add(-e.pts)
	seq := c.st.NextSeq
	day := start.UTC().Format("2006-01-02")
	dir := filepath.Join(c.r.cfg.Dir, "segments", c.id, day)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("recorder: %w", err)
	}
	tracks := segfile.Tracks{SPS: c.sps, PPS: c.pps}
	if c.desc.AudioCodec == "opus" {
		tracks.AudioChannels = max(c.desc.AudioChannels, 1)
	}
	o := &openSeg{Seq: seq, Path: filepath.Join(dir, fmt.Sprintf("%s-%08d.mp4", c.id, seq)),
		Start: start, Break: c.nextBreak, Video: tracks.VideoCodec(), Audio: tracks.AudioCodec(), spsBytes: c.sps}
	if seq == 1 {
		o.Break = evidence.BreakStart
	}
	st := c.st
	st.Open = o
	if err := c.r.idx.put(c.id, &st); err != nil {
		return err
	}
	_ = os.Remove(o.Path) // a leftover of a crash before the index knew of it
	f, err := segfile.CreateWith(c.r.cfg.Open, o.Path, tracks)
	if err != nil {
		st.Open = nil
		_ = c.r.idx.put(c.id, &st)
		return err
	}
	c.st, c.file, c.open, c.startPTS, c.lastSize = st, f, o, e.pts, 0
	return nil
}

// closeSegment finishes the open segment, signs it and commits it.
func (c *Camera) closeSegment() {
	if c.file == nil {
		return
	}
	f, o := c.file, c.open
	c.file, c.open = nil, nil
	if err := f.Close(); err != nil {
		c.log.Error("close segment", "seq", o.Seq, "err", err)
	}
	stats := f.Stats()
	if stats.Frames == 0 {
		_ = os.Remove(o.Path)
		c.st.Open = nil
		if err := c.r.idx.put(c.id, &c.st); err != nil {
			c.log.Error("drop empty segment", "err", err)
		}
		c.r.grew(c.id, 0)
		return
	}
	m := c.r.manifest(c.id, &c.st, o, stats, f.SHA256())
	m.Sign(c.r.key)
	if err := c.r.commit(c.id, &c.st, &m, o.Path); err != nil {
		c.log.Error("commit segment", "seq", o.Seq, "err", err)
		return
	}
	c.r.grew(c.id, 0)
	c.log.Debug("segment closed", "seq", m.Seq, "frames", m.Frames, "bytes", m.Size)
}
