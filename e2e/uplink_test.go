package e2e

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/server"
	"fieldwatch/internal/testwait"
	"fieldwatch/sim/clip"
	"fieldwatch/sim/link"
	"fieldwatch/sim/seistamp"
	"fieldwatch/vehicle/capture"
	"fieldwatch/vehicle/uplink"
)

const testVehicleToken = "token-xe-01-0123456789"

// startHub runs a hub with one vehicle and short ICE timeouts, so that a
// long outage (one that fails ICE) fits in a test.
func startHub(t *testing.T, grace time.Duration) (base string, userToken string) {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.HTTP.TLS = "off"
	cfg.WebRTC.LoopbackOnly = true
	cfg.Relay.PublisherDisconnected, cfg.Relay.PublisherFailed, cfg.Relay.PublisherGrace = time.Second, 3*time.Second, grace
	cfg.Units.Tree = []server.UnitConfig{{ID: "u", Name: "Chi cục"}}
	cfg.Vehicles = []server.VehicleConfig{{ID: "xe-01", Name: "Xe 01", Unit: "u", Token: testVehicleToken, Cameras: []server.CameraConfig{{ID: "cam1", Name: "Trước"}}}}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := server.New(server.Options{Config: cfg, Logger: log, StampParser: seistamp.Parse, AdminPassword: "mat-khau-quan-tri"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Auth().PutUser(auth.User{Username: "trucban", Unit: "u", Roles: []string{auth.RoleDuty}}, "mat-khau-truc-ban"); err != nil {
		t.Fatal(err)
	}
	ln, err := h.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = h.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; h.Close() })
	tok, _, _, err := h.Auth().Login("trucban", "mat-khau-truc-ban", "", "")
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + ln.Addr().String(), tok
}

// startUplink publishes the sim clip over a simulated link.
func startUplink(t *testing.T, base string, l *link.Link) *uplink.Publisher {
	t.Helper()
	pub := uplink.New(uplink.Params{
		Endpoint: base + "/whip/xe-01/cam1", Token: testVehicleToken, HTTP: l.HTTPClient(5 * time.Second), Net: l.Net(), LoopbackOnly: true,
		ICEDisconnectedTimeout: time.Second, ICEFailedTimeout: 3 * time.Second, BackoffMax: 500 * time.Millisecond,
	})
	pub.Describe(capture.Description{VideoCodec: "H264", AudioCodec: "opus", AudioClockRate: 48000, AudioChannels: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = pub.Run(ctx); done <- struct{}{} }()
	go func() {
		_ = clip.NewPlayer(clip.Default(), clip.PlayerOptions{Stamp: true}).Run(ctx, pub.Video, pub.Audio)
		done <- struct{}{}
	}()
	t.Cleanup(func() { cancel(); <-done; <-done })
	return pub
}

// TestUplinkRestartsICEAfterLongOutage: an outage longer than the ICE
// failed timeout on both sides is healed by an ICE restart on the same
// WHIP session (PATCH), not a new session; viewers keep their session.
func TestUplinkRestartsICEAfterLongOutage(t *testing.T) {
	fullLane(t)
	base, user := startHub(t, time.Minute)
	l := link.New()
	pub := startUplink(t, base, l)
	testwait.For(t, 10*time.Second, "publishing", func() bool { return pub.State().Phase == uplink.PhaseConnected && pub.State().FramesSent > 0 })
	viewer := startGoViewer(t, base, "xe-01", "cam1", user)
	testwait.For(t, 5*time.Second, "viewer frames", func() bool { return len(viewer.framesAfter(time.Time{})) > 25 })

	l.SetUp(false)
	testwait.For(t, 3*time.Second, "uplink sees the link down", func() bool { return pub.State().Phase != uplink.PhaseConnected })
	time.Sleep(6 * time.Second) // past the failed timeout of both ends
	l.SetUp(true)
	restored := time.Now()
	resume := testwait.For(t, 8*time.Second, "video after the restart", func() bool {
		for _, f := range viewer.framesAfter(restored) {
			if f.keyframe {
				return true
			}
		}
		return false
	})
	st := pub.State()
	t.Logf("resumed %v after restore; sessions %d, ICE restarts %d", resume, st.Sessions, st.ICERestarts)
	if st.ICERestarts < 1 || st.Sessions != 1 {
		t.Fatalf("want an ICE restart on the first session, got %d sessions and %d restarts", st.Sessions, st.ICERestarts)
	}
}

// TestUplinkNewSessionWhenHubForgot: when the hub has dropped the session
// (its grace ran out), the PATCH is refused and the vehicle starts a new
// session; the viewer, still attached to the stream, gets video again.
func TestUplinkNewSessionWhenHubForgot(t *testing.T) {
	fullLane(t)
	base, user := startHub(t, time.Second)
	l := link.New()
	pub := startUplink(t, base, l)
	testwait.For(t, 10*time.Second, "publishing", func() bool { return pub.State().Phase == uplink.PhaseConnected && pub.State().FramesSent > 0 })
	viewer := startGoViewer(t, base, "xe-01", "cam1", user)
	testwait.For(t, 5*time.Second, "viewer frames", func() bool { return len(viewer.framesAfter(time.Time{})) > 25 })

	l.SetUp(false)
	time.Sleep(7 * time.Second) // failed (3 s) + grace (1 s) at the hub: the session is gone
	l.SetUp(true)
	restored := time.Now()
	testwait.For(t, 10*time.Second, "video on a new session", func() bool {
		for _, f := range viewer.framesAfter(restored) {
			if f.keyframe {
				return true
			}
		}
		return false
	})
	if st := pub.State(); st.Sessions != 2 {
		t.Fatalf("want a second session, got %d (restarts %d)", st.Sessions, st.ICERestarts)
	}
}
