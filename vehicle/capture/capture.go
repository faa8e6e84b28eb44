// Package capture reads one RTSP camera (gortsplib client, TCP or UDP) like
// a real IP camera and hands its media to a Sink as access units, never
// transcoded: H.264 video, and Opus or G.711 audio. It reconnects by itself
// with capped exponential backoff and jitter, and keeps timestamps continuous
// and monotonic across reconnects.
package capture

import (
	"context"
	"errors"
	"fieldwatch/internal/backoff"
	"fieldwatch/internal/lograte"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
)

// Errors of a Capture.
var (
	// ErrBadTransport means Config.Transport is not "tcp", "udp", "auto" or "".
	ErrBadTransport = errors.New("capture: transport must be tcp, udp or auto")
	// ErrBadURL means Config.URL is not an rtsp:// or rtsps:// URL.
	ErrBadURL = errors.New("capture: bad camera URL")
	// ErrNoVideo means the camera offers no H.264 stream.
	ErrNoVideo = errors.New("capture: camera has no H.264 video")
)

// Defaults for zero Config fields.
const (
	DefaultReadTimeout = 10 * time.Second
	DefaultBackoffMax  = 30 * time.Second
	// backoffMin is the first retry delay (or BackoffMax when smaller).
	backoffMin = 500 * time.Millisecond
	// stableAfter is how long a camera must play for the backoff to start
	// again from backoffMin (so a camera that drops at once backs off).
	stableAfter = 10 * time.Second
)

// Config configures a Capture.
type Config struct {
	// URL of the camera stream, rtsp://[user:pass@]host[:port]/path.
	URL string
	// Transport is "tcp" (interleaved), "udp", or "auto" (or ""): UDP first,
	// TCP when no UDP packet arrives.
	Transport string
	// Logger receives connection events. Nil discards them.
	Logger *slog.Logger
	// ReadTimeout is how long the camera may stay silent before it counts
	// as lost; it also bounds each RTSP request. Zero means DefaultReadTimeout.
	ReadTimeout time.Duration
	// BackoffMax caps the delay between reconnect attempts. Zero means
	// DefaultBackoffMax.
	BackoffMax time.Duration
}

// State is a snapshot of a capture's health.
type State struct {
	// Connected is true while the camera is playing.
	Connected bool
	// Since is when Connected last changed (zero before the first change).
	Since time.Time
	// Reconnects counts the times the camera was connected again after a loss.
	Reconnects int
	// Frames counts the video access units given to the sink.
	Frames uint64
	// LastError is the error that ended the last connection or attempt.
	LastError string
	// Width and Height of the video, from the latest SPS (0 if unknown).
	Width, Height int
	// Transport is "TCP" or "UDP" while connected, else "".
	Transport string
}

// Capture reads one camera. Create it with New and run it with Run.
type Capture struct {
	cfg   Config
	sink  Sink
	log   *slog.Logger
	noisy *lograte.Logger // the RTSP library's warnings, at most once a minute each

	mu    sync.Mutex
	state State
	ever  bool // connected at least once

	tl timeline // owned by the Run goroutine
}

// New returns a capture of the camera in cfg that feeds sink.
func New(cfg Config, sink Sink) *Capture {
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = DefaultBackoffMax
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("camera", redact(cfg.URL))
	return &Capture{cfg: cfg, sink: sink, log: log, noisy: lograte.New(log, time.Minute)}
}

// State returns a snapshot of the capture's state. Safe for concurrent use.
func (c *Capture) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Run reads the camera until ctx is done, reconnecting as needed, and then
// returns nil. It returns an error at once only for a bad Config. All Sink
// calls are made from the goroutine that calls Run.
func (c *Capture) Run(ctx context.Context) error {
	proto, err := parseTransport(c.cfg.Transport)
	if err != nil {
		return err
	}
	u, err := base.ParseURL(c.cfg.URL)
	if err != nil || (u.Scheme != "rtsp" && u.Scheme != "rtsps") {
		return fmt.Errorf("%w: %q", ErrBadURL, redact(c.cfg.URL))
	}

	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	attempt := 0
	for {
		played, err := c.session(ctx, u, proto)
		if ctx.Err() != nil {
			c.setDisconnected(nil)
			return nil
		}
		c.setDisconnected(err)
		if played >= stableAfter {
			attempt = 0
		}
		delay := retryPolicy(c.cfg.BackoffMax).Delay(attempt)
		attempt++
		c.log.Warn("camera lost, retrying", "err", err, "in", delay.Round(time.Millisecond))
		timer.Reset(delay)
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
	}
}

// retryPolicy doubles from backoffMin up to limit, with jitter drawn from
// the upper half so that many vehicles' cameras do not retry in step.
func retryPolicy(limit time.Duration) backoff.Policy {
	return backoff.Policy{Base: backoffMin, Max: limit, Jitter: 0.5}
}

func parseTransport(s string) (*gortsplib.Protocol, error) {
	var p gortsplib.Protocol
	switch s {
	case "", "auto":
		return nil, nil
	case "tcp":
		p = gortsplib.ProtocolTCP
	case "udp":
		p = gortsplib.ProtocolUDP
	default:
		return nil, fmt.Errorf("%w: %q", ErrBadTransport, s)
	}
	return &p, nil
}

// setConnected marks the camera as playing over transport.
func (c *Capture) setConnected(transport string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Connected {
		return
	}
	c.state.Transport = transport
	if c.ever {
		c.state.Reconnects++
	}
	c.ever = true
	c.state.Connected = true
	c.state.Since = time.Now()
}

// setDisconnected records the end of a connection or of an attempt.
func (c *Capture) setDisconnected(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.state.LastError = err.Error()
	}
	if c.state.Connected {
		c.state.Connected = false
		c.state.Transport = ""
		c.state.Since = time.Now()
	}
}

func (c *Capture) addFrame(width, height int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state.Frames++
	if width > 0 {
		c.state.Width, c.state.Height = width, height
	}
}

// redact drops the credentials from a camera URL for logs and errors.
func redact(raw string) string {
	u, err := base.ParseURL(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.CloneWithoutCredentials().String()
}
