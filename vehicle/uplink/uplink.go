// Package uplink publishes one camera to the hub over WebRTC with WHIP
// (RFC 9725). H.264 access units are packetized as they come (never
// transcoded) with RTP timestamps taken from the capture's timestamps, so
// SEI stamps and timing reach the hub untouched; audio frames go out one
// per packet.
//
// Link loss is the normal case on a vehicle. ICE notices a dead link after
// ICEDisconnectedTimeout (2 s) and the session is kept: when the link comes
// back within ICEFailedTimeout, ICE reconnects by itself and media resumes
// with no signalling. A longer outage fails ICE; the publisher then
// restarts ICE on the same session (WHIP PATCH) and, if the hub no longer
// has it, starts a new session. Retries use capped exponential backoff
// with full jitter; the cap is low (2 s) because a vehicle must be seen
// again within seconds of its link returning.
package uplink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/transport/v4"
	"github.com/pion/webrtc/v4"

	"fieldwatch/internal/backoff"
	"fieldwatch/protocol/whip"
	"fieldwatch/vehicle/capture"
)

// Phases of a publisher.
const (
	PhaseIdle         = "idle"         // no camera description yet
	PhaseConnecting   = "connecting"   // signalling or ICE in progress
	PhaseConnected    = "connected"    // media flowing
	PhaseDisconnected = "disconnected" // link lost, waiting for it (ICE keeps trying)
	PhaseReconnecting = "reconnecting" // ICE restart or a new session under way
)

// ErrNoCodec: the hub accepted no track.
var ErrNoCodec = errors.New("uplink: hub accepted no track")

// Params configure a Publisher.
type Params struct {
	// Endpoint is the full WHIP URL, e.g. https://hub/whip/xe-01/cam1.
	Endpoint string
	Token    string
	HTTP     *http.Client
	// Net carries media over a simulated link (sim/link); nil = the host's network.
	Net transport.Net
	// LoopbackOnly restricts ICE to loopback (hub on the same machine).
	LoopbackOnly bool
	Logger       *slog.Logger
	// ICE timeouts; defaults 2 s, 20 s, 500 ms.
	ICEDisconnectedTimeout, ICEFailedTimeout, ICEKeepalive time.Duration
	// Retry backoff; defaults 250 ms and 2 s.
	BackoffBase, BackoffMax time.Duration
}

func (p *Params) setDefaults() {
	if p.HTTP == nil {
		p.HTTP = &http.Client{Timeout: 15 * time.Second}
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	if p.ICEDisconnectedTimeout <= 0 {
		p.ICEDisconnectedTimeout = 2 * time.Second
	}
	if p.ICEFailedTimeout <= 0 {
		p.ICEFailedTimeout = 20 * time.Second
	}
	if p.ICEKeepalive <= 0 {
		p.ICEKeepalive = 500 * time.Millisecond
	}
	if p.BackoffBase <= 0 {
		p.BackoffBase = 250 * time.Millisecond
	}
	if p.BackoffMax <= 0 {
		p.BackoffMax = 2 * time.Second
	}
}

// State is a snapshot of a publisher.
type State struct {
	Phase       string
	Since       time.Time
	Sessions    int // sessions created (POSTs that succeeded)
	ICERestarts int
	FramesSent  uint64 // video access units sent
	PacketsSent uint64
	BytesSent   uint64
	Dropped     uint64 // access units dropped while no session was up
	RTT         time.Duration
	// LossPct is the live video loss the hub last reported (RTCP receiver report), at LossAt.
	LossPct   float64
	LossAt    time.Time
	LastError string
}

// Publisher publishes one camera. It implements capture.Sink.
type Publisher struct {
	p    Params
	log  *slog.Logger
	api  *webrtc.API
	whip *whip.Client

	cur     atomic.Pointer[session] // the session media goes to
	profile atomic.Pointer[string]  // the camera's H.264 profile-level-id, from its SPS
	frames  atomic.Uint64
	packets atomic.Uint64
	bytes   atomic.Uint64
	dropped atomic.Uint64

	mu       sync.Mutex
	desc     *capture.Description
	descGen  int
	descCh   chan struct{}
	phase    string
	since    time.Time
	sessions int
	restarts int
	lastErr  string
	loss     float64 // live loss the hub reported, percent
	lossAt   time.Time
}

// New returns a publisher; Run runs it.
func New(p Params) *Publisher {
	p.setDefaults()
	return &Publisher{
		p: p, log: p.Logger, whip: &whip.Client{HTTP: p.HTTP, Token: p.Token},
		descCh: make(chan struct{}, 1), phase: PhaseIdle, since: time.Now(),
	}
}

// State returns a snapshot.
func (pub *Publisher) State() State {
	pub.mu.Lock()
	st := State{Phase: pub.phase, Since: pub.since, Sessions: pub.sessions, ICERestarts: pub.restarts, LastError: pub.lastErr}
	pub.mu.Unlock()
	st.FramesSent, st.PacketsSent, st.BytesSent, st.Dropped = pub.frames.Load(), pub.packets.Load(), pub.bytes.Load(), pub.dropped.Load()
	if s := pub.cur.Load(); s != nil {
		st.RTT = time.Duration(s.rtt.Load())
	}
	pub.mu.Lock()
	st.LossPct, st.LossAt = pub.loss, pub.lossAt
	pub.mu.Unlock()
	return st
}

func (pub *Publisher) reportLoss(pct float64) {
	pub.mu.Lock()
	pub.loss, pub.lossAt = pct, time.Now()
	pub.mu.Unlock()
}

func (pub *Publisher) setPhase(phase string, err error) {
	pub.mu.Lock()
	defer pub.mu.Unlock()
	if pub.phase != phase {
		pub.log.Info("uplink phase", "phase", phase, "was", pub.phase)
		pub.phase, pub.since = phase, time.Now()
	}
	if err != nil {
		pub.lastErr = err.Error()
	}
}

// Describe implements capture.Sink: a new description starts a new session.
func (pub *Publisher) Describe(d capture.Description) {
	pub.mu.Lock()
	same := pub.desc != nil && *pub.desc == d
	if !same {
		pub.desc = &d
		pub.descGen++
	}
	pub.mu.Unlock()
	if !same {
		select {
		case pub.descCh <- struct{}{}:
		default:
		}
	}
}

func (pub *Publisher) description() (capture.Description, int, bool) {
	pub.mu.Lock()
	defer pub.mu.Unlock()
	if pub.desc == nil {
		return capture.Description{}, 0, false
	}
	return *pub.desc, pub.descGen, true
}

// Video implements capture.Sink.
func (pub *Publisher) Video(pts time.Duration, au [][]byte) {
	if sps := spsOf(au); sps != nil {
		if id, ok := profileLevelID(sps); ok && id != pub.profileID() {
			pub.profile.Store(&id)
		}
	}
	s := pub.cur.Load()
	if s == nil || !s.sending.Load() {
		pub.dropped.Add(1)
		return
	}
	s.writeVideo(pts, au)
}

// Audio implements capture.Sink.
func (pub *Publisher) Audio(pts time.Duration, payload []byte) {
	if s := pub.cur.Load(); s != nil && s.sending.Load() {
		s.writeAudio(pts, payload)
	}
}

// Run keeps a session up until ctx ends.
func (pub *Publisher) Run(ctx context.Context) error {
	api, err := pub.newAPI()
	if err != nil {
		return err
	}
	pub.api = api
	defer pub.setPhase(PhaseIdle, nil)
	attempt := 0
	for ctx.Err() == nil {
		desc, gen, ok := pub.description()
		if !ok {
			select {
			case <-ctx.Done():
				return nil
			case <-pub.descCh:
				continue
			}
		}
		pub.setPhase(PhaseConnecting, nil)
		s, err := pub.connect(ctx, desc, pub.waitProfile(ctx, 3*time.Second))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			pub.log.Warn("uplink: cannot publish", "err", err)
			pub.setPhase(PhaseReconnecting, err)
			if !pub.sleep(ctx, attempt) {
				return nil
			}
			attempt++
			continue
		}
		pub.cur.Store(s)
		healthy := s.run(ctx, pub, gen)
		pub.cur.Store(nil)
		s.close(pub.whip)
		if healthy {
			attempt = 0
		} else {
			attempt++
		}
		if ctx.Err() == nil {
			pub.setPhase(PhaseReconnecting, nil)
			if !pub.sleep(ctx, attempt) {
				return nil
			}
		}
	}
	return nil
}

// profileID is the camera's profile-level-id, "" until an SPS was seen.
func (pub *Publisher) profileID() string {
	if p := pub.profile.Load(); p != nil {
		return *p
	}
	return ""
}

// waitProfile waits a little for the camera's SPS (it comes with every
// keyframe), so the offer names the profile the camera really sends.
func (pub *Publisher) waitProfile(ctx context.Context, d time.Duration) string {
	deadline := time.Now().Add(d)
	for pub.profileID() == "" && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	if id := pub.profileID(); id != "" {
		return id
	}
	return defaultProfileLevelID
}

// sleep waits a full-jitter backoff; false when ctx ended.
func (pub *Publisher) sleep(ctx context.Context, attempt int) bool {
	d := backoff.Policy{Base: pub.p.BackoffBase, Max: pub.p.BackoffMax, Jitter: 1, Floor: time.Millisecond}.Delay(attempt)
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// newAPI builds the pion API: H.264 + Opus/G.711, NACK responder (the hub
// asks for what it lost), RTCP reports, and TWCC header extensions.
func (pub *Publisher) newAPI() (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, fmt.Errorf("uplink: codecs: %w", err)
	}
	reg := &interceptor.Registry{}
	if err := webrtc.ConfigureNack(m, reg); err != nil {
		return nil, fmt.Errorf("uplink: nack: %w", err)
	}
	if err := webrtc.ConfigureRTCPReports(reg); err != nil {
		return nil, fmt.Errorf("uplink: rtcp reports: %w", err)
	}
	if err := webrtc.ConfigureTWCCHeaderExtensionSender(m, reg); err != nil {
		return nil, fmt.Errorf("uplink: twcc: %w", err)
	}
	var se webrtc.SettingEngine
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetICETimeouts(pub.p.ICEDisconnectedTimeout, pub.p.ICEFailedTimeout, pub.p.ICEKeepalive)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	if pub.p.Net != nil {
		se.SetNet(pub.p.Net)
	}
	if pub.p.LoopbackOnly {
		se.SetIncludeLoopbackCandidate(true)
		se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se)), nil
}
