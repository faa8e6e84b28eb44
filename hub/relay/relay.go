package relay

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
)

// Key names a stream: one camera of one vehicle.
type Key struct {
	Vehicle, Camera string
}

func (k Key) String() string { return k.Vehicle + "/" + k.Camera }

// Params configure a Relay. Zero values take the documented defaults.
type Params struct {
	Logger *slog.Logger
	// LoopbackOnly offers only loopback ICE candidates (tests, demo on one machine).
	LoopbackOnly bool
	// NAT1To1IPs are public addresses to announce instead of the host's own.
	NAT1To1IPs []string
	// UDPPort, when set, multiplexes every session on this one UDP port.
	UDPPort int
	// UDPPortMin/Max bound the ephemeral ports used when UDPPort is 0.
	UDPPortMin, UDPPortMax uint16
	// ViewerQueue is each viewer's queue length in packets per track. Default 512 (about 2.5 s of video at 1.5 Mbit/s).
	ViewerQueue int
	// MaxViewers per stream; default 64. It counts connected viewers; a
	// new viewer is also counted with the sessions its own account has not
	// yet connected on the stream, never with other accounts' (so sessions
	// that never connect cannot take the slots another account needs).
	MaxViewers int
	// ViewerConnectTimeout closes a viewer whose ICE has not connected
	// within it and frees its slot. Default 15 s (ICE on a loaded machine can take several seconds).
	ViewerConnectTimeout time.Duration
	// MaxPendingPerStream and MaxPendingPerAccount bound the viewer
	// sessions of one account that have not yet connected: on one stream
	// (default 4) and over the whole relay (default 16). Beyond them
	// Subscribe answers ErrTooManyPending.
	MaxPendingPerStream, MaxPendingPerAccount int
	// PLIInterval is the least time between keyframe requests sent to a publisher. Default 500 ms.
	PLIInterval time.Duration
	// GOPCacheBytes bounds the cached group of pictures per stream. Default 4 MiB.
	GOPCacheBytes int
	// PublisherGrace keeps a publisher whose ICE failed, so that it can
	// restart ICE (WHIP PATCH) instead of starting over. Default 60 s.
	PublisherGrace time.Duration
	// PublisherDisconnected, PublisherFailed: ICE timeouts for publishers.
	// Defaults 2 s and 30 s: a cut is noticed at once, and a link that comes
	// back within the failed timeout resumes with no signalling at all.
	PublisherDisconnected, PublisherFailed time.Duration
	// StampParser reads a capture time from an SEI NAL unit (for latency stats). Optional.
	StampParser func(nalu []byte) (time.Time, bool)
	// OnStreamChange is told when a stream goes live or stops. Optional; must not block.
	OnStreamChange func(k Key, live bool)
}

func (p *Params) setDefaults() {
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	if p.ViewerQueue <= 0 {
		p.ViewerQueue = 512
	}
	if p.MaxViewers <= 0 {
		p.MaxViewers = 64
	}
	if p.ViewerConnectTimeout <= 0 {
		p.ViewerConnectTimeout = 15 * time.Second
	}
	if p.MaxPendingPerStream <= 0 {
		p.MaxPendingPerStream = 4
	}
	if p.MaxPendingPerAccount <= 0 {
		p.MaxPendingPerAccount = 16
	}
	if p.PLIInterval <= 0 {
		p.PLIInterval = 500 * time.Millisecond
	}
	if p.GOPCacheBytes <= 0 {
		p.GOPCacheBytes = 4 << 20
	}
	if p.PublisherGrace <= 0 {
		p.PublisherGrace = 60 * time.Second
	}
	if p.PublisherDisconnected <= 0 {
		p.PublisherDisconnected = 2 * time.Second
	}
	if p.PublisherFailed <= 0 {
		p.PublisherFailed = 30 * time.Second
	}
}

// Relay is the SFU. Its maps are guarded by one mutex; the media path does
// not take it.
type Relay struct {
	p        Params
	log      *slog.Logger
	pubAPI   *webrtc.API
	viewAPI  *webrtc.API
	udpMux   ice.UDPMux
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	mu       sync.Mutex
	streams  map[Key]*stream
	sessions map[string]session
	closed   bool
	// pending counts each account's viewer sessions that have not yet
	// connected, over every stream.
	pending map[string]int
}

// session is a publisher or a viewer.
type session interface {
	id() string
	key() Key
	close()
	patch(ctx context.Context, frag string) (string, error)
}

// New builds a relay; Close releases it.
func New(p Params) (*Relay, error) {
	p.setDefaults()
	r := &Relay{p: p, log: p.Logger, streams: map[Key]*stream{}, sessions: map[string]session{}, pending: map[string]int{}}
	cfg := apiConfig{loopbackOnly: p.LoopbackOnly, nat1To1IPs: p.NAT1To1IPs, portMin: p.UDPPortMin, portMax: p.UDPPortMax}
	if p.UDPPort != 0 {
		mux, err := ice.NewMultiUDPMuxFromPort(p.UDPPort, ice.UDPMuxFromPortWithLoopback())
		if err != nil {
			return nil, fmt.Errorf("relay: listen on UDP port %d: %w", p.UDPPort, err)
		}
		r.udpMux = mux
		cfg.udpMux = mux
	}
	pub := cfg
	pub.publisher = true
	pub.disconnected, pub.failed, pub.keepalive = p.PublisherDisconnected, p.PublisherFailed, 500*time.Millisecond
	view := cfg
	view.disconnected, view.failed, view.keepalive = 3*time.Second, 15*time.Second, time.Second
	var err error
	if r.pubAPI, err = newAPI(pub); err != nil {
		return nil, fmt.Errorf("relay: publisher API: %w", err)
	}
	if r.viewAPI, err = newAPI(view); err != nil {
		return nil, fmt.Errorf("relay: viewer API: %w", err)
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.wg.Add(1)
	go r.statsLoop()
	return r, nil
}

// Close ends every session and waits for the relay's goroutines.
func (r *Relay) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	sessions := make([]session, 0, len(r.sessions))
	for _, s := range r.sessions {
		sessions = append(sessions, s)
	}
	r.mu.Unlock()
	for _, s := range sessions {
		s.close()
	}
	r.cancel()
	r.wg.Wait()
	if r.udpMux != nil {
		return r.udpMux.Close()
	}
	return nil
}

// Delete ends a session (WHIP/WHEP DELETE).
func (r *Relay) Delete(id string) error {
	s, err := r.session(id)
	if err != nil {
		return err
	}
	s.close()
	return nil
}

// Patch restarts ICE on a session (WHIP/WHEP PATCH with a trickle-ice-sdpfrag)
// and returns the relay's answer fragment.
func (r *Relay) Patch(ctx context.Context, id, frag string) (string, error) {
	s, err := r.session(id)
	if err != nil {
		return "", err
	}
	return s.patch(ctx, frag)
}

// SessionKey says which stream a session belongs to (for authorisation of PATCH and DELETE).
func (r *Relay) SessionKey(id string) (Key, bool) {
	s, err := r.session(id)
	if err != nil {
		return Key{}, false
	}
	return s.key(), true
}

func (r *Relay) session(id string) (session, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.sessions[id]
	if !ok {
		return nil, ErrNoSession
	}
	return s, nil
}

func (r *Relay) addSession(s session) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	r.sessions[s.id()] = s
	return nil
}

func (r *Relay) removeSession(id string) {
	r.mu.Lock()
	delete(r.sessions, id)
	r.mu.Unlock()
}

// streamFor returns the stream of k, creating it when create is set.
func (r *Relay) streamFor(k Key, create bool) (*stream, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, ErrClosed
	}
	s := r.streams[k]
	if s == nil {
		if !create {
			return nil, ErrNoStream
		}
		s = newStream(k, r)
		r.streams[k] = s
	}
	return s, nil
}

// dropStreamIfIdle forgets a stream that has neither publisher nor viewers.
func (r *Relay) dropStreamIfIdle(s *stream) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.streams[s.key] == s && s.idle() {
		delete(r.streams, s.key)
	}
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// localDescription waits for ICE gathering (host candidates only, so it is
// quick) and returns the complete local SDP: the relay answers without trickle.
func localDescription(ctx context.Context, pc *webrtc.PeerConnection, answer webrtc.SessionDescription) (string, error) {
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		return "", fmt.Errorf("set local description: %w", err)
	}
	select {
	case <-done:
	case <-ctx.Done():
		return "", fmt.Errorf("gather ICE candidates: %w", ctx.Err())
	}
	return pc.LocalDescription().SDP, nil
}
