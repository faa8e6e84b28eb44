// Package clip owns the embedded test clip that simulated cameras play: 4 s of
// 640x360 25 fps H.264 Constrained Baseline at about 1.5 Mbit/s with an IDR
// every 25 frames, and 4 s of 48 kHz mono Opus in 20 ms packets (see
// assets/make.sh). The clip is parsed once into access units and audio
// packets, and played in real time by a Player with timestamps continuous
// across loops and, optionally, SEI capture stamps (package seistamp).
package clip

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
)

var (
	//go:embed assets/clip.h264
	clipH264 []byte
	//go:embed assets/clip.ogg
	clipOgg []byte
)

// Errors returned by Parse.
var (
	// ErrNoAccessUnits means the H.264 stream holds no AUD-delimited access unit.
	ErrNoAccessUnits = errors.New("clip: no access units")
	// ErrNoParams means the first access unit lacks SPS or PPS.
	ErrNoParams = errors.New("clip: first access unit has no SPS/PPS")
	// ErrAudioFraming means an Ogg page does not hold exactly one 20 ms Opus packet.
	ErrAudioFraming = errors.New("clip: audio is not one 20 ms Opus packet per Ogg page")
	// ErrLengthMismatch means audio and video differ in duration, so loops would drift apart.
	ErrLengthMismatch = errors.New("clip: audio and video durations differ")
)

// AccessUnit is one video frame: its NAL units without start codes.
type AccessUnit struct {
	// PTS is the presentation time from the start of the clip.
	PTS time.Duration
	// NALUs are the NAL units in decoding order (AUD, SPS, PPS, SEI, slices).
	NALUs [][]byte
	// IDR is true when the access unit holds an IDR slice.
	IDR bool
}

// Clip is a parsed clip. It is shared: treat every field as read-only.
type Clip struct {
	Video              []AccessUnit
	FrameDuration      time.Duration
	Audio              [][]byte // Opus packets, one per AudioFrameDuration
	AudioFrameDuration time.Duration
	Width, Height      int
	SPS, PPS           []byte
	// Duration is the length of one loop, equal for audio and video.
	Duration time.Duration
}

// AudioClockRate and AudioChannels describe the Opus track of the clip.
const (
	AudioClockRate = 48000
	AudioChannels  = 1
)

var defaultClip = sync.OnceValue(func() *Clip {
	c, err := Parse(clipH264, clipOgg)
	if err != nil {
		panic(fmt.Sprintf("embedded clip is broken (run assets/make.sh): %v", err))
	}
	return c
})

// Default returns the embedded clip, parsed on first use and cached.
// It panics if the embedded assets are broken, which tests rule out.
func Default() *Clip {
	return defaultClip()
}

// Parse parses an Annex-B H.264 stream with an access unit delimiter before
// every frame, and an Ogg Opus stream with one 20 ms packet per page.
func Parse(annexB, ogg []byte) (*Clip, error) {
	c := &Clip{}
	if err := c.parseVideo(annexB); err != nil {
		return nil, err
	}
	if err := c.parseAudio(ogg); err != nil {
		return nil, err
	}
	if audio := time.Duration(len(c.Audio)) * c.AudioFrameDuration; audio != c.Duration {
		return nil, fmt.Errorf("%w: video %v, audio %v", ErrLengthMismatch, c.Duration, audio)
	}
	return c, nil
}

// audStartCode begins every access unit: a start code and an AUD NAL header
// (nal_ref_idc 0, type 9).
var audStartCode = []byte{0, 0, 1, 0x09}

func (c *Clip) parseVideo(annexB []byte) error {
	// Split at each AUD, then let mediacommon split each access unit (it caps
	// the NAL unit count per call, so the whole stream cannot go at once).
	var starts []int
	for off := 0; ; {
		i := bytes.Index(annexB[off:], audStartCode)
		if i < 0 {
			break
		}
		start := off + i
		if start > 0 && annexB[start-1] == 0 {
			start-- // four-byte start code
		}
		starts = append(starts, start)
		off += i + len(audStartCode)
	}
	if len(starts) == 0 {
		return ErrNoAccessUnits
	}
	starts = append(starts, len(annexB))
	for i := 0; i+1 < len(starts); i++ {
		var au h264.AnnexB
		if err := au.Unmarshal(annexB[starts[i]:starts[i+1]]); err != nil {
			return fmt.Errorf("clip: access unit %d: %w", i, err)
		}
		c.Video = append(c.Video, AccessUnit{NALUs: au, IDR: h264.IsRandomAccess(au)})
	}

	for _, n := range c.Video[0].NALUs {
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			c.SPS = n
		case h264.NALUTypePPS:
			c.PPS = n
		}
	}
	if c.SPS == nil || c.PPS == nil {
		return ErrNoParams
	}
	var sps h264.SPS
	if err := sps.Unmarshal(c.SPS); err != nil {
		return fmt.Errorf("clip: SPS: %w", err)
	}
	fps := sps.FPS()
	if fps <= 0 {
		return fmt.Errorf("clip: SPS has no timing info")
	}
	c.Width, c.Height = sps.Width(), sps.Height()
	c.FrameDuration = time.Duration(float64(time.Second) / fps)
	for i := range c.Video {
		c.Video[i].PTS = time.Duration(i) * c.FrameDuration
	}
	c.Duration = time.Duration(len(c.Video)) * c.FrameDuration
	return nil
}

func (c *Clip) parseAudio(ogg []byte) error {
	r, head, err := oggreader.NewWith(bytes.NewReader(ogg))
	if err != nil {
		return fmt.Errorf("clip: ogg: %w", err)
	}
	if head.SampleRate != AudioClockRate || head.Channels != AudioChannels {
		return fmt.Errorf("clip: opus %d Hz %d ch, want %d Hz %d ch",
			head.SampleRate, head.Channels, AudioClockRate, AudioChannels)
	}
	const samplesPerPacket = AudioClockRate / 50 // 20 ms
	c.AudioFrameDuration = 20 * time.Millisecond
	var lastGranule uint64
	for {
		payload, page, err := r.ParseNextPage()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("clip: ogg page: %w", err)
		}
		if typ, ok := page.HeaderType(payload); ok && typ == oggreader.HeaderOpusTags {
			lastGranule = page.GranulePosition
			continue
		}
		// Granule positions count 48 kHz samples: each page must hold
		// exactly one 20 ms packet for the loop to stay in step with video.
		step := page.GranulePosition - lastGranule
		if len(payload) == 0 || step != samplesPerPacket {
			return fmt.Errorf("%w: page %d advances %d samples", ErrAudioFraming, len(c.Audio), step)
		}
		lastGranule = page.GranulePosition
		c.Audio = append(c.Audio, payload)
	}
	if len(c.Audio) == 0 {
		return fmt.Errorf("%w: no packets", ErrAudioFraming)
	}
	return nil
}
