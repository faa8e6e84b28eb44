package e2e

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"fieldwatch/sim/seistamp"
)

// goViewer is a WHEP viewer in Go: it records when each complete H.264
// access unit arrives and whether it is a keyframe.
type goViewer struct {
	pc *webrtc.PeerConnection

	mu     sync.Mutex
	frames []frameArrival
}

type frameArrival struct {
	at       time.Time
	keyframe bool
	stamp    time.Time
}

func startGoViewer(t *testing.T, base, vehicle, camera, token string) *goViewer {
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
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(s)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
		t.Fatal(err)
	}
	v := &goViewer{pc: pc}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			v.read(tr)
		}
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost,
		strings.TrimRight(base, "/")+"/whep/"+vehicle+"/"+camera, strings.NewReader(pc.LocalDescription().SDP))
	req.Header.Set("Content-Type", "application/sdp")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("WHEP: %s %s", resp.Status, body)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)}); err != nil {
		t.Fatal(err)
	}
	return v
}

// read depacketizes H.264 and records each complete access unit.
func (v *goViewer) read(tr *webrtc.TrackRemote) {
	var dep codecs.H264Packet
	var au [][]byte
	var key bool
	for {
		pkt, _, err := tr.ReadRTP()
		if err != nil {
			return
		}
		nalus, err := dep.Unmarshal(pkt.Payload)
		if err == nil && len(nalus) > 0 {
			for _, n := range splitAnnexB(nalus) {
				if t := n[0] & 0x1f; t == 5 || t == 7 {
					key = true
				}
				au = append(au, n)
			}
		}
		if pkt.Marker {
			stamp, _ := seistamp.FromAU(au)
			v.mu.Lock()
			v.frames = append(v.frames, frameArrival{at: time.Now(), keyframe: key, stamp: stamp})
			v.mu.Unlock()
			au, key = nil, false
		}
	}
}

// splitAnnexB splits pion's Annex-B output into NAL units.
func splitAnnexB(b []byte) [][]byte {
	var out [][]byte
	for _, part := range strings.Split(string(b), "\x00\x00\x00\x01") {
		if len(part) > 0 {
			out = append(out, []byte(part))
		}
	}
	return out
}

// framesAfter returns the frames that arrived after t.
func (v *goViewer) framesAfter(t time.Time) []frameArrival {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []frameArrival
	for _, f := range v.frames {
		if f.at.After(t) {
			out = append(out, f)
		}
	}
	return out
}
