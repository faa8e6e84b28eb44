package relay

import (
	"context"
	"errors"
	"testing"
	"time"

	"fieldwatch/internal/testwait"

	"github.com/pion/webrtc/v4"
)

func newSlotRelay(t *testing.T, p Params) *Relay {
	t.Helper()
	p.LoopbackOnly = true
	r, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// pendingViewer sends a WHEP offer for account and never completes ICE:
// the answer is never applied.
func pendingViewer(t *testing.T, r *Relay, k Key, account string) (string, error) {
	t.Helper()
	pc, err := testAPI(t).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, recvonly()); err != nil {
		t.Fatal(err)
	}
	_, id, err := r.Subscribe(context.Background(), k, account, gatheredOffer(t, pc))
	return id, err
}

func waitLive(t *testing.T, r *Relay, k Key) {
	t.Helper()
	testwait.For(t, 5*time.Second, "stream "+k.String()+" live", func() bool {
		s, err := r.streamFor(k, false)
		if err != nil {
			return false
		}
		select {
		case <-s.video.ready:
			return true
		default:
			return false
		}
	})
}

// An account that opens viewer sessions and never connects them is
// refused beyond its pending caps (per camera, then overall), and the
// sessions it holds do not keep another account from watching.
func TestPendingViewersCappedPerAccount(t *testing.T) {
	r := newSlotRelay(t, Params{MaxViewers: 6, MaxPendingPerStream: 4, MaxPendingPerAccount: 6, ViewerConnectTimeout: time.Minute})
	cam1, cam2 := Key{"xe-01", "cam1"}, Key{"xe-01", "cam2"}
	startPublisher(t, r, cam1, 1)
	startPublisher(t, r, cam2, 1)
	waitLive(t, r, cam1)
	waitLive(t, r, cam2)

	// As many offers as the camera has slots: only the per-camera cap gets through.
	for i := range 6 {
		_, err := pendingViewer(t, r, cam1, "crew")
		if i < 4 && err != nil {
			t.Fatalf("crew's pending session %d on cam1: %v", i+1, err)
		}
		if i >= 4 && !errors.Is(err, ErrTooManyPending) {
			t.Errorf("crew's pending session %d on cam1: want ErrTooManyPending, got %v", i+1, err)
		}
	}
	// The overall cap: 4 on cam1 plus 2 on cam2, then no more.
	for i := range 3 {
		_, err := pendingViewer(t, r, cam2, "crew")
		if i < 2 && err != nil {
			t.Fatalf("crew's pending session %d on cam2: %v", i+1, err)
		}
		if i >= 2 && !errors.Is(err, ErrTooManyPending) {
			t.Errorf("crew's pending session %d on cam2: want ErrTooManyPending (overall cap), got %v", i+1, err)
		}
	}

	// The duty officer still watches cam1.
	v := startViewer(t, r, cam1)
	testwait.For(t, 5*time.Second, "duty officer's packets", func() bool { p, _ := v.snapshot(); return len(p) > 5 })
	// And others may still open sessions of their own.
	if _, err := pendingViewer(t, r, cam1, "duty-b"); err != nil {
		t.Fatalf("another account's pending session: %v", err)
	}
}

// A viewer session that never connects is closed after
// ViewerConnectTimeout and its slot is freed; a connected viewer frees its
// pending slot too.
func TestUnconnectedViewerExpires(t *testing.T) {
	r := newSlotRelay(t, Params{MaxPendingPerStream: 1, ViewerConnectTimeout: 300 * time.Millisecond})
	k := Key{"xe-01", "cam1"}
	startPublisher(t, r, k, 1)
	waitLive(t, r, k)

	id, err := pendingViewer(t, r, k, "crew")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pendingViewer(t, r, k, "crew"); !errors.Is(err, ErrTooManyPending) {
		t.Fatalf("second pending session: want ErrTooManyPending, got %v", err)
	}
	testwait.For(t, 10*time.Second, "the unconnected session to expire", func() bool {
		_, ok := r.SessionKey(id)
		return !ok
	})
	r.mu.Lock()
	left := r.pending["crew"]
	r.mu.Unlock()
	if left != 0 {
		t.Fatalf("expired session still counted: %d pending", left)
	}
	// The freed slot takes a viewer that connects...
	pc, err := testAPI(t).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, recvonly()); err != nil {
		t.Fatal(err)
	}
	answer, vid, err := r.Subscribe(context.Background(), k, "crew", gatheredOffer(t, pc))
	if err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, 5*time.Second, "the viewer to connect", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.pending["crew"] == 0
	})
	// ... which no longer counts as pending ...
	later, err := pendingViewer(t, r, k, "crew")
	if err != nil {
		t.Fatalf("pending session after the first connected: %v", err)
	}
	// ... and stays past the timeout that ends the later, unconnected one.
	testwait.For(t, 10*time.Second, "the later unconnected session to expire", func() bool {
		_, ok := r.SessionKey(later)
		return !ok
	})
	if _, ok := r.SessionKey(vid); !ok {
		t.Fatal("connected viewer closed by the connect timeout")
	}
}
