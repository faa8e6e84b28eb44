package relay

import (
	"fmt"
	"net"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/webrtc/v4"
)

// h264Profiles are the H.264 profiles accepted for passthrough, all with
// packetization-mode=1 (RFC 6184 non-interleaved), which every browser and
// WHIP publisher uses.
var h264Profiles = []string{"42001f", "42e01f", "4d001f", "640032", "64001f"}

// newMediaEngine registers the codecs the relay forwards: H.264 video, and
// Opus or G.711 audio. Nothing is transcoded, so nothing else is offered.
func newMediaEngine() (*webrtc.MediaEngine, error) {
	m := &webrtc.MediaEngine{}
	videoFB := []webrtc.RTCPFeedback{
		{Type: "goog-remb"}, {Type: "ccm", Parameter: "fir"},
		{Type: "nack"}, {Type: "nack", Parameter: "pli"},
	}
	for i, profile := range h264Profiles {
		c := webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{
				MimeType:     webrtc.MimeTypeH264,
				ClockRate:    90000,
				SDPFmtpLine:  "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + profile,
				RTCPFeedback: videoFB,
			},
			PayloadType: webrtc.PayloadType(102 + 2*i),
		}
		if err := m.RegisterCodec(c, webrtc.RTPCodecTypeVideo); err != nil {
			return nil, fmt.Errorf("register H.264 %s: %w", profile, err)
		}
	}
	audio := []webrtc.RTPCodecParameters{
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"}, PayloadType: 111},
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000}, PayloadType: 0},
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMA, ClockRate: 8000}, PayloadType: 8},
	}
	for _, c := range audio {
		if err := m.RegisterCodec(c, webrtc.RTPCodecTypeAudio); err != nil {
			return nil, fmt.Errorf("register %s: %w", c.MimeType, err)
		}
	}
	return m, nil
}

// apiConfig is what the two WebRTC APIs (publishers, viewers) share.
type apiConfig struct {
	loopbackOnly bool
	nat1To1IPs   []string
	udpMux       ice.UDPMux
	portMin      uint16
	portMax      uint16
	disconnected time.Duration
	failed       time.Duration
	keepalive    time.Duration
	publisher    bool
}

// newAPI builds a pion API. Publishers get a NACK generator (ask the vehicle
// to resend what was lost) and receiver reports; viewers get a NACK
// responder (resend from their own buffer) and sender reports. The stats
// interceptor is left out: it costs a lock per packet and the relay keeps
// its own counters.
func newAPI(c apiConfig) (*webrtc.API, error) {
	m, err := newMediaEngine()
	if err != nil {
		return nil, err
	}
	reg := &interceptor.Registry{}
	if c.publisher {
		// Ask at most twice for a lost packet: after an outage the gap is old video, and asking
		// for it every 100 ms makes the vehicle flood its just-restored link with retransmissions.
		gen, err := nack.NewGeneratorInterceptor(nack.GeneratorMaxNacksPerPacket(2))
		if err != nil {
			return nil, fmt.Errorf("nack generator: %w", err)
		}
		reg.Add(gen)
		if err := webrtc.ConfigureTWCCSender(m, reg); err != nil {
			return nil, fmt.Errorf("twcc: %w", err)
		}
	} else {
		resp, err := nack.NewResponderInterceptor(nack.ResponderSize(512))
		if err != nil {
			return nil, fmt.Errorf("nack responder: %w", err)
		}
		reg.Add(resp)
	}
	if err := webrtc.ConfigureRTCPReports(reg); err != nil {
		return nil, fmt.Errorf("rtcp reports: %w", err)
	}

	var s webrtc.SettingEngine
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	s.SetICETimeouts(c.disconnected, c.failed, c.keepalive)
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	if c.loopbackOnly {
		s.SetIncludeLoopbackCandidate(true)
		s.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	}
	if len(c.nat1To1IPs) > 0 {
		s.SetNAT1To1IPs(c.nat1To1IPs, webrtc.ICECandidateTypeHost)
	}
	if c.udpMux != nil {
		s.SetICEUDPMux(c.udpMux)
	} else if c.portMin != 0 || c.portMax != 0 {
		if err := s.SetEphemeralUDPPortRange(c.portMin, c.portMax); err != nil {
			return nil, fmt.Errorf("udp port range: %w", err)
		}
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(s)), nil
}
