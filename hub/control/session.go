package control

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"fieldwatch/protocol"
)

// serve runs one upgraded connection until it ends: the Hello, the
// Welcome, then heartbeats and telemetry, with a ping every
// HeartbeatInterval from a second goroutine.
func (s *Server) serve(c *conn) {
	log := s.log.With("vehicle", c.vehicle, "remote", c.remote)
	hello, err := s.expectHello(c)
	if err != nil {
		select {
		case <-c.done: // closed by Close while waiting
			return
		default:
		}
		code, msg := helloRefusal(err)
		log.Warn("control: hello refused", "code", code, "err", err)
		c.sendError(code, msg)
		c.close(websocket.ClosePolicyViolation, code)
		return
	}
	// Attach before the Welcome: a vehicle that has its Welcome is the
	// vehicle's connection, and a later connection replaces it, never the
	// reverse.
	if old := s.attach(c, hello); old != nil {
		log.Info("control: a new connection replaces the old one", "old_remote", old.remote)
		old.close(websocket.ClosePolicyViolation, "replaced")
	}
	log.Info("control: vehicle connected", "software", hello.Software, "cameras", len(hello.Cameras))
	var wg sync.WaitGroup
	welcome := protocol.Welcome{Hub: s.p.HubName, ServerTime: s.p.Now(), HeartbeatIntervalMs: int(s.p.HeartbeatInterval / time.Millisecond)}
	if err = c.send(protocol.KindWelcome, welcome); err == nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.pingLoop(c, log)
		}()
		if s.p.Mail != nil {
			c.pump = s.newPump(c, log)
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.mailLoop(c, log)
			}()
		}
		err = s.readLoop(c, log)
	}
	s.detach(c)
	c.close(websocket.CloseNormalClosure, "")
	wg.Wait()
	switch {
	case errors.Is(err, ErrReplaced), errors.Is(err, ErrClosed):
		log.Info("control: connection ended", "reason", err)
	default:
		log.Info("control: vehicle disconnected", "err", err)
	}
}

// helloRefusal maps a hello failure to the code and message the vehicle gets.
func helloRefusal(err error) (code, msg string) {
	switch {
	case errors.Is(err, ErrHelloTimeout):
		return "hello_timeout", "no hello in time"
	case errors.Is(err, ErrWrongVehicle):
		return "wrong_vehicle", "hello.vehicle does not match the vehicle of the token"
	case errors.Is(err, protocol.ErrVersion):
		return "unsupported_version", err.Error()
	}
	return "bad_hello", err.Error()
}

func (s *Server) expectHello(c *conn) (protocol.Hello, error) {
	_ = c.ws.SetReadDeadline(time.Now().Add(s.p.HelloTimeout))
	typ, data, err := c.ws.ReadMessage()
	if err != nil {
		if isTimeout(err) {
			return protocol.Hello{}, fmt.Errorf("%w (%v)", ErrHelloTimeout, s.p.HelloTimeout)
		}
		return protocol.Hello{}, fmt.Errorf("control: reading hello: %w", err)
	}
	if typ != websocket.TextMessage {
		return protocol.Hello{}, fmt.Errorf("%w: a binary frame", ErrNotHello)
	}
	env, err := protocol.Decode(data)
	if err != nil {
		return protocol.Hello{}, err
	}
	if env.Kind != protocol.KindHello {
		return protocol.Hello{}, fmt.Errorf("%w: got %s", ErrNotHello, env.Kind)
	}
	h, err := protocol.DecodeBody[protocol.Hello](env)
	if err != nil {
		return h, err
	}
	if h.Vehicle != c.vehicle {
		return h, fmt.Errorf("%w: hello names %s, the token is %s's", ErrWrongVehicle, h.Vehicle, c.vehicle)
	}
	return h, nil
}

// readLoop handles the vehicle's messages until the connection fails, is
// closed, or stays silent for OfflineAfter.
func (s *Server) readLoop(c *conn, log *slog.Logger) error {
	alive := func() {
		_ = c.ws.SetReadDeadline(time.Now().Add(s.p.OfflineAfter))
		s.seen(c, nil)
	}
	c.ws.SetPongHandler(func(string) error { alive(); return nil })
	c.ws.SetPingHandler(func(data string) error {
		alive()
		_ = c.pong([]byte(data)) // a failed write shows on the next read or ping
		return nil
	})
	for {
		_ = c.ws.SetReadDeadline(time.Now().Add(s.p.OfflineAfter))
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			return s.readError(c, err)
		}
		if typ != websocket.TextMessage {
			s.seen(c, nil)
			c.sendError("bad_message", "binary frames are not part of the protocol")
			continue
		}
		env, err := protocol.Decode(data)
		if err != nil {
			s.seen(c, nil)
			log.Warn("control: bad message", "err", err)
			if errors.Is(err, protocol.ErrVersion) {
				c.sendError("unsupported_version", err.Error())
				return err
			}
			c.sendError("bad_message", err.Error())
			continue
		}
		switch env.Kind {
		case protocol.KindHeartbeat:
			s.seen(c, nil)
			hb, err := protocol.DecodeBody[protocol.Heartbeat](env)
			if err != nil {
				c.sendError("bad_message", err.Error())
				continue
			}
			if err := c.send(protocol.KindHeartbeatAck, protocol.HeartbeatAck{Seq: hb.Seq}); err != nil {
				return fmt.Errorf("control: sending heartbeat ack: %w", err)
			}
		case protocol.KindTelemetry:
			t, err := protocol.DecodeBody[protocol.Telemetry](env)
			if err != nil {
				s.seen(c, nil)
				log.Warn("control: bad telemetry", "err", err)
				c.sendError("bad_message", err.Error())
				continue
			}
			s.seen(c, &t)
		case protocol.KindMessage, protocol.KindMessageAck:
			s.seen(c, nil)
			if err := s.handleMail(c, env, log); err != nil {
				return err
			}
		default:
			s.seen(c, nil)
			c.sendError("unexpected", "unexpected message kind "+env.Kind.String())
		}
	}
}

// handleMail applies a vehicle's message or ack; only a failed send ends the connection.
func (s *Server) handleMail(c *conn, env protocol.Envelope, log *slog.Logger) error {
	if s.p.Mail == nil {
		c.sendError("unexpected", "this hub takes no messages")
		return nil
	}
	if env.Kind == protocol.KindMessageAck {
		ack, err := protocol.DecodeBody[protocol.MessageAck](env)
		if err == nil {
			err = s.p.Mail.Acked(c.vehicle, ack)
		}
		if err != nil {
			log.Warn("control: bad message ack", "err", err)
			c.sendError("bad_message", err.Error())
			return nil
		}
		if c.pump != nil {
			c.pump.Acked(ack.Seq)
		}
		return nil
	}
	m, err := protocol.DecodeBody[protocol.Message](env)
	if err != nil {
		log.Warn("control: bad message", "err", err)
		c.sendError("bad_message", err.Error())
		return nil
	}
	ack, err := s.p.Mail.Receive(c.vehicle, m)
	if err != nil {
		log.Warn("control: message not applied", "stream", m.Stream, "seq", m.Seq, "err", err)
	}
	if ack.Seq == 0 && err != nil {
		return nil
	}
	if err := c.send(protocol.KindMessageAck, ack); err != nil {
		return fmt.Errorf("control: sending message ack: %w", err)
	}
	return nil
}

// readError says why reading stopped.
func (s *Server) readError(c *conn, err error) error {
	select {
	case <-c.done:
		s.mu.Lock()
		closed := s.closed
		v := s.vehicles[c.vehicle]
		s.mu.Unlock()
		if closed {
			return ErrClosed
		}
		if v != nil && v.conn != c {
			return ErrReplaced
		}
	default:
	}
	if isTimeout(err) {
		return fmt.Errorf("%w for %v", ErrSilent, s.p.OfflineAfter)
	}
	return fmt.Errorf("control: read: %w", err)
}

// pingLoop pings the vehicle every HeartbeatInterval until c closes.
func (s *Server) pingLoop(c *conn, log *slog.Logger) {
	t := time.NewTicker(s.p.HeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
		}
		if err := c.ping(); err != nil {
			log.Info("control: ping failed, dropping the connection", "err", err)
			c.close(websocket.CloseGoingAway, "")
			return
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
