package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"fieldwatch/protocol/whip"
	"fieldwatch/sim/seistamp"
)

// viewer is one WHEP viewer: a recvonly pion PeerConnection (H.264 video,
// Opus audio) that counts what arrives. It never sends PLI or NACK.
type viewer struct {
	pc      *webrtc.PeerConnection
	client  *whip.Client
	session *whip.Session
	log     *slog.Logger
	posted  time.Time // WHEP POST started

	mu      sync.Mutex
	closed  bool
	readers sync.WaitGroup
	failed  bool // ICE or DTLS failed
	firstAt time.Time
	measure bool // past the warm-up: latency is sampled
	video   trackCounters
	audio   trackCounters
	frames  uint64 // complete access units
	broken  uint64 // access units with a missing packet
	keys    uint64 // complete IDR access units
	lat     []time.Duration
}

// trackCounters count one track's packets since the warm-up ended.
type trackCounters struct {
	packets, bytes uint64
	loss           lossTracker
}

func (t *trackCounters) add(seq uint16, size int) {
	t.packets++
	t.bytes += uint64(size)
	t.loss.add(seq)
}

// newViewerAPI builds the viewers' pion API: default codecs, RTCP reports
// (as a browser sends them), no NACK and no PLI.
func newViewerAPI(loopback bool) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, fmt.Errorf("bench: viewer codecs: %w", err)
	}
	reg := &interceptor.Registry{}
	if err := webrtc.ConfigureRTCPReports(reg); err != nil {
		return nil, fmt.Errorf("bench: viewer rtcp reports: %w", err)
	}
	var s webrtc.SettingEngine
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	if loopback {
		s.SetIncludeLoopbackCandidate(true)
		s.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(s)), nil
}

// startViewer offers to endpoint and starts reading what the server sends.
func startViewer(ctx context.Context, api *webrtc.API, c *whip.Client, endpoint string, log *slog.Logger) (*viewer, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, fmt.Errorf("bench: viewer peer connection: %w", err)
	}
	v := &viewer{pc: pc, client: c, log: log}
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			_ = v.close()
			return nil, fmt.Errorf("bench: viewer %s transceiver: %w", k, err)
		}
	}
	pc.OnTrack(v.onTrack)
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateFailed {
			v.mu.Lock()
			v.failed = true
			v.mu.Unlock()
			log.Warn("viewer connection failed")
		}
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		_ = v.close()
		return nil, fmt.Errorf("bench: viewer offer: %w", err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		_ = v.close()
		return nil, fmt.Errorf("bench: viewer local description: %w", err)
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		_ = v.close()
		return nil, ctx.Err()
	}
	v.mu.Lock()
	v.posted = time.Now()
	v.mu.Unlock()
	s, err := c.Offer(ctx, endpoint, pc.LocalDescription().SDP)
	if err != nil {
		_ = v.close()
		return nil, fmt.Errorf("bench: WHEP %s: %w", endpoint, err)
	}
	v.session = s
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: s.Answer}); err != nil {
		_ = v.close()
		return nil, fmt.Errorf("bench: WHEP answer from %s: %w", endpoint, err)
	}
	return v, nil
}

// startViewerRetry starts a viewer, retrying for up to 10 s while the
// server answers 404: some servers (MediaMTX) serve a path only once the
// publisher's codec parameters have arrived, a moment after WHIP succeeds.
// Time to first frame counts from the POST that succeeded.
func startViewerRetry(ctx context.Context, api *webrtc.API, c *whip.Client, endpoint string, log *slog.Logger) (*viewer, error) {
	deadline := time.Now().Add(10 * time.Second)
	retry := time.NewTimer(0)
	defer retry.Stop()
	for {
		v, err := startViewer(ctx, api, c, endpoint, log)
		var se *whip.StatusError
		if err == nil || !errors.As(err, &se) || se.Code != http.StatusNotFound || time.Now().After(deadline) {
			return v, err
		}
		retry.Reset(200 * time.Millisecond)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-retry.C:
		}
	}
}

// onTrack reads one track until the PeerConnection closes.
func (v *viewer) onTrack(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return
	}
	v.readers.Add(1)
	v.mu.Unlock()
	defer v.readers.Done()
	video := tr.Kind() == webrtc.RTPCodecTypeVideo
	var asm auAssembler
	var pkt rtp.Packet
	buf := make([]byte, 1500)
	for {
		n, _, err := tr.Read(buf)
		if err != nil {
			return
		}
		if err := pkt.Unmarshal(buf[:n]); err != nil {
			continue
		}
		now := time.Now()
		v.mu.Lock()
		if video {
			v.video.add(pkt.SequenceNumber, n)
			asm.push(pkt.SequenceNumber, pkt.Timestamp, pkt.Marker, pkt.Payload, now, v.onFrame)
		} else {
			v.audio.add(pkt.SequenceNumber, n)
		}
		v.mu.Unlock()
	}
}

// onFrame counts one access unit; v.mu is held.
func (v *viewer) onFrame(au *accessUnit) {
	if !au.complete {
		v.broken++
		return
	}
	v.frames++
	if au.isIDR() {
		v.keys++
		if v.firstAt.IsZero() {
			v.firstAt = au.at
		}
	}
	if !v.measure || v.firstAt.IsZero() {
		return
	}
	if t, ok := seistamp.FromAU(au.nalus); ok {
		v.lat = append(v.lat, au.at.Sub(t))
	}
}

// startMeasuring ends the warm-up: counters restart and latency is sampled.
func (v *viewer) startMeasuring() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.measure = true
	v.video, v.audio = trackCounters{}, trackCounters{}
	v.frames, v.broken, v.keys = 0, 0, 0
}

// close ends the session at the server (DELETE), then the PeerConnection,
// and waits for the track readers. The error is the DELETE's.
func (v *viewer) close() error {
	v.mu.Lock()
	v.closed = true
	v.mu.Unlock()
	var err error
	if v.session != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		if err = v.session.Delete(ctx, v.client); err != nil {
			err = fmt.Errorf("bench: WHEP DELETE %s: %w", v.session.Location, err)
			v.log.Warn("viewer session not deleted", "err", err)
		}
		cancel()
	}
	if cerr := v.pc.Close(); cerr != nil {
		v.log.Warn("viewer close", "err", cerr)
	}
	v.readers.Wait()
	return err
}
