package relay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"
)

// publisher is one WHIP ingest session.
type publisher struct {
	sid       string
	s         *stream
	r         *Relay
	pc        *webrtc.PeerConnection
	gen       uint32
	videoSSRC atomic.Uint32
	connected atomic.Bool

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex // guards closed, grace and wg.Add after close
	closed    bool
	grace     *time.Timer
	patchLock sync.Mutex // one ICE restart at a time
}

// Publish starts an ingest session for k from a WHIP offer and returns the
// SDP answer and the session id. A publisher already on k is replaced: the
// vehicle reconnected.
func (r *Relay) Publish(ctx context.Context, k Key, offer string) (answer, id string, err error) {
	if err := checkOffer(offer); err != nil {
		return "", "", err
	}
	s, err := r.streamFor(k, true)
	if err != nil {
		return "", "", err
	}
	pc, err := r.pubAPI.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return "", "", fmt.Errorf("relay: new peer connection: %w", err)
	}
	p := &publisher{sid: newID(), s: s, r: r, pc: pc, gen: s.nextGen()}
	p.ctx, p.cancel = context.WithCancel(r.ctx)
	pc.OnTrack(p.onTrack)
	pc.OnConnectionStateChange(p.onState)

	fail := func(err error) (string, string, error) {
		p.close()
		return "", "", err
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return fail(fmt.Errorf("%w: %v", ErrBadOffer, err))
	}
	ans, err := pc.CreateAnswer(nil)
	if err != nil {
		return fail(fmt.Errorf("%w: %v", ErrNoCodec, err))
	}
	if answer, err = localDescription(ctx, pc, ans); err != nil {
		return fail(err)
	}
	if !receivesMedia(pc) {
		return fail(fmt.Errorf("%w: offer sends no H.264, Opus or G.711 track", ErrNoCodec))
	}
	if err := r.addSession(p); err != nil {
		return fail(err)
	}
	if old := s.setPublisher(p); old != nil {
		r.log.Info("publisher replaced", "stream", k.String(), "old", old.sid, "new", p.sid)
		old.close()
	}
	r.log.Info("publisher session", "stream", k.String(), "session", p.sid)
	return answer, p.sid, nil
}

// receivesMedia reports whether negotiation left at least one receiving transceiver with a codec.
func receivesMedia(pc *webrtc.PeerConnection) bool {
	for _, t := range pc.GetTransceivers() {
		if t.Receiver() == nil || t.Mid() == "" {
			continue
		}
		if d := t.Direction(); d != webrtc.RTPTransceiverDirectionRecvonly && d != webrtc.RTPTransceiverDirectionSendrecv {
			continue
		}
		if len(t.Receiver().GetParameters().Codecs) > 0 {
			return true
		}
	}
	return false
}

func (p *publisher) id() string { return p.sid }
func (p *publisher) key() Key   { return p.s.key }

func (p *publisher) onTrack(remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.wg.Add(2)
	p.mu.Unlock()

	f := p.s.forwarder(remote.Kind())
	f.setCodec(remote.Codec().RTPCodecCapability)
	if remote.Kind() == webrtc.RTPCodecTypeVideo {
		p.videoSSRC.Store(uint32(remote.SSRC()))
	}
	p.r.log.Debug("publisher track", "stream", p.s.key.String(), "kind", remote.Kind().String(), "codec", remote.Codec().MimeType)
	go p.readRTP(remote, f)
	go func() {
		defer p.wg.Done()
		for {
			if _, _, err := recv.ReadRTCP(); err != nil {
				return
			}
		}
	}()
}

// readRTP is the hot path: read, account, hand to the forwarder.
func (p *publisher) readRTP(remote *webrtc.TrackRemote, f *forwarder) {
	defer p.wg.Done()
	video := remote.Kind() == webrtc.RTPCodecTypeVideo
	st := &p.s.stats
	buf := make([]byte, 1500)
	for {
		n, _, err := remote.Read(buf)
		if err != nil {
			if !errors.Is(err, io.EOF) && p.ctx.Err() == nil {
				p.r.log.Debug("publisher read", "stream", p.s.key.String(), "err", err)
			}
			return
		}
		pkt, err := parsePacket(buf[:n])
		if err != nil {
			st.malformed.Add(1)
			continue
		}
		pkt.gen = p.gen
		now := time.Now()
		if video {
			pkt.keyframe = h264KeyframeStart(pkt.payload)
			st.video(pkt, now, p.r.p.StampParser)
		} else {
			st.audio(pkt)
		}
		f.push(pkt)
	}
}

func (p *publisher) onState(state webrtc.PeerConnectionState) {
	p.r.log.Info("publisher state", "stream", p.s.key.String(), "session", p.sid, "state", state.String())
	switch state {
	case webrtc.PeerConnectionStateConnected:
		p.connected.Store(true)
		p.stopGrace()
		p.s.requestKeyframe()
	case webrtc.PeerConnectionStateDisconnected:
		p.connected.Store(false)
	case webrtc.PeerConnectionStateFailed:
		// Keep the session for a while: the vehicle may restart ICE (PATCH).
		p.connected.Store(false)
		p.mu.Lock()
		if !p.closed && p.grace == nil {
			p.grace = time.AfterFunc(p.r.p.PublisherGrace, p.close)
		}
		p.mu.Unlock()
	case webrtc.PeerConnectionStateClosed:
		p.close()
	}
}

func (p *publisher) stopGrace() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.grace != nil {
		p.grace.Stop()
		p.grace = nil
	}
}

// close ends the session; safe to call more than once and from callbacks.
func (p *publisher) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	if p.grace != nil {
		p.grace.Stop()
	}
	p.mu.Unlock()
	p.connected.Store(false)
	p.cancel()
	p.r.removeSession(p.sid)
	p.r.wg.Add(1)
	go func() {
		// PeerConnection.Close waits for pion's goroutines, which may be the
		// one calling us: close from a goroutine of our own.
		defer p.r.wg.Done()
		if err := p.pc.Close(); err != nil {
			p.r.log.Debug("publisher close", "session", p.sid, "err", err)
		}
		p.wg.Wait()
		p.s.publisherGone(p)
	}()
}

// patch restarts ICE on a publisher whose link came back after its ICE failed.
func (p *publisher) patch(ctx context.Context, frag string) (string, error) {
	p.patchLock.Lock()
	defer p.patchLock.Unlock()
	ans, err := iceRestart(ctx, p.pc, frag)
	if err != nil {
		return "", err
	}
	p.stopGrace()
	p.r.log.Info("publisher ICE restart", "stream", p.s.key.String(), "session", p.sid)
	return ans, nil
}
