package bench

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"fieldwatch/sim/clip"
	"fieldwatch/vehicle/capture"
	"fieldwatch/vehicle/uplink"
)

// publisher is one WHIP publisher of the sim clip, stamped with the capture
// time at send time. It is the vehicle's own uplink, so the server is loaded
// the way vehicles load the hub.
type publisher struct {
	pub    *uplink.Publisher
	player *clip.Player
	log    *slog.Logger
	done   chan struct{}
}

func newPublisher(endpoint, token string, loopback bool, hc *http.Client, log *slog.Logger) *publisher {
	return &publisher{
		pub: uplink.New(uplink.Params{
			Endpoint: endpoint, Token: token, HTTP: hc, LoopbackOnly: loopback, Logger: log,
		}),
		player: clip.NewPlayer(clip.Default(), clip.PlayerOptions{Stamp: true}),
		log:    log,
		done:   make(chan struct{}),
	}
}

// start plays the clip into the uplink until ctx ends; wait waits for both
// to stop (the uplink DELETEs its session on the way out).
func (p *publisher) start(ctx context.Context) {
	p.pub.Describe(capture.Description{
		VideoCodec: "H264", AudioCodec: "opus",
		AudioClockRate: clip.AudioClockRate, AudioChannels: clip.AudioChannels,
	})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := p.pub.Run(ctx); err != nil {
			p.log.Error("publisher stopped", "err", err)
		}
	}()
	go func() {
		defer wg.Done()
		if err := p.player.Run(ctx, p.pub.Video, p.pub.Audio); err != nil {
			p.log.Error("clip player stopped", "err", err)
		}
	}()
	go func() {
		wg.Wait()
		close(p.done)
	}()
}

func (p *publisher) wait() { <-p.done }

// connected reports whether the session is up and carries video.
func (p *publisher) connected() bool {
	st := p.pub.State()
	return st.Phase == uplink.PhaseConnected && st.FramesSent > 0
}

// waitConnected waits until the publisher sends video (its first keyframe
// has gone out), so that viewers measure the server, not the start-up.
func (p *publisher) waitConnected(ctx context.Context, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for !p.connected() {
		select {
		case <-ctx.Done():
			return false
		case <-deadline.C:
			st := p.pub.State()
			p.log.Warn("publisher not up", "phase", st.Phase, "last_error", st.LastError)
			return false
		case <-poll.C:
		}
	}
	return true
}
