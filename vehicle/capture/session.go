package capture

import (
	"context"
	"fmt"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
)

// mediaQueue is how many frames may wait between gortsplib's reader
// goroutines and the Run goroutine (about 2 s of video and audio).
const mediaQueue = 128

// frame is one decoded access unit or audio frame on its way to the sink.
type frame struct {
	video   bool
	pts     time.Duration // session time, from gortsplib's PacketPTS
	au      [][]byte
	payload []byte
}

// session reads the camera once: DESCRIBE, SETUP, PLAY, then frames until
// the connection fails or ctx is done. It returns how long the camera played.
func (c *Capture) session(ctx context.Context, u *base.URL, proto *gortsplib.Protocol) (time.Duration, error) {
	client := &gortsplib.Client{
		Scheme:       u.Scheme,
		Host:         u.Host,
		Protocol:     proto,
		ReadTimeout:  c.cfg.ReadTimeout,
		WriteTimeout: c.cfg.ReadTimeout,
		// The library would print these with the standard logger, one line
		// each, without end on a lossy link.
		OnPacketsLost:     func(lost uint64) { c.noisy.Warn("lost", "capture: RTP packets lost", "lost", lost) },
		OnDecodeError:     func(err error) { c.noisy.Warn("decode", "capture: RTP decode error", "err", err) },
		OnTransportSwitch: func(err error) { c.noisy.Warn("transport", "capture: transport switched", "err", err) },
	}
	if err := client.Start(); err != nil {
		return 0, fmt.Errorf("capture: connect: %w", err)
	}
	defer client.Close()

	// Unblock a DESCRIBE or SETUP stuck on a silent camera when ctx ends.
	stop := context.AfterFunc(ctx, client.Close)
	defer stop()

	desc, _, err := client.Describe(u)
	if err != nil {
		return 0, fmt.Errorf("capture: describe: %w", err)
	}
	tracks, err := c.setup(client, desc)
	if err != nil {
		return 0, err
	}

	sessCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	frames := make(chan frame, mediaQueue)
	push := func(f frame) {
		select {
		case frames <- f:
		case <-sessCtx.Done():
		}
	}
	tracks.listen(client, push, c.log)

	c.sink.Describe(tracks.description())
	if _, err := client.Play(nil); err != nil {
		return 0, fmt.Errorf("capture: play: %w", err)
	}
	started := time.Now()
	transport := client.Transport().Session.Protocol.String()
	c.setConnected(transport)
	c.tl.newSession()
	c.log.Info("camera playing", "transport", transport, "audio", tracks.audioCodec)

	waitErr := make(chan error, 1)
	go func() { waitErr <- client.Wait() }() // ends when the client is closed
	defer func() {
		cancel() // release callbacks blocked in push, or Close cannot finish
		client.Close()
		<-waitErr
	}()

	for {
		select {
		case <-ctx.Done():
			return time.Since(started), nil
		case err := <-waitErr:
			waitErr <- err // for the deferred receive
			return time.Since(started), fmt.Errorf("capture: stream: %w", err)
		case f := <-frames:
			c.deliver(f, tracks)
		}
	}
}

// deliver maps a frame onto the capture's continuous timeline and hands it
// to the sink.
func (c *Capture) deliver(f frame, tr *tracks) {
	pts := c.tl.out(f.pts, time.Now())
	if !f.video {
		c.sink.Audio(pts, f.payload)
		return
	}
	au := tr.withParams(f.au)
	c.sink.Video(pts, au)
	c.addFrame(tr.width, tr.height)
}

// setup picks the H.264 track and an Opus or G.711 track, and sets them up.
func (c *Capture) setup(client *gortsplib.Client, desc *description.Session) (*tracks, error) {
	tr := &tracks{}
	tr.videoMedia = desc.FindFormat(&tr.h264)
	if tr.videoMedia == nil {
		return nil, ErrNoVideo
	}
	var opus *format.Opus
	var g711 *format.G711
	if m := desc.FindFormat(&opus); m != nil {
		tr.audioMedia, tr.audioFormat = m, opus
		tr.audioCodec, tr.audioRate, tr.audioChannels = "opus", opus.ClockRate(), opus.ChannelCount
	} else if m := desc.FindFormat(&g711); m != nil {
		tr.audioMedia, tr.audioFormat = m, g711
		tr.audioCodec, tr.audioRate, tr.audioChannels = "PCMA", g711.ClockRate(), g711.ChannelCount
		if g711.MULaw {
			tr.audioCodec = "PCMU"
		}
	}
	if err := tr.initDecoders(); err != nil {
		return nil, err
	}
	medias := []*description.Media{tr.videoMedia}
	if tr.audioMedia != nil {
		medias = append(medias, tr.audioMedia)
	}
	for _, m := range medias {
		if _, err := client.Setup(desc.BaseURL, m, 0, 0); err != nil {
			return nil, fmt.Errorf("capture: setup %s: %w", m.Type, err)
		}
	}
	return tr, nil
}
