package relay

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// testAPI is a loopback-only pion API for test publishers and viewers.
func testAPI(t *testing.T) *webrtc.API {
	t.Helper()
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	var s webrtc.SettingEngine
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	s.SetIncludeLoopbackCandidate(true)
	s.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(s))
}

func newTestRelay(t *testing.T) *Relay {
	t.Helper()
	r, err := New(Params{LoopbackOnly: true, PLIInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

var h264Cap = webrtc.RTPCodecCapability{
	MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
	SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
}

// testPublisher sends a synthetic H.264 stream: one packet per frame at
// 25 fps, a keyframe (STAP-A with SPS, PPS, IDR) every 25 frames.
type testPublisher struct {
	plis   atomic.Int64
	pc     *webrtc.PeerConnection
	track  *webrtc.TrackLocalStaticRTP
	id     string
	cancel context.CancelFunc
	done   chan struct{}
}

func startPublisher(t *testing.T, r *Relay, k Key, seqBase uint16) *testPublisher {
	t.Helper()
	pc, err := testAPI(t).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	track, err := webrtc.NewTrackLocalStaticRTP(h264Cap, "video", "pub")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := pc.AddTransceiverFromTrack(track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		t.Fatal(err)
	}
	offer := gatheredOffer(t, pc)
	answer, id, err := r.Publish(context.Background(), k, offer)
	if err != nil {
		t.Fatal(err)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &testPublisher{pc: pc, track: track, id: id, cancel: cancel, done: make(chan struct{})}
	go p.run(ctx, seqBase)
	go func() { // count the keyframe requests the relay sends
		for {
			pkts, _, err := tr.Sender().ReadRTCP()
			if err != nil {
				return
			}
			for _, pk := range pkts {
				if _, ok := pk.(*rtcp.PictureLossIndication); ok {
					p.plis.Add(1)
				}
			}
		}
	}()
	t.Cleanup(p.stop)
	return p
}

func (p *testPublisher) run(ctx context.Context, seq uint16) {
	defer close(p.done)
	tick := time.NewTicker(40 * time.Millisecond)
	defer tick.Stop()
	ts := uint32(seq) * 1000
	for frame := 0; ; frame++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		payload := []byte{0x41, 0x9a, byte(frame)} // non-IDR slice
		if frame%25 == 0 {
			// STAP-A: SPS, PPS, IDR.
			payload = []byte{0x18, 0, 2, 0x67, 0x42, 0, 2, 0x68, 0xce, 0, 3, 0x65, 0x88, byte(frame)}
		}
		_ = p.track.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, Marker: true, SequenceNumber: seq, Timestamp: ts}, Payload: payload})
		seq++
		ts += 3600
	}
}

func (p *testPublisher) stop() {
	p.cancel()
	<-p.done
	_ = p.pc.Close()
}

// testViewer records the video packets a WHEP viewer receives.
type testViewer struct {
	pc      *webrtc.PeerConnection
	id      string
	joined  time.Time
	mu      sync.Mutex
	packets []rtp.Packet
	arrived []time.Time
}

func startViewer(t *testing.T, r *Relay, k Key) *testViewer {
	t.Helper()
	pc, err := testAPI(t).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
		t.Fatal(err)
	}
	v := &testViewer{pc: pc, joined: time.Now()}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			p, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			v.mu.Lock()
			v.packets = append(v.packets, *p)
			v.arrived = append(v.arrived, time.Now())
			v.mu.Unlock()
		}
	})
	answer, id, err := r.Subscribe(context.Background(), k, "duty", gatheredOffer(t, pc))
	if err != nil {
		t.Fatal(err)
	}
	v.id = id
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	return v
}

func (v *testViewer) snapshot() ([]rtp.Packet, []time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]rtp.Packet(nil), v.packets...), append([]time.Time(nil), v.arrived...)
}

func gatheredOffer(t *testing.T, pc *webrtc.PeerConnection) string {
	t.Helper()
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-done
	return pc.LocalDescription().SDP
}

func webrtcConfig() webrtc.Configuration { return webrtc.Configuration{} }

func recvonly() webrtc.RTPTransceiverInit {
	return webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}
}

func timeAt(ms int) time.Time {
	return time.Unix(1700000000, 0).Add(time.Duration(ms) * time.Millisecond)
}
