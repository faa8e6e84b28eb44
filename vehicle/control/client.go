// Package control is the vehicle's end of the control channel: it keeps a
// WebSocket to the hub open across outages, reconnecting with capped,
// jittered exponential backoff; says hello, sends heartbeats and
// telemetry, measures the round trip from heartbeat acks, and notices a
// dead link within DeadAfter even when TCP stays silent (a cut cellular
// link closes nothing).
package control

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"time"

	"fieldwatch/internal/backoff"
	"fieldwatch/protocol"
)

// Params configure a Client. Zero durations take their defaults.
type Params struct {
	// URL is the hub's control endpoint, ws(s)://hub/control/v1/ws.
	URL string
	// Token is the vehicle's bearer token.
	Token string
	// Dial carries the connection (a simulated link in the demo); nil = net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLS configures wss:// connections (the hub's certificate to trust); nil = system roots.
	TLS *tls.Config
	// Hello is sent first on every connection.
	Hello protocol.Hello
	// Telemetry samples the vehicle's state; nil sends a bare report.
	Telemetry func() protocol.Telemetry
	// TelemetryInterval: default 2 s.
	TelemetryInterval time.Duration
	// HeartbeatInterval: default 1 s. Heartbeats go at the shortest of
	// this, the interval the hub's Welcome asks for, and DeadAfter/2.
	HeartbeatInterval time.Duration
	// DeadAfter: the link is dead when the hub is silent this long; default 3 s.
	DeadAfter time.Duration
	// BackoffBase (default 250 ms) doubles per failed attempt up to
	// BackoffMax (default 5 s); each wait is drawn from [d/2, d].
	BackoffBase, BackoffMax time.Duration
	Logger                  *slog.Logger
	// Mail carries reliable messages; nil = none.
	Mail Mail
	// Now stamps messages and State.Since; default time.Now. Deadlines
	// and RTT use the real, monotonic clock.
	Now func() time.Time
}

// State is a snapshot of the channel.
type State struct {
	Connected  bool
	Since      time.Time // when Connected last changed
	Reconnects int       // successful connections after the first
	LastError  string    // why the last connection ended or failed
	RTT        time.Duration
	RTTAt      time.Time // when RTT was last measured
}

// Client keeps the control channel up while Run runs.
type Client struct {
	p   Params
	log *slog.Logger

	mu        sync.Mutex // guards state and connected
	state     State
	connected int // successful connections so far
}

// New returns a client; Run runs it.
func New(p Params) *Client {
	if p.TelemetryInterval <= 0 {
		p.TelemetryInterval = 2 * time.Second
	}
	if p.HeartbeatInterval <= 0 {
		p.HeartbeatInterval = time.Second
	}
	if p.DeadAfter <= 0 {
		p.DeadAfter = 3 * time.Second
	}
	if p.BackoffBase <= 0 {
		p.BackoffBase = 250 * time.Millisecond
	}
	if p.BackoffMax <= 0 {
		p.BackoffMax = 5 * time.Second
	}
	p.BackoffMax = max(p.BackoffMax, p.BackoffBase)
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Telemetry == nil {
		now := p.Now
		p.Telemetry = func() protocol.Telemetry {
			return protocol.Telemetry{Time: now(), Link: protocol.LinkState{State: protocol.LinkUp}}
		}
	}
	return &Client{p: p, log: p.Logger}
}

// Connected reports whether the channel is up (the hub welcomed us and
// has not gone silent).
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state.Connected
}

// State returns a snapshot.
func (c *Client) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Run connects and reconnects until ctx ends, then returns nil once every
// goroutine it started has stopped. It fails at once only on a bad URL.
func (c *Client) Run(ctx context.Context) error {
	u, err := url.Parse(c.p.URL)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return fmt.Errorf("%w: %q", ErrBadURL, c.p.URL)
	}
	attempt := 0
	for {
		welcomed, err := c.session(ctx)
		if ctx.Err() != nil {
			c.setDown(nil)
			return nil
		}
		c.setDown(err)
		if welcomed {
			attempt = 0
		}
		d := retryPolicy(c.p.BackoffBase, c.p.BackoffMax).Delay(attempt)
		attempt++
		c.log.Info("control: connection ended, retrying", "err", err, "in", d.Round(time.Millisecond))
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			c.setDown(nil)
			return nil
		case <-t.C:
		}
	}
}

// retryPolicy doubles base per failed attempt up to ceiling, each wait drawn
// from [d/2, d] so a fleet that lost the hub at once does not come back at
// once.
func retryPolicy(base, ceiling time.Duration) backoff.Policy {
	return backoff.Policy{Base: base, Max: ceiling, Jitter: 0.5}
}

func (c *Client) setUp() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.connected++
	if c.connected > 1 {
		c.state.Reconnects++
	}
	c.state.Connected, c.state.Since, c.state.LastError = true, c.p.Now(), ""
}

func (c *Client) setDown(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.state.LastError = err.Error()
	}
	if c.state.Connected {
		c.state.Connected, c.state.Since = false, c.p.Now()
	}
}

func (c *Client) setRTT(d time.Duration) {
	c.mu.Lock()
	c.state.RTT = d
	c.state.RTTAt = time.Now()
	c.mu.Unlock()
}
