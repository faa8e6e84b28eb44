package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"fieldwatch/internal/mailpump"
	"fieldwatch/protocol"
)

const (
	handshakeTimeout = 10 * time.Second
	writeWait        = 2 * time.Second
	closeWait        = 250 * time.Millisecond // to send a close frame
)

// session is one connection to the hub.
type session struct {
	c  *Client
	ws *websocket.Conn

	wmu sync.Mutex // serialises WriteMessage (WriteControl may run beside it); guards seq
	seq uint64

	pmu     sync.Mutex           // guards pending
	pending map[uint64]time.Time // heartbeat seq -> when sent (monotonic)

	pump *mailpump.Pump // sends the vehicle's messages; nil without Mail
}

// session dials, says hello and runs the connection until it fails or ctx
// ends; welcomed says whether the hub accepted the Hello. Every goroutine
// it starts has ended when it returns.
func (c *Client) session(ctx context.Context) (welcomed bool, err error) {
	dialer := websocket.Dialer{HandshakeTimeout: handshakeTimeout, NetDialContext: c.p.Dial, TLSClientConfig: c.p.TLS}
	ws, resp, err := dialer.DialContext(ctx, c.p.URL, http.Header{"Authorization": {"Bearer " + c.p.Token}})
	if err != nil {
		return false, dialError(resp, err)
	}
	ws.SetReadLimit(protocol.MaxMessageSize)
	s := &session{c: c, ws: ws, pending: map[uint64]time.Time{}}

	// Closing the socket is the one way to stop a blocked read or write.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-ctx.Done():
		case <-stop:
		}
		s.close()
	}()
	defer func() {
		close(stop)
		wg.Wait()
	}()

	hb, err := s.handshake()
	if err != nil {
		return false, err
	}
	c.setUp()
	c.log.Info("control: connected to hub", "url", c.p.URL, "heartbeat", hb)
	if c.p.Mail != nil {
		s.pump = s.newPump() // before the reader, which passes it acks
	}
	errc := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		errc <- s.readLoop()
	}()
	if s.pump != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.pump.Run(stop)
		}()
	}
	return true, s.writeLoop(ctx, hb, errc)
}

// dialError explains a failed dial, with the hub's JSON error if it sent one.
func dialError(resp *http.Response, err error) error {
	if resp == nil {
		return fmt.Errorf("control: dial: %w", err)
	}
	var body struct {
		Error protocol.Error `json:"error"`
	}
	if resp.Body != nil {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		_ = json.Unmarshal(raw, &body)
	}
	detail := resp.Status
	if body.Error.Message != "" {
		detail += ": " + body.Error.Message
	}
	if resp.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("%w: %s", ErrUnauthorized, detail)
	}
	return fmt.Errorf("control: dial: %s: %w", detail, err)
}

// handshake sends the Hello and waits for the Welcome; it returns the
// heartbeat interval to use.
func (s *session) handshake() (time.Duration, error) {
	p := s.c.p
	if err := s.send(protocol.KindHello, p.Hello); err != nil {
		return 0, fmt.Errorf("control: sending hello: %w", err)
	}
	_ = s.ws.SetReadDeadline(time.Now().Add(p.DeadAfter))
	env, err := s.read()
	if err != nil {
		return 0, fmt.Errorf("control: waiting for welcome: %w", err)
	}
	switch env.Kind {
	case protocol.KindWelcome:
		w, err := protocol.DecodeBody[protocol.Welcome](env)
		if err != nil {
			return 0, fmt.Errorf("control: welcome: %w", err)
		}
		return min(p.HeartbeatInterval, w.HeartbeatInterval(), p.DeadAfter/2), nil
	case protocol.KindError:
		e, err := protocol.DecodeBody[protocol.Error](env)
		if err != nil {
			return 0, fmt.Errorf("%w: unreadable error: %w", ErrRefused, err)
		}
		return 0, fmt.Errorf("%w: %s: %s", ErrRefused, e.Code, e.Message)
	}
	return 0, fmt.Errorf("control: expected a welcome, got %s", env.Kind)
}

// writeLoop sends heartbeats and telemetry until the reader fails, a write
// fails, or ctx ends.
func (s *session) writeLoop(ctx context.Context, hb time.Duration, errc <-chan error) error {
	p := s.c.p
	hbTick := time.NewTicker(hb)
	defer hbTick.Stop()
	telTick := time.NewTicker(p.TelemetryInterval)
	defer telTick.Stop()
	var seq uint64
	lastBad := ""
	sendTelemetry := func() error {
		t := p.Telemetry()
		if err := t.Validate(); err != nil {
			if err.Error() != lastBad { // once per distinct problem, not every interval
				s.c.log.Warn("control: telemetry not sent: invalid", "err", err)
				lastBad = err.Error()
			}
			return nil
		}
		lastBad = ""
		return s.send(protocol.KindTelemetry, t)
	}
	if err := sendTelemetry(); err != nil {
		return fmt.Errorf("control: sending telemetry: %w", err)
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-errc:
			return err
		case <-hbTick.C:
			seq++
			s.pmu.Lock()
			s.pending[seq] = time.Now()
			s.pmu.Unlock()
			if err := s.send(protocol.KindHeartbeat, protocol.Heartbeat{Seq: seq}); err != nil {
				return fmt.Errorf("control: sending heartbeat: %w", err)
			}
		case <-telTick.C:
			if err := sendTelemetry(); err != nil {
				return fmt.Errorf("control: sending telemetry: %w", err)
			}
		}
	}
}

// readLoop reads until the connection fails or the hub stays silent for
// DeadAfter: every frame (acks, pings, errors) pushes the deadline back.
func (s *session) readLoop() error {
	dead := s.c.p.DeadAfter
	s.ws.SetPingHandler(func(data string) error {
		_ = s.ws.SetReadDeadline(time.Now().Add(dead))
		_ = s.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(writeWait))
		return nil
	})
	s.ws.SetPongHandler(func(string) error {
		_ = s.ws.SetReadDeadline(time.Now().Add(dead))
		return nil
	})
	for {
		_ = s.ws.SetReadDeadline(time.Now().Add(dead))
		env, err := s.read()
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout():
			return fmt.Errorf("%w for %v", ErrDeadLink, dead)
		case errors.Is(err, protocol.ErrMalformed), errors.Is(err, protocol.ErrKind), errors.Is(err, protocol.ErrInvalid):
			s.c.log.Warn("control: bad message from the hub", "err", err)
			continue
		case err != nil:
			return err
		}
		switch env.Kind {
		case protocol.KindHeartbeatAck:
			ack, err := protocol.DecodeBody[protocol.HeartbeatAck](env)
			if err != nil {
				s.c.log.Warn("control: bad heartbeat ack", "err", err)
				continue
			}
			s.acked(ack.Seq)
		case protocol.KindMessage, protocol.KindMessageAck:
			if err := s.handleMail(env); err != nil {
				return fmt.Errorf("control: sending message ack: %w", err)
			}
		case protocol.KindError:
			e, err := protocol.DecodeBody[protocol.Error](env)
			s.c.log.Warn("control: the hub reports an error", "code", e.Code, "message", e.Message, "decode_err", err)
		default:
			s.c.log.Warn("control: unexpected message from the hub", "kind", env.Kind)
		}
	}
}

// acked measures the round trip of heartbeat seq and forgets it and any
// older heartbeat (whose acks were lost).
func (s *session) acked(seq uint64) {
	s.pmu.Lock()
	sent, ok := s.pending[seq]
	for k := range s.pending {
		if k <= seq {
			delete(s.pending, k)
		}
	}
	s.pmu.Unlock()
	if ok {
		s.c.setRTT(time.Since(sent))
	}
}

func (s *session) send(kind protocol.Kind, body any) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.seq++
	data, err := protocol.Encode(kind, s.c.p.Hello.Vehicle+"-"+strconv.FormatUint(s.seq, 10), s.c.p.Now(), body)
	if err != nil {
		return err
	}
	_ = s.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return s.ws.WriteMessage(websocket.TextMessage, data)
}

// read returns the next message; a close frame or failure is an error.
func (s *session) read() (protocol.Envelope, error) {
	typ, data, err := s.ws.ReadMessage()
	if err != nil {
		return protocol.Envelope{}, err
	}
	if typ != websocket.TextMessage {
		return protocol.Envelope{}, fmt.Errorf("%w: binary frame from the hub", protocol.ErrMalformed)
	}
	return protocol.Decode(data)
}

// close sends a close frame (it times out behind a stuck writer) and
// closes the socket.
func (s *session) close() {
	_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(closeWait))
	_ = s.ws.Close()
}
