// Package control is the hub's end of the vehicle control channel: a
// WebSocket per vehicle (gorilla/websocket) carrying the protocol package's
// messages. It authenticates vehicles before upgrading, expects a Hello,
// answers heartbeats, keeps each vehicle's last telemetry, and decides
// whether a vehicle is online: connected and heard from within OfflineAfter.
package control

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"fieldwatch/protocol"
)

// Params configure a Server.
type Params struct {
	// Authenticate returns the vehicle a request's credentials belong to.
	Authenticate func(r *http.Request) (vehicleID string, err error)
	HubName      string
	Logger       *slog.Logger
	// HeartbeatInterval is asked of vehicles; default 1 s.
	HeartbeatInterval time.Duration
	// OfflineAfter: a vehicle silent this long is offline; default 3 s.
	OfflineAfter time.Duration
	// HelloTimeout bounds the wait for the first message; default 5 s.
	HelloTimeout time.Duration
	Now          func() time.Time
	// OnChange is told when a vehicle goes online or offline. Must not block.
	OnChange func(vehicleID string, online bool)
}

// Status is a vehicle's state on the control channel.
type Status struct {
	Online      bool
	Since       time.Time // when Online last changed
	LastSeen    time.Time
	Remote      string
	Hello       *protocol.Hello
	Telemetry   *protocol.Telemetry
	Connections int // connections accepted so far
}

// Server serves the control channel.
type Server struct {
	p        Params
	log      *slog.Logger
	upgrader websocket.Upgrader

	mu       sync.Mutex
	vehicles map[string]*vehicleState
	closed   bool
	wg       sync.WaitGroup
	done     chan struct{}
}

type vehicleState struct {
	status Status
	conn   *conn // the current connection, nil when none
}

// New returns a server; Close stops it.
func New(p Params) *Server {
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	if p.HeartbeatInterval <= 0 {
		p.HeartbeatInterval = time.Second
	}
	if p.OfflineAfter <= 0 {
		p.OfflineAfter = 3 * time.Second
	}
	if p.HelloTimeout <= 0 {
		p.HelloTimeout = 5 * time.Second
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	s := &Server{
		p: p, log: p.Logger, vehicles: map[string]*vehicleState{}, done: make(chan struct{}),
		upgrader: websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096, HandshakeTimeout: 10 * time.Second},
	}
	s.wg.Add(1)
	go s.watch()
	return s
}

// Status returns a vehicle's state; unknown vehicles are offline.
func (s *Server) Status(id string) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.vehicles[id]; v != nil {
		return v.status
	}
	return Status{}
}

// Statuses returns every vehicle heard from.
func (s *Server) Statuses() map[string]Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Status, len(s.vehicles))
	for id, v := range s.vehicles {
		out[id] = v.status
	}
	return out
}

// Close drops every connection and waits for their goroutines.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	var conns []*conn
	for _, v := range s.vehicles {
		if v.conn != nil {
			conns = append(conns, v.conn)
		}
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	s.wg.Wait()
}

// ServeHTTP authenticates, upgrades and serves one vehicle connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := s.p.Authenticate(r)
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "bad_token", "message": "unknown or revoked vehicle token"}})
		s.log.Warn("control: refused", "remote", r.RemoteAddr, "err", err)
		return
	}
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.wg.Add(1)
	}
	s.mu.Unlock()
	if closed {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.wg.Done()
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Info("control: upgrade failed", "vehicle", id, "err", err)
		return
	}
	c := newConn(ws, id, r.RemoteAddr)
	s.serve(c)
}

// serve runs one connection until it ends.
func (s *Server) serve(c *conn) {
	defer c.close()
	log := s.log.With("vehicle", c.vehicle, "remote", c.remote)
	hello, err := s.expectHello(c)
	if err != nil {
		log.Warn("control: bad hello", "err", err)
		c.sendError("bad_hello", err.Error())
		return
	}
	welcome := protocol.Welcome{Hub: s.p.HubName, ServerTime: s.p.Now(), HeartbeatIntervalMs: int(s.p.HeartbeatInterval / time.Millisecond)}
	if err := c.send(protocol.KindWelcome, welcome); err != nil {
		return
	}
	s.attach(c, hello)
	defer s.detach(c)
	log.Info("control: vehicle connected", "software", hello.Software, "cameras", len(hello.Cameras))
	for {
		c.ws.SetReadDeadline(time.Now().Add(s.p.OfflineAfter + s.p.HeartbeatInterval))
		env, err := c.read()
		if err != nil {
			if !errors.Is(err, errConnClosed) {
				log.Info("control: vehicle disconnected", "err", err)
			}
			return
		}
		switch env.Kind {
		case protocol.KindHeartbeat:
			hb, err := protocol.DecodeBody[protocol.Heartbeat](env)
			if err != nil {
				c.sendError("bad_message", err.Error())
				continue
			}
			s.seen(c, nil)
			_ = c.send(protocol.KindHeartbeatAck, protocol.HeartbeatAck{Seq: hb.Seq})
		case protocol.KindTelemetry:
			t, err := protocol.DecodeBody[protocol.Telemetry](env)
			if err != nil {
				log.Warn("control: bad telemetry", "err", err)
				c.sendError("bad_message", err.Error())
				continue
			}
			s.seen(c, &t)
		default:
			c.sendError("unexpected", "unexpected message kind "+env.Kind.String())
		}
	}
}

func (s *Server) expectHello(c *conn) (protocol.Hello, error) {
	c.ws.SetReadDeadline(time.Now().Add(s.p.HelloTimeout))
	env, err := c.read()
	if err != nil {
		return protocol.Hello{}, err
	}
	if env.Kind != protocol.KindHello {
		return protocol.Hello{}, errors.New("first message must be hello, got " + env.Kind.String())
	}
	h, err := protocol.DecodeBody[protocol.Hello](env)
	if err != nil {
		return h, err
	}
	if h.Vehicle != c.vehicle {
		return h, errors.New("hello names vehicle " + h.Vehicle + " but the token is " + c.vehicle + "'s")
	}
	return h, nil
}

// attach makes c the vehicle's connection, replacing an older one.
func (s *Server) attach(c *conn, h protocol.Hello) {
	now := s.p.Now()
	s.mu.Lock()
	v := s.vehicles[c.vehicle]
	if v == nil {
		v = &vehicleState{}
		s.vehicles[c.vehicle] = v
	}
	old := v.conn
	v.conn = c
	v.status.Hello = &h
	v.status.Remote = c.remote
	v.status.LastSeen = now
	v.status.Connections++
	changed := !v.status.Online
	if changed {
		v.status.Online, v.status.Since = true, now
	}
	s.mu.Unlock()
	if old != nil {
		old.close()
	}
	if changed && s.p.OnChange != nil {
		s.p.OnChange(c.vehicle, true)
	}
}

// detach marks the vehicle offline if c is still its connection.
func (s *Server) detach(c *conn) {
	s.mu.Lock()
	v := s.vehicles[c.vehicle]
	changed := false
	if v != nil && v.conn == c {
		v.conn = nil
		if v.status.Online {
			v.status.Online, v.status.Since, changed = false, s.p.Now(), true
		}
	}
	s.mu.Unlock()
	if changed && s.p.OnChange != nil {
		s.p.OnChange(c.vehicle, false)
	}
}

func (s *Server) seen(c *conn, t *protocol.Telemetry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.vehicles[c.vehicle]; v != nil && v.conn == c {
		v.status.LastSeen = s.p.Now()
		if t != nil {
			v.status.Telemetry = t
		}
	}
}

// watch drops connections that went silent (a cut link keeps TCP open).
func (s *Server) watch() {
	defer s.wg.Done()
	t := time.NewTicker(s.p.HeartbeatInterval / 2)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		now := s.p.Now()
		var stale []*conn
		s.mu.Lock()
		for _, v := range s.vehicles {
			if v.conn != nil && now.Sub(v.status.LastSeen) > s.p.OfflineAfter {
				stale = append(stale, v.conn)
			}
		}
		s.mu.Unlock()
		for _, c := range stale {
			s.log.Info("control: vehicle silent, dropping", "vehicle", c.vehicle)
			c.close()
		}
	}
}
