// Package segfile writes and reads the recorder's segment files: fragmented
// MP4 (one init, then moof+mdat fragments that each start on a keyframe),
// synced to disk fragment by fragment so a crash loses at most the fragment
// being written. The vehicle records with it; the hub plays and exports
// from it; `fieldwatch verify` reads it.
package segfile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4/codecs"
)

// VideoTimeScale is the video track's clock (90 kHz, as RTP).
const VideoTimeScale = 90000

// Track ids in every segment file.
const (
	VideoTrack = 1
	AudioTrack = 2
)

// Tracks describes a segment's media.
type Tracks struct {
	SPS, PPS []byte
	// AudioChannels > 0 adds an Opus track at 48 kHz.
	AudioChannels int
}

// Init builds the file's initialization block.
func (t Tracks) Init() *fmp4.Init {
	init := &fmp4.Init{Tracks: []*fmp4.InitTrack{{
		ID: VideoTrack, TimeScale: VideoTimeScale,
		Codec: &codecs.H264{SPS: t.SPS, PPS: t.PPS},
	}}}
	if t.AudioChannels > 0 {
		init.Tracks = append(init.Tracks, &fmp4.InitTrack{
			ID: AudioTrack, TimeScale: 48000, Codec: &codecs.Opus{ChannelCount: t.AudioChannels},
		})
	}
	return init
}

// VideoCodec is the RFC 6381 codec string of the video track.
func (t Tracks) VideoCodec() string {
	if len(t.SPS) < 4 {
		return "avc1"
	}
	return fmt.Sprintf("avc1.%02x%02x%02x", t.SPS[1], t.SPS[2], t.SPS[3])
}

// AudioCodec is "opus" or "".
func (t Tracks) AudioCodec() string {
	if t.AudioChannels > 0 {
		return "opus"
	}
	return ""
}

// Handle is the file a segment is written to: an *os.File, or in tests a
// file that fails like a full disk.
type Handle interface {
	io.WriteSeeker
	Sync() error
	Truncate(size int64) error
	Close() error
}

// OpenFunc creates a new file for writing (O_CREATE|O_EXCL).
type OpenFunc func(path string) (Handle, error)

// OSOpen creates path on the real filesystem.
func OSOpen(path string) (Handle, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
}

// File is an open segment file being written. Not safe for concurrent use.
type File struct {
	f        Handle
	path     string
	tracks   Tracks
	size     int64 // bytes written and synced
	partSeq  uint32
	video    trackBuf
	audio    trackBuf
	frames   int // video samples written to disk
	aframes  int
	hash     hash.Hash // of the bytes on disk
	firstPTS time.Duration
	lastEnd  time.Duration // end of the last sample written, relative to firstPTS
	started  bool
}

// trackBuf holds a track's samples for the fragment being built. The last
// sample waits for its successor to know its duration.
type trackBuf struct {
	base    uint64 // decode time of samples[0], in the track's clock
	samples []*fmp4.Sample
	pending *fmp4.Sample
	pendAt  uint64 // decode time of pending
	lastDur uint32
	next    uint64 // decode time after the last sample flushed
}

func (b *trackBuf) push(at uint64, s *fmp4.Sample) {
	if b.pending != nil {
		d := uint32(1)
		if at > b.pendAt {
			d = uint32(min(at-b.pendAt, 1<<31))
		}
		b.pending.Duration = d
		b.lastDur = d
		if len(b.samples) == 0 {
			b.base = b.pendAt
		}
		b.samples = append(b.samples, b.pending)
	}
	b.pending, b.pendAt = s, at
}

// drainPending moves the held sample into the fragment with the last known duration.
func (b *trackBuf) drainPending() {
	if b.pending == nil {
		return
	}
	b.pending.Duration = max(b.lastDur, 1)
	if len(b.samples) == 0 {
		b.base = b.pendAt
	}
	b.samples = append(b.samples, b.pending)
	b.pending = nil
}

// ErrNotKeyframe: a segment must start on a keyframe.
var ErrNotKeyframe = errors.New("segfile: a segment must start with a keyframe")

// Create starts a segment file with its init block, synced.
func Create(path string, t Tracks) (*File, error) { return CreateWith(OSOpen, path, t) }

// CreateWith is Create on the files that open makes.
func CreateWith(open OpenFunc, path string, t Tracks) (*File, error) {
	f, err := open(path)
	if err != nil {
		return nil, fmt.Errorf("segfile: create: %w", err)
	}
	w := &File{f: f, path: path, tracks: t, hash: sha256.New()}
	if err := w.write(t.Init().Marshal); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return w, nil
}

// write marshals into memory, appends it to the file and syncs.
func (w *File) write(marshal func(io.WriteSeeker) error) error {
	var buf seekablebuffer.Buffer
	if err := marshal(&buf); err != nil {
		return fmt.Errorf("segfile: encode: %w", err)
	}
	if _, err := w.f.Write(buf.Bytes()); err != nil {
		// Leave the file at its last whole fragment.
		_ = w.f.Truncate(w.size)
		_, _ = w.f.Seek(w.size, io.SeekStart)
		return fmt.Errorf("segfile: write %s: %w", w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("segfile: sync %s: %w", w.path, err)
	}
	w.size += int64(buf.Len())
	w.hash.Write(buf.Bytes())
	return nil
}

// Video adds one access unit at pts (any clock origin; only differences matter).
func (w *File) Video(pts time.Duration, au [][]byte) error {
	if !w.started {
		if !h264.IsRandomAccess(au) {
			return ErrNotKeyframe
		}
		w.started, w.firstPTS = true, pts
	}
	s := &fmp4.Sample{}
	if err := s.FillH264(0, au); err != nil {
		return fmt.Errorf("segfile: video sample: %w", err)
	}
	w.video.push(ticks(pts-w.firstPTS, VideoTimeScale), s)
	return nil
}

// Audio adds one Opus packet at pts (same clock as Video). Audio before the first keyframe is dropped.
func (w *File) Audio(pts time.Duration, payload []byte) {
	if !w.started || w.tracks.AudioChannels == 0 || pts < w.firstPTS {
		return
	}
	w.audio.push(ticks(pts-w.firstPTS, 48000), &fmp4.Sample{Payload: append([]byte(nil), payload...)})
}

func ticks(d time.Duration, rate int64) uint64 {
	if d < 0 {
		return 0
	}
	return uint64(d / time.Microsecond * time.Duration(rate) / 1e6)
}

// Buffered is the media time held in memory, not yet in a fragment.
func (w *File) Buffered() time.Duration {
	if len(w.video.samples) == 0 {
		return 0
	}
	return time.Duration(w.video.pendAt-w.video.base) * time.Second / VideoTimeScale
}

// Flush writes the samples collected so far (all but the newest, whose
// duration is not known yet) as one fragment and syncs it.
func (w *File) Flush() error { return w.flush(false) }

func (w *File) flush(final bool) error {
	if final {
		w.video.drainPending()
		w.audio.drainPending()
	}
	if len(w.video.samples) == 0 && len(w.audio.samples) == 0 {
		return nil
	}
	w.partSeq++
	part := &fmp4.Part{SequenceNumber: w.partSeq}
	if n := len(w.video.samples); n > 0 {
		part.Tracks = append(part.Tracks, &fmp4.PartTrack{ID: VideoTrack, BaseTime: w.video.base, Samples: w.video.samples})
	}
	if n := len(w.audio.samples); n > 0 {
		part.Tracks = append(part.Tracks, &fmp4.PartTrack{ID: AudioTrack, BaseTime: w.audio.base, Samples: w.audio.samples})
	}
	if err := w.write(part.Marshal); err != nil {
		w.partSeq--
		return err
	}
	w.frames += len(w.video.samples)
	w.aframes += len(w.audio.samples)
	for _, s := range w.video.samples {
		w.video.next = w.video.base + uint64(s.Duration)
		w.video.base = w.video.next
	}
	w.lastEnd = time.Duration(w.video.next) * time.Second / VideoTimeScale
	w.video.samples, w.audio.samples = w.video.samples[:0:0], w.audio.samples[:0:0]
	return nil
}

// Close writes what is left (the newest sample with its predecessor's
// duration), syncs and closes the file.
func (w *File) Close() error {
	err := w.flush(true)
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("segfile: close %s: %w", w.path, cerr)
	}
	return err
}

// Abort closes the file without writing what is buffered.
func (w *File) Abort() error { return w.f.Close() }

// Stats is what has reached the disk.
type Stats struct {
	Size        int64
	Frames      int
	AudioFrames int
	Duration    time.Duration // media time of the video written
}

// Stats says what is on disk now.
func (w *File) Stats() Stats {
	return Stats{Size: w.size, Frames: w.frames, AudioFrames: w.aframes, Duration: w.lastEnd}
}

// SHA256 is the hex SHA-256 of the bytes on disk.
func (w *File) SHA256() string { return hex.EncodeToString(w.hash.Sum(nil)) }

// Path is the file's path.
func (w *File) Path() string { return w.path }
