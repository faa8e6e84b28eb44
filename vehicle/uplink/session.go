package uplink

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"fieldwatch/protocol/whip"
	"fieldwatch/vehicle/capture"
)

// mtu is the RTP payload budget: safe on cellular links with VPN overhead.
const mtu = 1200

// h264Codec is what the vehicle offers: passthrough H.264, packetization
// mode 1, with the camera's own profile and level.
func h264Codec(profileLevelID string) webrtc.RTPCodecCapability {
	return webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + profileLevelID,
	}
}

func audioCodec(d capture.Description) (webrtc.RTPCodecCapability, bool) {
	switch strings.ToLower(d.AudioCodec) {
	case "opus":
		return webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"}, true
	case "pcmu":
		return webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000}, true
	case "pcma":
		return webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMA, ClockRate: 8000}, true
	}
	return webrtc.RTPCodecCapability{}, false
}

// session is one WHIP session: a PeerConnection and its resource at the hub.
type session struct {
	pc      *webrtc.PeerConnection
	ws      *whip.Session
	video   *webrtc.TrackLocalStaticRTP
	audio   *webrtc.TrackLocalStaticRTP
	pub     *Publisher
	profile string // the profile-level-id offered
	states  chan webrtc.PeerConnectionState

	sending atomic.Bool // ICE is connected: write media
	needIDR atomic.Bool // start (again) at a keyframe
	rtt     atomic.Int64

	// Owned by the capture goroutine (Video/Audio calls).
	payloader  codecs.H264Payloader
	annexB     []byte
	vseq, aseq uint16
	vbase      uint32
	abase      uint32
	aclock     int64
}

func random32() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint32(b[:])
}

// connect creates a PeerConnection, offers it to the hub and applies the answer.
func (pub *Publisher) connect(ctx context.Context, d capture.Description, profile string) (*session, error) {
	pc, err := pub.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, fmt.Errorf("uplink: peer connection: %w", err)
	}
	s := &session{pc: pc, pub: pub, profile: profile, states: make(chan webrtc.PeerConnectionState, 16)}
	r := random32()
	s.vseq, s.aseq, s.vbase, s.abase = uint16(r), uint16(r>>16), random32(), random32()
	s.needIDR.Store(true)
	fail := func(err error) (*session, error) {
		_ = pc.Close()
		return nil, err
	}
	if s.video, err = webrtc.NewTrackLocalStaticRTP(h264Codec(profile), "video", "fieldwatch"); err != nil {
		return fail(fmt.Errorf("uplink: video track: %w", err))
	}
	vs, err := pc.AddTransceiverFromTrack(s.video, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return fail(fmt.Errorf("uplink: video transceiver: %w", err))
	}
	go readReports(vs.Sender(), pub)
	if c, ok := audioCodec(d); ok {
		if s.audio, err = webrtc.NewTrackLocalStaticRTP(c, "audio", "fieldwatch"); err != nil {
			return fail(fmt.Errorf("uplink: audio track: %w", err))
		}
		as, err := pc.AddTransceiverFromTrack(s.audio, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			return fail(fmt.Errorf("uplink: audio transceiver: %w", err))
		}
		s.aclock = int64(c.ClockRate)
		go drainRTCP(as.Sender())
	}
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		select {
		case s.states <- st:
		default:
		}
	})
	local, err := s.localOffer(ctx, nil)
	if err != nil {
		return fail(err)
	}
	ws, err := pub.whip.Offer(ctx, pub.p.Endpoint, local)
	if err != nil {
		return fail(err)
	}
	s.ws = ws
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: ws.Answer}); err != nil {
		s.close(pub.whip)
		return nil, fmt.Errorf("uplink: hub's answer: %w", err)
	}
	pub.mu.Lock()
	pub.sessions++
	pub.mu.Unlock()
	pub.log.Info("uplink: session created", "location", ws.Location)
	return s, nil
}

// localOffer creates an offer and waits for ICE gathering: WHIP without trickle.
func (s *session) localOffer(ctx context.Context, opts *webrtc.OfferOptions) (string, error) {
	offer, err := s.pc.CreateOffer(opts)
	if err != nil {
		return "", fmt.Errorf("uplink: offer: %w", err)
	}
	gathered := webrtc.GatheringCompletePromise(s.pc)
	if err := s.pc.SetLocalDescription(offer); err != nil {
		return "", fmt.Errorf("uplink: local description: %w", err)
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return s.pc.LocalDescription().SDP, nil
}

// readReports reads the hub's RTCP for the video track, so the interceptors
// (NACK, reports) run, and keeps the loss the hub reports in its receiver
// reports: the sync agent backs off when live video starts losing packets.
func readReports(sender *webrtc.RTPSender, pub *Publisher) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			if rr, ok := p.(*rtcp.ReceiverReport); ok {
				for _, r := range rr.Reports {
					pub.reportLoss(float64(r.FractionLost) / 256 * 100)
				}
			}
		}
	}
}

// drainRTCP reads the hub's RTCP so the interceptors (NACK, reports) run.
// Keyframe requests cannot be passed to an IP camera over RTSP; the camera's
// own keyframe interval (1 s here) bounds a viewer's wait.
func drainRTCP(sender *webrtc.RTPSender) {
	for {
		if _, _, err := sender.ReadRTCP(); err != nil {
			return
		}
	}
}

// run watches the session until it must be replaced; it reports whether
// media flowed at some point (a healthy session resets the backoff).
func (s *session) run(ctx context.Context, pub *Publisher, gen int) bool {
	flowed := false
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return flowed
		case <-tick.C:
			if _, g, _ := pub.description(); g != gen {
				pub.log.Info("uplink: camera changed, new session")
				return flowed
			}
			if p := pub.profileID(); p != "" && p != s.profile {
				pub.log.Info("uplink: camera profile changed, new session", "profile", p, "was", s.profile)
				return flowed
			}
			s.updateRTT()
		case st := <-s.states:
			switch st {
			case webrtc.PeerConnectionStateConnected:
				s.needIDR.Store(true)
				s.sending.Store(true)
				flowed = true
				pub.setPhase(PhaseConnected, nil)
			case webrtc.PeerConnectionStateDisconnected:
				s.sending.Store(false)
				pub.setPhase(PhaseDisconnected, nil)
			case webrtc.PeerConnectionStateFailed:
				s.sending.Store(false)
				pub.setPhase(PhaseReconnecting, nil)
				if !s.restartICE(ctx, pub) {
					return flowed
				}
			case webrtc.PeerConnectionStateClosed:
				return flowed
			}
		}
	}
}

// restartICE restarts ICE on this session (WHIP PATCH) until it works, the
// hub has forgotten the session (false: start a new one), or ctx ends.
func (s *session) restartICE(ctx context.Context, pub *Publisher) bool {
	for attempt := 0; ctx.Err() == nil; attempt++ {
		err := s.patch(ctx, pub)
		if err == nil {
			pub.mu.Lock()
			pub.restarts++
			pub.mu.Unlock()
			pub.log.Info("uplink: ICE restarted")
			return true
		}
		pub.setPhase(PhaseReconnecting, err)
		if whip.SessionGone(err) {
			pub.log.Info("uplink: hub dropped the session, starting a new one", "err", err)
			return false
		}
		if !pub.sleep(ctx, attempt) {
			return false
		}
	}
	return false
}

func (s *session) patch(ctx context.Context, pub *Publisher) error {
	// A restart offer from a failed attempt is still pending: send it again.
	var local string
	if s.pc.SignalingState() == webrtc.SignalingStateHaveLocalOffer {
		local = s.pc.LocalDescription().SDP
	} else {
		var err error
		if local, err = s.localOffer(ctx, &webrtc.OfferOptions{ICERestart: true}); err != nil {
			return err
		}
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	answerFrag, err := s.ws.Patch(pctx, pub.whip, whip.BuildFrag(whip.FragFromSDP(local), whip.FirstMid(local)))
	if err != nil {
		return err
	}
	f, err := whip.ParseFrag(answerFrag)
	if err != nil {
		return err
	}
	return s.applyAnswer(f)
}

// applyAnswer completes an ICE restart with the hub's answer fragment.
func (s *session) applyAnswer(f whip.Frag) error {
	prev := s.pc.RemoteDescription()
	if prev == nil {
		return fmt.Errorf("uplink: no remote description to restart")
	}
	answer := whip.ApplyFrag(prev.SDP, f)
	if err := s.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		return fmt.Errorf("uplink: restart answer: %w", err)
	}
	return nil
}

// updateRTT reads the selected candidate pair's round-trip time.
func (s *session) updateRTT() {
	for _, st := range s.pc.GetStats() {
		if p, ok := st.(webrtc.ICECandidatePairStats); ok && p.Nominated && p.CurrentRoundTripTime > 0 {
			s.rtt.Store(int64(p.CurrentRoundTripTime * float64(time.Second)))
		}
	}
}

// close ends the session at the hub (best effort: the link may be down).
func (s *session) close(c *whip.Client) {
	s.sending.Store(false)
	_ = s.pc.Close()
	if s.ws != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = s.ws.Delete(ctx, c)
	}
}

// writeVideo packetizes one access unit.
func (s *session) writeVideo(pts time.Duration, au [][]byte) {
	if s.needIDR.Load() {
		if !hasIDR(au) {
			s.pub.dropped.Add(1)
			return
		}
		s.needIDR.Store(false)
	}
	s.annexB = s.annexB[:0]
	for _, n := range au {
		s.annexB = append(s.annexB, 0, 0, 0, 1)
		s.annexB = append(s.annexB, n...)
	}
	payloads := s.payloader.Payload(mtu, s.annexB)
	s.pub.frames.Add(1)
	ts := s.vbase + uint32(pts.Microseconds()*9/100)
	for i, p := range payloads {
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, Marker: i == len(payloads)-1, SequenceNumber: s.vseq, Timestamp: ts}, Payload: p}
		s.vseq++
		if err := s.video.WriteRTP(&pkt); err == nil {
			s.pub.packets.Add(1)
			s.pub.bytes.Add(uint64(len(p)))
		}
	}
}

// writeAudio sends one audio frame.
func (s *session) writeAudio(pts time.Duration, payload []byte) {
	if s.audio == nil || len(payload) == 0 {
		return
	}
	ts := s.abase + uint32(pts.Microseconds()*s.aclock/1_000_000)
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: s.aseq, Timestamp: ts}, Payload: payload}
	s.aseq++
	if err := s.audio.WriteRTP(&pkt); err == nil {
		s.pub.packets.Add(1)
		s.pub.bytes.Add(uint64(len(payload)))
	}
}

// hasIDR reports whether an access unit holds an IDR slice.
func hasIDR(au [][]byte) bool {
	for _, n := range au {
		if len(n) > 0 && n[0]&0x1f == 5 {
			return true
		}
	}
	return false
}
