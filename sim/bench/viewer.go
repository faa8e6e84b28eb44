package bench

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"fieldwatch/protocol/whip"
	"fieldwatch/sim/seistamp"
)

// viewer is one WHEP viewer: it counts packets and frames, tracks loss,
// and measures time to first frame and capture-to-screen latency.
type viewer struct {
	pc      *webrtc.PeerConnection
	session *whip.Session
	client  *whip.Client
	started time.Time

	mu        sync.Mutex
	loss      lossTracker
	packets   uint64
	bytes     uint64
	frames    uint64
	keyframes uint64
	firstAt   time.Time // first complete keyframe
	latencies []time.Duration
	measure   bool // after the warm-up
}

func newViewerAPI(loopback bool) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	var s webrtc.SettingEngine
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	if loopback {
		s.SetIncludeLoopbackCandidate(true)
		s.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(s)), nil
}

// startViewer offers to endpoint and starts reading.
func startViewer(ctx context.Context, api *webrtc.API, c *whip.Client, endpoint string) (*viewer, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	v := &viewer{pc: pc, client: c, started: time.Now()}
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			_ = pc.Close()
			return nil, err
		}
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			v.readVideo(tr)
			return
		}
		buf := make([]byte, 1500)
		for {
			if _, _, err := tr.Read(buf); err != nil {
				return
			}
		}
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		_ = pc.Close()
		return nil, err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		_ = pc.Close()
		return nil, err
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		_ = pc.Close()
		return nil, ctx.Err()
	}
	s, err := c.Offer(ctx, endpoint, pc.LocalDescription().SDP)
	if err != nil {
		_ = pc.Close()
		return nil, err
	}
	v.session = s
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: s.Answer}); err != nil {
		v.close()
		return nil, err
	}
	return v, nil
}

func (v *viewer) readVideo(tr *webrtc.TrackRemote) {
	var dep codecs.H264Packet
	var stamp time.Time
	key := false
	buf := make([]byte, 1500)
	for {
		n, _, err := tr.Read(buf)
		if err != nil {
			return
		}
		var pkt rtpHeaderless
		if err := pkt.parse(buf[:n]); err != nil {
			continue
		}
		now := time.Now()
		nalus, err := dep.Unmarshal(pkt.payload)
		if err == nil {
			forEachNALU(nalus, func(n []byte) {
				switch n[0] & 0x1f {
				case 5, 7:
					key = true
				case 6:
					if t, ok := seistamp.Parse(n); ok {
						stamp = t
					}
				}
			})
		}
		v.mu.Lock()
		v.loss.add(pkt.seq)
		v.packets++
		v.bytes += uint64(n)
		if pkt.marker {
			v.frames++
			if key {
				v.keyframes++
				if v.firstAt.IsZero() {
					v.firstAt = now
				}
			}
			if v.measure && !stamp.IsZero() && !v.firstAt.IsZero() {
				v.latencies = append(v.latencies, now.Sub(stamp))
			}
			key, stamp = false, time.Time{}
		}
		v.mu.Unlock()
	}
}

// forEachNALU walks pion's Annex-B output.
func forEachNALU(b []byte, fn func([]byte)) {
	start := -1
	for i := 0; i+3 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 0 && b[i+3] == 1 {
			if start >= 0 && i > start {
				fn(b[start:i])
			}
			start = i + 4
			i += 3
		}
	}
	if start >= 0 && start < len(b) {
		fn(b[start:])
	}
}

// startMeasuring ends the warm-up: counters restart, latency is sampled.
func (v *viewer) startMeasuring() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.measure = true
	v.loss = lossTracker{}
	v.packets, v.bytes, v.frames = 0, 0, 0
}

func (v *viewer) close() {
	if v.session != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = v.session.Delete(ctx, v.client)
		cancel()
	}
	_ = v.pc.Close()
}
