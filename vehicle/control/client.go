// Package control is the vehicle's end of the control channel: it keeps a
// WebSocket to the hub open across outages (reconnecting with capped,
// jittered backoff), says hello, sends heartbeats and telemetry, and
// notices a dead link within DeadAfter even when TCP stays silent.
package control

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"fieldwatch/protocol"
)

// Params configure a Client.
type Params struct {
	// URL is the hub's control endpoint, ws(s)://hub/control/v1/ws.
	URL   string
	Token string
	// Dial carries the connection (a simulated link in the demo); nil = net.Dialer.
	Dial  func(ctx context.Context, network, addr string) (net.Conn, error)
	Hello protocol.Hello
	// Telemetry samples the vehicle's state.
	Telemetry func() protocol.Telemetry
	// TelemetryInterval default 2 s; HeartbeatInterval default 1 s (the
	// hub's Welcome may change it); DeadAfter default 3 s.
	TelemetryInterval, HeartbeatInterval, DeadAfter time.Duration
	// BackoffBase default 250 ms, BackoffMax default 5 s.
	BackoffBase, BackoffMax time.Duration
	Logger                  *slog.Logger
}

// State is the channel's state.
type State struct {
	Connected  bool
	Since      time.Time
	Reconnects int
	LastError  string
	RTT        time.Duration
}

// Client keeps the control channel up.
type Client struct {
	p   Params
	log *slog.Logger

	mu    sync.Mutex
	state State
	conns int
	rtt   atomic.Int64
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
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	if p.Telemetry == nil {
		p.Telemetry = func() protocol.Telemetry {
			return protocol.Telemetry{Time: time.Now(), Link: protocol.LinkState{State: "up"}}
		}
	}
	return &Client{p: p, log: p.Logger}
}

// Connected reports whether the channel is up.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state.Connected
}

// State returns a snapshot.
func (c *Client) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.state
	s.RTT = time.Duration(c.rtt.Load())
	return s
}

// Run connects and reconnects until ctx ends.
func (c *Client) Run(ctx context.Context) error {
	attempt := 0
	for ctx.Err() == nil {
		up, err := c.session(ctx)
		if ctx.Err() != nil {
			break
		}
		c.setDown(err)
		if up {
			attempt = 0
		}
		// Full jitter: a fleet that lost the hub at once does not come back at once.
		d := min(c.p.BackoffBase<<min(attempt, 10), c.p.BackoffMax)
		d = time.Duration(rand.Int64N(int64(d)) + 1)
		attempt++
		select {
		case <-ctx.Done():
		case <-time.After(d):
		}
	}
	c.setDown(nil)
	return nil
}

func (c *Client) setDown(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.state.LastError = err.Error()
	}
	if c.state.Connected {
		c.state.Connected, c.state.Since = false, time.Now()
	}
}

// session runs one connection; up says whether it got as far as a Welcome.
func (c *Client) session(ctx context.Context) (up bool, err error) {
	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second, NetDialContext: c.p.Dial}
	hdr := http.Header{"Authorization": {"Bearer " + c.p.Token}}
	ws, resp, err := dialer.DialContext(ctx, c.p.URL, hdr)
	if err != nil {
		if resp != nil {
			return false, fmt.Errorf("control: dial: %s: %w", resp.Status, err)
		}
		return false, fmt.Errorf("control: dial: %w", err)
	}
	ws.SetReadLimit(protocol.MaxMessageSize)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		<-sctx.Done()
		_ = ws.Close()
	}()
	s := &session{c: c, ws: ws}
	if err := s.send(protocol.KindHello, c.p.Hello); err != nil {
		return false, err
	}
	ws.SetReadDeadline(time.Now().Add(c.p.DeadAfter + 2*time.Second))
	env, err := s.read()
	if err != nil {
		return false, fmt.Errorf("control: waiting for welcome: %w", err)
	}
	switch env.Kind {
	case protocol.KindWelcome:
		w, err := protocol.DecodeBody[protocol.Welcome](env)
		if err != nil {
			return false, err
		}
		s.heartbeat = time.Duration(w.HeartbeatIntervalMs) * time.Millisecond
	case protocol.KindError:
		e, _ := protocol.DecodeBody[protocol.Error](env)
		return false, fmt.Errorf("control: hub refused: %s: %s", e.Code, e.Message)
	default:
		return false, fmt.Errorf("control: expected welcome, got %s", env.Kind)
	}
	c.mu.Lock()
	c.conns++
	if c.conns > 1 {
		c.state.Reconnects++
	}
	c.state.Connected, c.state.Since, c.state.LastError = true, time.Now(), ""
	c.mu.Unlock()
	c.log.Info("control: connected to hub", "url", c.p.URL)
	return true, s.run(sctx)
}

// session is one live connection.
type session struct {
	c         *Client
	ws        *websocket.Conn
	wmu       sync.Mutex
	seq       atomic.Uint64
	heartbeat time.Duration
	lastAck   atomic.Int64
	sent      sync.Map // heartbeat seq -> send time (unix nanos)
}

func (s *session) send(kind protocol.Kind, body any) error {
	data, err := protocol.Encode(kind, s.c.p.Hello.Vehicle+"-"+strconv.FormatUint(s.seq.Add(1), 10), time.Now(), body)
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.ws.SetWriteDeadline(time.Now().Add(s.c.p.DeadAfter))
	return s.ws.WriteMessage(websocket.TextMessage, data)
}

func (s *session) read() (protocol.Envelope, error) {
	typ, data, err := s.ws.ReadMessage()
	if err != nil {
		return protocol.Envelope{}, err
	}
	if typ != websocket.TextMessage {
		return protocol.Envelope{}, errors.New("control: binary frame from hub")
	}
	return protocol.Decode(data)
}

// run sends heartbeats and telemetry and reads acks until the link dies.
func (s *session) run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.readLoop() }()
	hb := time.NewTicker(s.heartbeat)
	defer hb.Stop()
	tel := time.NewTicker(s.c.p.TelemetryInterval)
	defer tel.Stop()
	s.lastAck.Store(time.Now().UnixNano())
	if err := s.send(protocol.KindTelemetry, s.c.p.Telemetry()); err != nil {
		return err
	}
	var hbSeq uint64
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-errc:
			return err
		case <-hb.C:
			if time.Since(time.Unix(0, s.lastAck.Load())) > s.c.p.DeadAfter {
				return errors.New("control: no answer from the hub: link dead")
			}
			hbSeq++
			s.sent.Store(hbSeq, time.Now().UnixNano())
			if err := s.send(protocol.KindHeartbeat, protocol.Heartbeat{Seq: hbSeq}); err != nil {
				return err
			}
		case <-tel.C:
			if err := s.send(protocol.KindTelemetry, s.c.p.Telemetry()); err != nil {
				return err
			}
		}
	}
}

func (s *session) readLoop() error {
	for {
		s.ws.SetReadDeadline(time.Now().Add(s.c.p.DeadAfter + s.heartbeat))
		env, err := s.read()
		if err != nil {
			return err
		}
		switch env.Kind {
		case protocol.KindHeartbeatAck:
			ack, err := protocol.DecodeBody[protocol.HeartbeatAck](env)
			if err != nil {
				continue
			}
			now := time.Now()
			s.lastAck.Store(now.UnixNano())
			if at, ok := s.sent.LoadAndDelete(ack.Seq); ok {
				s.c.rtt.Store(now.UnixNano() - at.(int64))
			}
		case protocol.KindError:
			e, _ := protocol.DecodeBody[protocol.Error](env)
			s.c.log.Warn("control: hub reports an error", "code", e.Code, "message", e.Message)
		}
	}
}
