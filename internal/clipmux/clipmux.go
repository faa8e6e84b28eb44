// Package clipmux joins a run of recorded segment files into one
// fragmented MP4 that a browser's <video> plays progressively: a single
// init block, then the segments' fragments with continuous timestamps.
// Gaps between segments are squeezed out; Pieces say where each covered
// wall-clock range lies on the clip's media timeline.
package clipmux

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4/codecs"

	"fieldwatch/internal/segfile"
	"fieldwatch/protocol/evidence"
)

// Source is one archived segment.
type Source struct {
	Manifest evidence.Manifest
	Path     string
}

// Piece is a covered wall-clock range and where it starts on the clip's timeline.
type Piece struct {
	Media time.Duration `json:"-"`
	Start time.Time     `json:"start"`
	End   time.Time     `json:"end"`
}

// Info describes a clip.
type Info struct {
	Pieces      []Piece
	Frames      int
	AudioFrames int
	Duration    time.Duration
}

// ErrNothing: no recorded video in the range.
var ErrNothing = errors.New("clipmux: no recording in the range")

const (
	videoRate = segfile.VideoTimeScale
	audioRate = 48000
)

// Plan is a clip about to be written.
type Plan struct {
	srcs       []Source
	start, end time.Time
	first      *segfile.Segment // parsed first segment (reused by Write)
	firstFrom  time.Time        // wall time of the keyframe the clip starts at
	info       Info
}

// NewPlan selects the segments overlapping [start, start+dur) and works out
// where the clip starts (the keyframe at or before start) and its pieces.
func NewPlan(srcs []Source, start time.Time, dur time.Duration) (*Plan, error) {
	p := &Plan{start: start, end: start.Add(dur)}
	for _, s := range srcs {
		m := &s.Manifest
		if s.Path != "" && m.End.After(start) && m.Start.Before(p.end) && m.Frames > 0 {
			p.srcs = append(p.srcs, s)
		}
	}
	if len(p.srcs) == 0 {
		return nil, ErrNothing
	}
	seg, err := segfile.ReadFile(p.srcs[0].Path)
	if err != nil {
		return nil, fmt.Errorf("clipmux: segment %d: %w", p.srcs[0].Manifest.Seq, err)
	}
	p.first = seg
	m0 := &p.srcs[0].Manifest
	p.firstFrom = m0.Start
	for _, part := range seg.Parts {
		if t := video(part); t != nil && len(t.Samples) > 0 && !t.Samples[0].IsNonSyncSample {
			if at := wall(m0.Start, t.BaseTime, videoRate); !at.After(start) {
				p.firstFrom = at
			}
		}
	}
	var media time.Duration
	for i, s := range p.srcs {
		m := &s.Manifest
		from := maxTime(m.Start, start)
		if i == 0 {
			from = p.firstFrom
		}
		to := minTime(m.End, p.end)
		if n := len(p.info.Pieces); n > 0 && from.Sub(p.info.Pieces[n-1].End).Abs() < 100*time.Millisecond {
			p.info.Pieces[n-1].End = to
		} else {
			p.info.Pieces = append(p.info.Pieces, Piece{Media: media, Start: from, End: to})
		}
		media += to.Sub(from)
	}
	return p, nil
}

// Pieces lists the covered ranges (known before writing).
func (p *Plan) Pieces() []Piece { return p.info.Pieces }

func video(part *fmp4.Part) *fmp4.PartTrack {
	for _, t := range part.Tracks {
		if t.ID == segfile.VideoTrack {
			return t
		}
	}
	return nil
}

func wall(origin time.Time, ticks uint64, rate uint64) time.Time {
	return origin.Add(time.Duration(ticks) * time.Second / time.Duration(rate))
}

// Write writes the clip: init, then fragments, streaming one segment at a time.
func (p *Plan) Write(w io.Writer) (Info, error) {
	init := p.first.Init
	var sps, pps []byte
	hasAudio := false
	for _, t := range init.Tracks {
		switch c := t.Codec.(type) {
		case *codecs.H264:
			sps, pps = c.SPS, c.PPS
		case *codecs.Opus:
			hasAudio = t.ID == segfile.AudioTrack
		}
	}
	if err := writeBox(w, init.Marshal); err != nil {
		return p.info, err
	}
	var vCursor uint64 // output video time, 90 kHz
	var seq uint32
	info := Info{Pieces: p.info.Pieces}
	for i, s := range p.srcs {
		seg := p.first
		if i > 0 {
			var err error
			if seg, err = segfile.ReadFile(s.Path); err != nil {
				return info, fmt.Errorf("clipmux: segment %d: %w", s.Manifest.Seq, err)
			}
		}
		m := &s.Manifest
		to := minTime(m.End, p.end)
		inband := !sameParams(seg, sps, pps)
		var segOffset int64 // output time minus segment time, 90 kHz
		started := false
		for _, part := range seg.Parts {
			vt := video(part)
			if vt == nil || len(vt.Samples) == 0 {
				continue
			}
			if !started {
				// The first segment starts at the keyframe chosen by the plan; later ones at their first keyframe.
				if i == 0 && wall(m.Start, vt.BaseTime, videoRate).Before(p.firstFrom) || vt.Samples[0].IsNonSyncSample {
					continue
				}
				started = true
				segOffset = int64(vCursor) - int64(vt.BaseTime)
			}
			out := &fmp4.Part{}
			// Video samples before the end of the range.
			t := vt.BaseTime
			var vs []*fmp4.Sample
			for _, smp := range vt.Samples {
				if !wall(m.Start, t, videoRate).Before(to) {
					break
				}
				vs = append(vs, smp)
				t += uint64(smp.Duration)
			}
			if len(vs) == 0 {
				break
			}
			if inband {
				vs[0] = withParams(vs[0], seg)
				inband = false
			}
			out.Tracks = append(out.Tracks, &fmp4.PartTrack{ID: segfile.VideoTrack, BaseTime: uint64(int64(vt.BaseTime) + segOffset), Samples: vs})
			partEnd := t
			if hasAudio {
				if at := audio(part); at != nil && len(at.Samples) > 0 {
					as, base := audioWithin(at, int64(vt.BaseTime), int64(partEnd), segOffset)
					if len(as) > 0 {
						out.Tracks = append(out.Tracks, &fmp4.PartTrack{ID: segfile.AudioTrack, BaseTime: base, Samples: as})
						info.AudioFrames += len(as)
					}
				}
			}
			seq++
			out.SequenceNumber = seq
			if err := writeBox(w, out.Marshal); err != nil {
				return info, err
			}
			info.Frames += len(vs)
			vCursor = uint64(int64(partEnd) + segOffset)
			if len(vs) < len(vt.Samples) {
				break
			}
		}
	}
	if info.Frames == 0 {
		return info, ErrNothing
	}
	info.Duration = time.Duration(vCursor) * time.Second / videoRate
	return info, nil
}

// audioWithin keeps the audio samples that fall within [vFrom, vTo) of the
// video clock and maps them to the output clock.
func audioWithin(at *fmp4.PartTrack, vFrom, vTo, vOffset int64) ([]*fmp4.Sample, uint64) {
	conv := func(v int64) int64 { return v * audioRate / videoRate }
	lo, hi := conv(vFrom), conv(vTo)
	t := int64(at.BaseTime)
	var out []*fmp4.Sample
	var base int64 = -1
	for _, s := range at.Samples {
		if t >= lo && t < hi {
			if base < 0 {
				base = t
			}
			out = append(out, s)
		}
		t += int64(s.Duration)
	}
	if base < 0 {
		return nil, 0
	}
	return out, uint64(max(base+conv(vOffset), 0))
}

func audio(part *fmp4.Part) *fmp4.PartTrack {
	for _, t := range part.Tracks {
		if t.ID == segfile.AudioTrack {
			return t
		}
	}
	return nil
}

func sum(ss []*fmp4.Sample) uint64 {
	var n uint64
	for _, s := range ss {
		n += uint64(s.Duration)
	}
	return n
}

func sameParams(seg *segfile.Segment, sps, pps []byte) bool {
	for _, t := range seg.Init.Tracks {
		if c, ok := t.Codec.(*codecs.H264); ok {
			return string(c.SPS) == string(sps) && string(c.PPS) == string(pps)
		}
	}
	return true
}

// withParams puts a segment's SPS and PPS in front of a keyframe, in-band,
// so the decoder switches when the camera's parameters changed.
func withParams(s *fmp4.Sample, seg *segfile.Segment) *fmp4.Sample {
	var sps, pps []byte
	for _, t := range seg.Init.Tracks {
		if c, ok := t.Codec.(*codecs.H264); ok {
			sps, pps = c.SPS, c.PPS
		}
	}
	payload := make([]byte, 0, 8+len(sps)+len(pps)+len(s.Payload))
	payload = binary.BigEndian.AppendUint32(payload, uint32(len(sps)))
	payload = append(payload, sps...)
	payload = binary.BigEndian.AppendUint32(payload, uint32(len(pps)))
	payload = append(payload, pps...)
	payload = append(payload, s.Payload...)
	cp := *s
	cp.Payload = payload
	return &cp
}

// Mux writes the clip of [start, start+dur) from srcs (in Seq order) to w.
func Mux(w io.Writer, srcs []Source, start time.Time, dur time.Duration) (Info, error) {
	p, err := NewPlan(srcs, start, dur)
	if err != nil {
		return Info{}, err
	}
	return p.Write(w)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
