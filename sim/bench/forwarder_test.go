package bench

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// forwarder is a tiny WHIP/WHEP SFU for tests: one publisher per path, its
// RTP fanned out unchanged to every viewer, a PLI to the publisher when a
// viewer joins. Sessions live at POST-path/N and end with DELETE.
type forwarder struct {
	t         *testing.T
	api       *webrtc.API
	whipToken string
	whepToken string

	mu       sync.Mutex
	next     int
	sessions map[string]*webrtc.PeerConnection
	streams  map[string]*fwdStream // by stream name (bench1)
	wg       sync.WaitGroup
}

type fwdStream struct {
	pub          *webrtc.PeerConnection
	video, audio *webrtc.TrackLocalStaticRTP
	videoSSRC    webrtc.SSRC
}

func newForwarder(t *testing.T, whipToken, whepToken string) *forwarder {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	var se webrtc.SettingEngine
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	return &forwarder{
		t: t, api: webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)),
		whipToken: whipToken, whepToken: whepToken,
		sessions: map[string]*webrtc.PeerConnection{}, streams: map[string]*fwdStream{},
	}
}

func (f *forwarder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/") // whip|whep, stream, cam1[, id]
	switch {
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "whip":
		f.post(w, r, parts[1], true, f.whipToken)
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "whep":
		f.post(w, r, parts[1], false, f.whepToken)
	case r.Method == http.MethodDelete && len(parts) == 4:
		f.mu.Lock()
		pc := f.sessions[r.URL.Path]
		delete(f.sessions, r.URL.Path)
		f.mu.Unlock()
		if pc == nil {
			http.NotFound(w, r)
			return
		}
		_ = pc.Close()
		w.WriteHeader(http.StatusOK)
	default:
		http.Error(w, "no such route", http.StatusNotFound)
	}
}

func (f *forwarder) post(w http.ResponseWriter, r *http.Request, stream string, publish bool, token string) {
	if r.Header.Get("Authorization") != "Bearer "+strings.ReplaceAll(token, "{i}", strings.TrimPrefix(stream, "bench")) {
		http.Error(w, "bad token", http.StatusUnauthorized)
		return
	}
	offer, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	pc, err := f.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if publish {
		err = f.addPublisher(pc, stream)
	} else {
		err = f.addViewer(pc, stream)
	}
	if err == nil {
		err = pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: string(offer)})
	}
	var answer webrtc.SessionDescription
	if err == nil {
		answer, err = pc.CreateAnswer(nil)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err == nil {
		err = pc.SetLocalDescription(answer)
	}
	if err != nil {
		_ = pc.Close()
		code := http.StatusBadRequest
		if errors.Is(err, errNoStream) {
			code = http.StatusNotFound
		}
		http.Error(w, err.Error(), code)
		return
	}
	<-gathered
	f.mu.Lock()
	f.next++
	loc := fmt.Sprintf("%s/%d", r.URL.Path, f.next)
	f.sessions[loc] = pc
	f.mu.Unlock()
	w.Header().Set("Location", loc)
	w.Header().Set("Content-Type", "application/sdp")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, pc.LocalDescription().SDP)
}

var errNoStream = errors.New("stream not published yet")

func (f *forwarder) addPublisher(pc *webrtc.PeerConnection, stream string) error {
	s := &fwdStream{pub: pc}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		local, err := webrtc.NewTrackLocalStaticRTP(tr.Codec().RTPCodecCapability, tr.Kind().String(), stream)
		if err != nil {
			f.t.Error(err)
			return
		}
		f.mu.Lock()
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			s.video, s.videoSSRC = local, tr.SSRC()
		} else {
			s.audio = local
		}
		f.streams[stream] = s
		f.wg.Add(1)
		f.mu.Unlock()
		defer f.wg.Done()
		buf := make([]byte, 1500)
		for {
			n, _, err := tr.Read(buf)
			if err != nil {
				return
			}
			if _, err := local.Write(buf[:n]); err != nil && !errors.Is(err, io.ErrClosedPipe) {
				return
			}
		}
	})
	return nil
}

func (f *forwarder) addViewer(pc *webrtc.PeerConnection, stream string) error {
	f.mu.Lock()
	s := f.streams[stream]
	f.mu.Unlock()
	if s == nil || s.video == nil || s.audio == nil {
		return errNoStream
	}
	for _, tr := range []*webrtc.TrackLocalStaticRTP{s.video, s.audio} {
		sender, err := pc.AddTrack(tr)
		if err != nil {
			return err
		}
		f.wg.Go(func() {
			for {
				if _, _, err := sender.ReadRTCP(); err != nil {
					return
				}
			}
		})
	}
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateConnected { // a keyframe for the newcomer
			_ = s.pub.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(s.videoSSRC)}})
		}
	})
	return nil
}

// close ends what is left and waits for the forwarding goroutines.
func (f *forwarder) close() {
	f.mu.Lock()
	for _, pc := range f.sessions {
		_ = pc.Close()
	}
	f.mu.Unlock()
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		f.t.Error("forwarder goroutines did not stop")
	}
}

func (f *forwarder) open() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sessions)
}
