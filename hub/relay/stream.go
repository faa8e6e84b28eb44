package relay

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// stream is one camera: at most one publisher, any number of viewers.
type stream struct {
	key   Key
	r     *Relay
	video *forwarder
	audio *forwarder
	stats streamStats

	lastPLI atomic.Int64 // unix nanos of the last keyframe request sent

	mu      sync.Mutex
	pub     *publisher
	gen     uint32
	viewers map[string]*viewer // every viewer, connected or not, until its close is done

	// Viewer slots, guarded by the relay's mutex: connected viewers, and
	// each account's viewers that have not connected yet.
	connected int
	pending   map[string]int
}

func newStream(k Key, r *Relay) *stream {
	return &stream{
		key:     k,
		r:       r,
		video:   newForwarder(webrtc.RTPCodecTypeVideo, r.p.GOPCacheBytes),
		audio:   newForwarder(webrtc.RTPCodecTypeAudio, 0),
		viewers: map[string]*viewer{},
		pending: map[string]int{},
	}
}

func (s *stream) forwarder(kind webrtc.RTPCodecType) *forwarder {
	if kind == webrtc.RTPCodecTypeVideo {
		return s.video
	}
	return s.audio
}

// nextGen numbers a new publisher of the stream, before it can receive media.
func (s *stream) nextGen() uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	return s.gen
}

// setPublisher makes p the stream's publisher and returns the one it replaces.
func (s *stream) setPublisher(p *publisher) *publisher {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.pub
	s.pub = p
	return old
}

// publisherGone clears p if it is still the publisher.
func (s *stream) publisherGone(p *publisher) {
	s.mu.Lock()
	if s.pub == p {
		s.pub = nil
	}
	s.mu.Unlock()
	s.r.dropStreamIfIdle(s)
}

func (s *stream) publisher() *publisher {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pub
}

func (s *stream) removeViewer(v *viewer) {
	s.mu.Lock()
	delete(s.viewers, v.sid)
	s.mu.Unlock()
	s.r.dropStreamIfIdle(s)
}

func (s *stream) viewerList() []*viewer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*viewer, 0, len(s.viewers))
	for _, v := range s.viewers {
		out = append(out, v)
	}
	return out
}

// idle: no publisher and no viewers. Called with the relay's lock held.
func (s *stream) idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pub == nil && len(s.viewers) == 0
}

// requestKeyframe sends a PLI to the publisher, at most once per PLIInterval.
func (s *stream) requestKeyframe() {
	now := time.Now().UnixNano()
	last := s.lastPLI.Load()
	if now-last < int64(s.r.p.PLIInterval) || !s.lastPLI.CompareAndSwap(last, now) {
		return
	}
	p := s.publisher()
	if p == nil {
		return
	}
	ssrc := p.videoSSRC.Load()
	if ssrc == 0 {
		return
	}
	if err := p.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}}); err == nil {
		s.stats.plis.Add(1)
	}
}
