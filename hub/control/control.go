// Package control is the hub's end of the vehicle control channel: one
// WebSocket per vehicle (gorilla/websocket) carrying the protocol
// package's messages. It authenticates a vehicle before upgrading, expects
// a Hello naming that vehicle, answers heartbeats, keeps each vehicle's
// last telemetry, and decides whether a vehicle is online: connected and
// heard from (any frame, pongs included) within OfflineAfter. A newer
// connection of a vehicle replaces the older one.
package control

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"fieldwatch/protocol"
)

// Params configure a Server. Zero durations take their defaults.
type Params struct {
	// Authenticate returns the vehicle a request's credentials belong to;
	// it runs before the upgrade. Required.
	Authenticate func(r *http.Request) (vehicleID string, err error)
	// HubName is sent to vehicles in the Welcome.
	HubName string
	Logger  *slog.Logger
	// HeartbeatInterval is asked of vehicles in the Welcome, and is how
	// often the hub pings them; default 1 s.
	HeartbeatInterval time.Duration
	// OfflineAfter: a vehicle silent this long is dropped and offline; default 3 s.
	OfflineAfter time.Duration
	// HelloTimeout bounds the wait for the Hello; default 5 s.
	HelloTimeout time.Duration
	// Now stamps messages and Status times; default time.Now. Network
	// deadlines always use the real clock.
	Now func() time.Time
	// OnChange is told when a vehicle goes online or offline, in order,
	// one call at a time. It must not block; it may call Status.
	OnChange func(vehicleID string, online bool)
	// OnTelemetry is given each telemetry report, from the vehicle's
	// connection goroutine. It must not block. Optional.
	OnTelemetry func(vehicleID string, t *protocol.Telemetry)
	// Mail carries reliable messages; nil = none.
	Mail Mail
}

// Status is a vehicle's state on the control channel. Hello and Telemetry
// are shared and must not be modified.
type Status struct {
	Online      bool
	Since       time.Time // when Online last changed
	LastSeen    time.Time // last frame from the vehicle
	Remote      string    // address of the current or last connection
	Hello       *protocol.Hello
	Telemetry   *protocol.Telemetry
	Connections int // connections accepted (Hello and Welcome done) so far
}

// Server serves the control channel; it is an http.Handler.
type Server struct {
	p        Params
	log      *slog.Logger
	upgrader websocket.Upgrader

	notifyMu sync.Mutex // held across a state change and its OnChange call

	mu       sync.Mutex // guards the fields below
	vehicles map[string]*vehicleState
	conns    map[*conn]struct{} // every upgraded connection
	closed   bool
	wg       sync.WaitGroup // one per ServeHTTP past authentication
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
	if p.Authenticate == nil {
		p.Authenticate = func(*http.Request) (string, error) { return "", fmt.Errorf("no authenticator configured") }
	}
	return &Server{
		p: p, log: p.Logger, vehicles: map[string]*vehicleState{}, conns: map[*conn]struct{}{},
		upgrader: websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096, HandshakeTimeout: 10 * time.Second},
	}
}

// Status returns a vehicle's state; a vehicle never heard from is offline.
func (s *Server) Status(id string) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.vehicles[id]; v != nil {
		return v.status
	}
	return Status{}
}

// Statuses returns every vehicle heard from since the server started.
func (s *Server) Statuses() map[string]Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Status, len(s.vehicles))
	for id, v := range s.vehicles {
		out[id] = v.status
	}
	return out
}

// Disconnect drops a vehicle's current connection (its credentials were
// revoked); it reconnects only with a valid token.
func (s *Server) Disconnect(id string) {
	s.mu.Lock()
	var c *conn
	if v := s.vehicles[id]; v != nil {
		c = v.conn
	}
	s.mu.Unlock()
	if c != nil {
		c.close(websocket.ClosePolicyViolation, "credentials revoked")
	}
}

// Close drops every connection, refuses new ones, and waits until every
// connection's goroutines have ended.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close(websocket.CloseGoingAway, "hub shutting down")
	}
	s.wg.Wait()
}

// ServeHTTP authenticates the request, upgrades it, and serves the
// connection until it ends.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := s.p.Authenticate(r)
	if err == nil && !protocol.ValidID(id) {
		err = fmt.Errorf("authenticator returned vehicle id %q", id)
	}
	if err != nil {
		s.log.Warn("control: refused", "remote", r.RemoteAddr, "err", fmt.Errorf("%w: %w", ErrUnauthorized, err))
		writeError(w, http.StatusUnauthorized, "bad_token", "unknown or revoked vehicle token")
		return
	}
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.wg.Add(1)
	}
	s.mu.Unlock()
	if closed {
		writeError(w, http.StatusServiceUnavailable, "shutting_down", "the hub is shutting down")
		return
	}
	defer s.wg.Done()
	ws, err := s.upgrader.Upgrade(w, r, nil) // answers the client itself on failure
	if err != nil {
		s.log.Info("control: upgrade failed", "vehicle", id, "remote", r.RemoteAddr, "err", err)
		return
	}
	c := newConn(ws, id, r.RemoteAddr, s.p.Now)
	if !s.track(c) {
		c.sendError("shutting_down", "the hub is shutting down")
		c.close(websocket.CloseGoingAway, "hub shutting down")
		return
	}
	defer s.untrack(c)
	s.serve(c)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": protocol.Error{Code: code, Message: msg}})
}

// track registers a live connection so Close can reach it; false once closed.
func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// attach makes c the vehicle's connection and returns the one it replaces.
func (s *Server) attach(c *conn, h protocol.Hello) (old *conn) {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	now := s.p.Now()
	s.mu.Lock()
	v := s.vehicles[c.vehicle]
	if v == nil {
		v = &vehicleState{}
		s.vehicles[c.vehicle] = v
	}
	old, v.conn = v.conn, c
	v.status.Hello, v.status.Remote, v.status.LastSeen = &h, c.remote, now
	v.status.Connections++
	changed := !v.status.Online
	if changed {
		v.status.Online, v.status.Since = true, now
	}
	s.mu.Unlock()
	if changed && s.p.OnChange != nil {
		s.p.OnChange(c.vehicle, true)
	}
	return old
}

// detach marks the vehicle offline if c is still its connection.
func (s *Server) detach(c *conn) {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	s.mu.Lock()
	changed := false
	if v := s.vehicles[c.vehicle]; v != nil && v.conn == c {
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

// seen records a sign of life on c, and telemetry when t is not nil.
func (s *Server) seen(c *conn, t *protocol.Telemetry) {
	s.mu.Lock()
	current := false
	if v := s.vehicles[c.vehicle]; v != nil && v.conn == c {
		current = true
		v.status.LastSeen = s.p.Now()
		if t != nil {
			v.status.Telemetry = t
		}
	}
	s.mu.Unlock()
	if current && t != nil && s.p.OnTelemetry != nil {
		s.p.OnTelemetry(c.vehicle, t)
	}
}
