package relay

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// codecWait is how long a viewer waits for a just-started publisher's codec.
const codecWait = 3 * time.Second

// viewer is one WHEP playback session.
type viewer struct {
	sid     string
	account string // who asked for it, for the pending count
	slot    slot   // guarded by the relay's mutex
	s       *stream
	r       *Relay
	pc      *webrtc.PeerConnection
	tracks  []*downTrack

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	started bool
	timer   *time.Timer
}

// Subscribe starts a playback session of k for account from a WHEP offer
// and returns the SDP answer and the session id. The session holds one of
// the account's pending slots until its ICE connects; if it has not
// connected within ViewerConnectTimeout it is closed.
func (r *Relay) Subscribe(ctx context.Context, k Key, account, offer string) (answer, id string, err error) {
	if err := checkOffer(offer); err != nil {
		return "", "", err
	}
	s, err := r.streamFor(k, false)
	if err != nil {
		return "", "", err
	}
	wait := time.NewTimer(codecWait)
	defer wait.Stop()
	select {
	case <-s.video.ready:
	case <-wait.C:
		return "", "", fmt.Errorf("%w: publisher has sent no video yet", ErrNoStream)
	case <-ctx.Done():
		return "", "", ctx.Err()
	}
	pc, err := r.viewAPI.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return "", "", fmt.Errorf("relay: new peer connection: %w", err)
	}
	v := &viewer{sid: newID(), account: account, s: s, r: r, pc: pc}
	v.ctx, v.cancel = context.WithCancel(r.ctx)
	fail := func(err error) (string, string, error) {
		v.close()
		return "", "", err
	}
	label := "fieldwatch-" + k.Vehicle + "-" + k.Camera
	for _, f := range []*forwarder{s.video, s.audio} {
		codec, ok := f.currentCodec()
		if !ok {
			continue
		}
		track, err := newViewerTrack(codec, f.kind.String(), label)
		if err != nil {
			return fail(fmt.Errorf("relay: local track: %w", err))
		}
		sender, err := pc.AddTrack(track)
		if err != nil {
			return fail(fmt.Errorf("relay: add track: %w", err))
		}
		d := newDownTrack(track, f, r.p.ViewerQueue, s.requestKeyframe)
		v.tracks = append(v.tracks, d)
		v.wg.Add(1)
		go v.readRTCP(sender, d)
	}
	pc.OnConnectionStateChange(v.onState)
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
	if err := r.admitViewer(v); err != nil {
		return fail(err)
	}
	v.mu.Lock()
	if !v.closed {
		v.timer = time.AfterFunc(r.p.ViewerConnectTimeout, func() {
			v.mu.Lock()
			started := v.started
			v.mu.Unlock()
			if !started {
				v.close()
			}
		})
	}
	v.mu.Unlock()
	return answer, v.sid, nil
}

func (v *viewer) id() string { return v.sid }
func (v *viewer) key() Key   { return v.s.key }

func (v *viewer) onState(state webrtc.PeerConnectionState) {
	v.r.log.Debug("viewer state", "stream", v.s.key.String(), "session", v.sid, "state", state.String())
	switch state {
	case webrtc.PeerConnectionStateConnected:
		v.start()
	case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
		v.close()
	}
}

// start joins the forwarders once the viewer can receive: packets written
// before DTLS is up would be lost, burst included.
// A viewer that connects when the stream already has MaxViewers connected
// is closed.
func (v *viewer) start() {
	v.mu.Lock()
	if v.closed || v.started {
		v.mu.Unlock()
		return
	}
	v.started = true
	v.mu.Unlock()
	if !v.r.connectViewer(v) {
		v.r.log.Info("viewer refused on connect: too many viewers", "stream", v.s.key.String(), "session", v.sid)
		v.close()
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return
	}
	for _, d := range v.tracks {
		v.wg.Add(1)
		go func() {
			defer v.wg.Done()
			d.run(v.ctx)
		}()
	}
}

// readRTCP serves the viewer's feedback: NACKs are answered by the NACK
// interceptor on the way through; keyframe requests go to the publisher.
func (v *viewer) readRTCP(sender *webrtc.RTPSender, d *downTrack) {
	defer v.wg.Done()
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			switch p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				if d.video {
					v.s.requestKeyframe()
				}
			}
		}
	}
}

func (v *viewer) patch(ctx context.Context, frag string) (string, error) {
	return iceRestart(ctx, v.pc, frag)
}

func (v *viewer) close() {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return
	}
	v.closed = true
	if v.timer != nil {
		v.timer.Stop()
	}
	v.mu.Unlock()
	v.cancel()
	v.r.releaseViewer(v)
	v.r.wg.Add(1)
	go func() {
		defer v.r.wg.Done()
		if err := v.pc.Close(); err != nil {
			v.r.log.Debug("viewer close", "session", v.sid, "err", err)
		}
		v.wg.Wait()
		v.s.removeViewer(v)
	}()
}
