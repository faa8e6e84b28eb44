package capture

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/pion/rtp"
)

// audioDecoder turns one RTP packet into one audio frame (rtpsimpleaudio for
// Opus, rtplpcm for G.711).
type audioDecoder interface {
	Decode(*rtp.Packet) ([]byte, error)
}

// tracks holds the chosen tracks of one session and their decoders.
type tracks struct {
	videoMedia *description.Media
	h264       *format.H264
	h264Dec    *rtph264.Decoder

	audioMedia    *description.Media
	audioFormat   format.Format
	audioDec      audioDecoder
	audioCodec    string
	audioRate     int
	audioChannels int

	// Owned by the Run goroutine (withParams).
	sps, pps      []byte
	width, height int
}

func (tr *tracks) initDecoders() error {
	var err error
	if tr.h264Dec, err = tr.h264.CreateDecoder(); err != nil {
		return fmt.Errorf("capture: h264 decoder: %w", err)
	}
	sps, pps := tr.h264.SafeParams()
	tr.setSPS(sps)
	tr.pps = pps
	switch f := tr.audioFormat.(type) {
	case *format.Opus:
		tr.audioDec, err = f.CreateDecoder()
	case *format.G711:
		tr.audioDec, err = f.CreateDecoder()
	}
	if err != nil {
		return fmt.Errorf("capture: %s decoder: %w", tr.audioCodec, err)
	}
	return nil
}

func (tr *tracks) description() Description {
	return Description{
		VideoCodec:     "H264",
		AudioCodec:     tr.audioCodec,
		AudioClockRate: tr.audioRate,
		AudioChannels:  tr.audioChannels,
	}
}

// listen registers the RTP callbacks. They run on gortsplib's goroutines
// (one per media with UDP), decode, and push frames to the Run goroutine.
func (tr *tracks) listen(client *gortsplib.Client, push func(frame), log *slog.Logger) {
	sawIDR := false // owned by the video callback
	client.OnPacketRTP(tr.videoMedia, tr.h264, func(pkt *rtp.Packet) {
		pts, ok := client.PacketPTS(tr.videoMedia, pkt)
		if !ok {
			return // before the first random access point
		}
		au, err := tr.h264Dec.Decode(pkt)
		if err != nil {
			if !errors.Is(err, rtph264.ErrMorePacketsNeeded) &&
				!errors.Is(err, rtph264.ErrNonStartingPacketAndNoPrevious) {
				log.Debug("h264 depacketise", "err", err)
			}
			return
		}
		if !sawIDR {
			if !h264.IsRandomAccess(au) {
				return // a decoder cannot start here
			}
			sawIDR = true
		}
		push(frame{video: true, pts: ticksToDuration(pts, tr.h264.ClockRate()), au: au})
	})
	if tr.audioMedia == nil {
		return
	}
	client.OnPacketRTP(tr.audioMedia, tr.audioFormat, func(pkt *rtp.Packet) {
		pts, ok := client.PacketPTS(tr.audioMedia, pkt)
		if !ok {
			return
		}
		payload, err := tr.audioDec.Decode(pkt)
		if err != nil {
			log.Debug("audio depacketise", "err", err)
			return
		}
		push(frame{pts: ticksToDuration(pts, tr.audioFormat.ClockRate()), payload: payload})
	})
}

// withParams keeps track of in-band SPS/PPS and prepends the known ones to
// an IDR access unit that lacks them (cameras that send them only in the
// SDP), so that every IDR can start a decoder.
func (tr *tracks) withParams(au [][]byte) [][]byte {
	var hasSPS, hasPPS, idr bool
	for _, n := range au {
		if len(n) == 0 {
			continue
		}
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			hasSPS = true
			tr.setSPS(n)
		case h264.NALUTypePPS:
			hasPPS = true
			tr.pps = n
		case h264.NALUTypeIDR:
			idr = true
		}
	}
	if !idr || (hasSPS && hasPPS) {
		return au
	}
	out := make([][]byte, 0, len(au)+2)
	if !hasSPS && tr.sps != nil {
		out = append(out, tr.sps)
	}
	if !hasPPS && tr.pps != nil {
		out = append(out, tr.pps)
	}
	return append(out, au...)
}

func (tr *tracks) setSPS(sps []byte) {
	if sps == nil {
		return
	}
	tr.sps = sps
	var s h264.SPS
	if err := s.Unmarshal(sps); err == nil {
		tr.width, tr.height = s.Width(), s.Height()
	}
}

// ticksToDuration converts an RTP clock count to a duration without
// overflow for long sessions.
func ticksToDuration(ticks int64, clockRate int) time.Duration {
	r := int64(clockRate)
	return time.Duration(ticks/r)*time.Second + time.Duration(ticks%r)*time.Second/time.Duration(r)
}
