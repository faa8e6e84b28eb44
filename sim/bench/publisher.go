package bench

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"fieldwatch/sim/clip"
	"fieldwatch/vehicle/capture"
	"fieldwatch/vehicle/uplink"
)

// publisher is one WHIP publisher of the SEI-stamped sim clip, built from
// the vehicle's own uplink: the bench loads the hub the way vehicles do.
type publisher struct {
	pub    *uplink.Publisher
	player *clip.Player
}

func newPublisher(endpoint, token string, loopback bool, hc *http.Client, log *slog.Logger) *publisher {
	return &publisher{
		pub: uplink.New(uplink.Params{
			Endpoint: endpoint, Token: token, HTTP: hc, LoopbackOnly: loopback, Logger: log,
		}),
		player: clip.NewPlayer(clip.Default(), clip.PlayerOptions{Stamp: true}),
	}
}

// run publishes until ctx ends.
func (p *publisher) run(ctx context.Context) {
	p.pub.Describe(capture.Description{VideoCodec: "H264", AudioCodec: "opus", AudioClockRate: clip.AudioClockRate, AudioChannels: clip.AudioChannels})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = p.pub.Run(ctx)
	}()
	_ = p.player.Run(ctx, p.pub.Video, p.pub.Audio)
	<-done
}

// waitConnected waits until the publisher's session carries video (its
// first keyframe has gone out), so viewers measure the relay, not the
// camera's keyframe interval.
func (p *publisher) waitConnected(ctx context.Context, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if st := p.pub.State(); st.Phase == uplink.PhaseConnected && st.FramesSent > 0 {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}
