package relay

import (
	"context"
	"errors"
	"fieldwatch/internal/testwait"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/pion/rtcp"
)

func TestViewersStartOnKeyframeAndStayContinuous(t *testing.T) {
	r := newTestRelay(t)
	k := Key{"xe-01", "cam1"}
	startPublisher(t, r, k, 1000)
	// Join mid-GOP: the cached GOP must give the viewers a keyframe at once.
	testwait.For(t, 5*time.Second, "stream live", func() bool {
		s, err := r.streamFor(k, false)
		return err == nil && s.stats.frames.Load() > 30
	})
	viewers := []*testViewer{startViewer(t, r, k), startViewer(t, r, k), startViewer(t, r, k)}
	for i, v := range viewers {
		testwait.For(t, 3*time.Second, "viewer packets", func() bool { p, _ := v.snapshot(); return len(p) > 40 })
		pkts, at := v.snapshot()
		if !h264KeyframeStart(pkts[0].Payload) {
			t.Errorf("viewer %d: first packet is not a keyframe (NAL %d)", i, pkts[0].Payload[0]&0x1f)
		}
		// How soon is a goal for the bench (fieldwatch bench live reports
		// time to first frame), not an assertion a busy machine can miss.
		t.Logf("viewer %d: first packet after %v", i, at[0].Sub(v.joined))
		for j := 1; j < len(pkts); j++ {
			if pkts[j].SequenceNumber != pkts[j-1].SequenceNumber+1 {
				t.Fatalf("viewer %d: sequence gap %d -> %d", i, pkts[j-1].SequenceNumber, pkts[j].SequenceNumber)
			}
			if int32(pkts[j].Timestamp-pkts[j-1].Timestamp) <= 0 {
				t.Fatalf("viewer %d: timestamp not increasing at %d", i, j)
			}
		}
	}
	st := r.Stats()
	if len(st) != 1 || st[0].Viewers != 3 || !st[0].Live {
		t.Fatalf("stats: %+v", st)
	}
}

func TestPublisherReplacedViewerContinues(t *testing.T) {
	r := newTestRelay(t)
	k := Key{"xe-01", "cam1"}
	p1 := startPublisher(t, r, k, 1000)
	v := startViewer(t, r, k)
	testwait.For(t, 5*time.Second, "first publisher's packets", func() bool { p, _ := v.snapshot(); return len(p) > 10 })
	// The vehicle reconnects with a new session and unrelated numbering.
	startPublisher(t, r, k, 50000)
	p1.stop()
	before, _ := v.snapshot()
	testwait.For(t, 5*time.Second, "second publisher's packets", func() bool { p, _ := v.snapshot(); return len(p) > len(before)+30 })
	pkts, _ := v.snapshot()
	for j := 1; j < len(pkts); j++ {
		if d := pkts[j].SequenceNumber - pkts[j-1].SequenceNumber; d != 1 {
			t.Fatalf("sequence jumps by %d at %d across the publisher change", d, j)
		}
		if int32(pkts[j].Timestamp-pkts[j-1].Timestamp) <= 0 {
			t.Fatalf("timestamp goes back at %d across the publisher change", j)
		}
	}
}

func TestBadOffersAndMissingStreams(t *testing.T) {
	r := newTestRelay(t)
	ctx := context.Background()
	k := Key{"xe-01", "cam1"}
	for _, offer := range []string{"", "hello", "v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"} {
		if _, _, err := r.Publish(ctx, k, offer); !errors.Is(err, ErrBadOffer) {
			t.Errorf("publish %q: want ErrBadOffer, got %v", offer, err)
		}
	}
	if _, _, err := r.Subscribe(ctx, Key{"xe-09", "cam1"}, "duty", validOffer(t)); !errors.Is(err, ErrNoStream) {
		t.Errorf("subscribe missing: want ErrNoStream, got %v", err)
	}
	if err := r.Delete("nope"); !errors.Is(err, ErrNoSession) {
		t.Errorf("delete unknown: %v", err)
	}
	if len(r.Stats()) != 0 {
		t.Errorf("failed publishes left streams behind: %+v", r.Stats())
	}
}

func validOffer(t *testing.T) string {
	pc, err := testAPI(t).NewPeerConnection(webrtcConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.AddTransceiverFromKind(1, recvonly()); err != nil {
		t.Fatal(err)
	}
	return gatheredOffer(t, pc)
}

// Keyframe requests from many viewers reach the publisher at most once per
// PLIInterval (50 ms in these tests).
func TestKeyframeRequestsRateLimited(t *testing.T) {
	r := newTestRelay(t)
	k := Key{"xe-01", "cam1"}
	pub := startPublisher(t, r, k, 1)
	viewers := []*testViewer{startViewer(t, r, k), startViewer(t, r, k), startViewer(t, r, k)}
	for _, v := range viewers {
		testwait.For(t, 5*time.Second, "viewer packets", func() bool { p, _ := v.snapshot(); return len(p) > 5 })
	}
	before := pub.plis.Load()
	start := time.Now()
	for time.Since(start) < 500*time.Millisecond {
		for _, v := range viewers {
			pkts, _ := v.snapshot()
			_ = v.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: pkts[0].SSRC}})
		}
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(start)
	testwait.For(t, 2*time.Second, "a keyframe request at the publisher", func() bool { return pub.plis.Load() > before })
	got := pub.plis.Load() - before
	maxAllowed := int64(elapsed/(50*time.Millisecond)) + 2
	t.Logf("%d viewer PLIs in %v became %d at the publisher", 3*int(elapsed/(5*time.Millisecond)), elapsed, got)
	if got > maxAllowed {
		t.Fatalf("publisher got %d keyframe requests in %v, want at most %d", got, elapsed, maxAllowed)
	}
}

// Close ends every session and leaves no goroutine behind.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	r, err := New(Params{LoopbackOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	k := Key{"xe-01", "cam1"}
	pub := startPublisher(t, r, k, 1)
	v := startViewer(t, r, k)
	testwait.For(t, 5*time.Second, "viewer packets", func() bool { p, _ := v.snapshot(); return len(p) > 5 })
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	pub.stop()
	_ = v.pc.Close()
	testwait.For(t, 10*time.Second, "goroutines to settle", func() bool { return runtime.NumGoroutine() <= before+2 })
	if _, _, err := r.Publish(context.Background(), k, validOffer(t)); !errors.Is(err, ErrClosed) {
		t.Fatalf("publish after close: %v", err)
	}
}

// With webrtc.udp_port set, every session shares one UDP port.
func TestSingleUDPPort(t *testing.T) {
	l, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	port := l.LocalAddr().(*net.UDPAddr).Port
	l.Close()
	r, err := New(Params{LoopbackOnly: true, UDPPort: port})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	k := Key{"xe-01", "cam1"}
	startPublisher(t, r, k, 1)
	v1, v2 := startViewer(t, r, k), startViewer(t, r, k)
	for _, v := range []*testViewer{v1, v2} {
		testwait.For(t, 5*time.Second, "viewer packets over the shared port", func() bool { p, _ := v.snapshot(); return len(p) > 10 })
		pair, err := v.pc.SCTP().Transport().ICETransport().GetSelectedCandidatePair()
		if err != nil || pair == nil || int(pair.Remote.Port) != port {
			t.Fatalf("viewer's remote candidate %v (err %v), want port %d", pair, err, port)
		}
	}
}
