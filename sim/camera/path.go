package camera

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtpsimpleaudio"

	"fieldwatch/sim/clip"
	"fieldwatch/sim/seistamp"
)

// camPath is one camera stream. Its player runs for the server's life; while
// the path is offline its output is dropped.
type camPath struct {
	name string
	srv  *Server
	log  *slog.Logger

	mu     sync.RWMutex
	stream *gortsplib.ServerStream // nil while offline
	desc   *description.Session    // of stream
}

func (p *camPath) currentStream() *gortsplib.ServerStream {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.stream
}

// setOnline opens a fresh ServerStream (a closed one cannot be reused) or
// closes the current one, which closes every reader session and its
// connections.
func (p *camPath) setOnline(online bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if online == (p.stream != nil) {
		return nil
	}
	if !online {
		p.stream.Close()
		p.stream, p.desc = nil, nil
		p.log.Info("camera offline")
		return nil
	}
	desc := p.srv.newDescription()
	st := &gortsplib.ServerStream{Server: p.srv.rtsp, Desc: desc}
	if err := st.Initialize(); err != nil {
		return fmt.Errorf("camera: stream %s: %w", p.name, err)
	}
	p.stream, p.desc = st, desc
	p.log.Info("camera online")
	return nil
}

// play runs the clip until ctx is done, packetising each frame and writing
// it to the current stream. RTP timestamps start at random values, like a
// real camera's, and follow the player's continuous pts.
func (p *camPath) play(ctx context.Context) {
	h264Fmt := &format.H264{PayloadTyp: videoPayloadType, PacketizationMode: 1}
	videoEnc, err := h264Fmt.CreateEncoder()
	if err != nil {
		p.log.Error("h264 encoder", "err", err)
		return
	}
	opusFmt := &format.Opus{PayloadTyp: audioPayloadType, ChannelCount: clip.AudioChannels}
	audioEnc, err := opusFmt.CreateEncoder()
	if err != nil {
		p.log.Error("opus encoder", "err", err)
		return
	}
	videoBase, audioBase := randUint32(), randUint32()

	player := clip.NewPlayer(p.srv.clip, clip.PlayerOptions{Stamp: true})
	err = player.Run(ctx,
		func(pts time.Duration, au [][]byte) {
			p.writeVideo(videoEnc, videoBase+durationToTicks(pts, 90000), au)
		},
		func(pts time.Duration, pkt []byte) {
			p.writeAudio(audioEnc, audioBase+durationToTicks(pts, clip.AudioClockRate), pkt)
		})
	if err != nil {
		p.log.Error("player", "err", err)
	}
}

func (p *camPath) writeVideo(enc *rtph264.Encoder, ts uint32, au [][]byte) {
	pkts, err := enc.Encode(au)
	if err != nil {
		p.log.Warn("h264 packetise", "err", err)
		return
	}
	ntp, ok := seistamp.FromAU(au)
	if !ok {
		ntp = time.Now()
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.stream == nil {
		return
	}
	medi := p.desc.Medias[0]
	for _, pkt := range pkts {
		pkt.Timestamp = ts
		if err := p.stream.WritePacketRTPWithNTP(medi, pkt, ntp); err != nil {
			p.log.Warn("write video", "err", err)
			return
		}
	}
}

func (p *camPath) writeAudio(enc *rtpsimpleaudio.Encoder, ts uint32, pkt []byte) {
	rtpPkt, err := enc.Encode(pkt)
	if err != nil {
		p.log.Warn("opus packetise", "err", err)
		return
	}
	rtpPkt.Timestamp = ts
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.stream == nil {
		return
	}
	if err := p.stream.WritePacketRTPWithNTP(p.desc.Medias[1], rtpPkt, time.Now()); err != nil {
		p.log.Warn("write audio", "err", err)
	}
}

// durationToTicks converts d to RTP clock ticks, wrapping as RTP does.
func durationToTicks(d time.Duration, clockRate int64) uint32 {
	sec, frac := int64(d/time.Second), int64(d%time.Second)
	return uint32(sec*clockRate + frac*clockRate/int64(time.Second))
}

func randUint32() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return binary.BigEndian.Uint32(b[:])
}
