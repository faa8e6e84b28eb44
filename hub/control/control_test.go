package control_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	hubcontrol "fieldwatch/hub/control"
	"fieldwatch/protocol"
	vcontrol "fieldwatch/vehicle/control"
)

var tokens = map[string]string{"token-xe-01-0123456789": "xe-01", "token-xe-02-0123456789": "xe-02"}

func newServer(t *testing.T) (*hubcontrol.Server, *httptest.Server) {
	t.Helper()
	s := hubcontrol.New(hubcontrol.Params{
		HubName: "test-hub",
		Authenticate: func(r *http.Request) (string, error) {
			if id, ok := tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]; ok {
				return id, nil
			}
			return "", errors.New("bad token")
		},
		HeartbeatInterval: 200 * time.Millisecond,
		OfflineAfter:      time.Second,
	})
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); s.Close() })
	return s, srv
}

func wsURL(srv *httptest.Server) string { return "ws" + strings.TrimPrefix(srv.URL, "http") }

func telemetry() protocol.Telemetry {
	return protocol.Telemetry{Time: time.Now(), Link: protocol.LinkState{State: "up"}, CPUPercent: 12,
		GPS: &protocol.GPSFix{Lat: 21.85, Lon: 106.76, SpeedKmh: 40, Heading: 10, Time: time.Now()}}
}

func startClient(t *testing.T, url, token, vehicle string, dial func(context.Context, string, string) (net.Conn, error)) *vcontrol.Client {
	t.Helper()
	c := vcontrol.New(vcontrol.Params{
		URL: url, Token: token, Dial: dial, Telemetry: telemetry,
		Hello:             protocol.Hello{Vehicle: vehicle, Software: "test", Protocol: protocol.Version, Cameras: []protocol.CameraInfo{{ID: "cam1", Name: "Trước"}}},
		TelemetryInterval: 200 * time.Millisecond, DeadAfter: time.Second, BackoffBase: 50 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return c
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

func TestHelloTelemetryAndRTT(t *testing.T) {
	s, srv := newServer(t)
	c := startClient(t, wsURL(srv), "token-xe-01-0123456789", "xe-01", nil)
	waitFor(t, 3*time.Second, "online with telemetry", func() bool {
		st := s.Status("xe-01")
		return st.Online && st.Telemetry != nil && st.Hello != nil
	})
	st := s.Status("xe-01")
	if st.Telemetry.GPS.Lat != 21.85 || st.Hello.Cameras[0].ID != "cam1" {
		t.Fatalf("status %+v", st)
	}
	waitFor(t, 3*time.Second, "heartbeat RTT", func() bool { return c.State().RTT > 0 })
	if s.Status("xe-02").Online {
		t.Fatal("a vehicle that never connected is online")
	}
}

func TestWrongTokenRefusedBeforeUpgrade(t *testing.T) {
	_, srv := newServer(t)
	_, resp, err := websocket.DefaultDialer.Dial(wsURL(srv), http.Header{"Authorization": {"Bearer forged"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("want 401 before upgrade, got %v %v", resp, err)
	}
}

func TestHelloForAnotherVehicleRejected(t *testing.T) {
	s, srv := newServer(t)
	ws, _, err := websocket.DefaultDialer.Dial(wsURL(srv), http.Header{"Authorization": {"Bearer token-xe-01-0123456789"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	msg, _ := protocol.Encode(protocol.KindHello, "m1", time.Now(), protocol.Hello{Vehicle: "xe-02", Protocol: protocol.Version})
	if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
		t.Fatal(err)
	}
	_, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	env, err := protocol.Decode(data)
	if err != nil || env.Kind != protocol.KindError {
		t.Fatalf("want an error message, got %s %v", data, err)
	}
	if s.Status("xe-02").Online || s.Status("xe-01").Online {
		t.Fatal("an impostor came online")
	}
	if _, _, err := ws.ReadMessage(); err == nil {
		t.Fatal("connection stays open after a bad hello")
	}
}

func TestKilledConnectionGoesOfflineAndReconnects(t *testing.T) {
	s, srv := newServer(t)
	proxy := newProxy(t, srv.Listener.Addr().String())
	c := startClient(t, "ws://"+proxy.addr(), "token-xe-01-0123456789", "xe-01", nil)
	waitFor(t, 3*time.Second, "online", func() bool { return s.Status("xe-01").Online })
	first := s.Status("xe-01").Connections

	proxy.setDown(true)
	proxy.kill() // both ends see the close
	off := waitFor(t, 3*time.Second, "offline after the kill", func() bool { return !s.Status("xe-01").Online })
	t.Logf("offline %v after the connection died", off)
	waitFor(t, 3*time.Second, "client notices", func() bool { return !c.Connected() })
	proxy.setDown(false)
	waitFor(t, 5*time.Second, "online again", func() bool { st := s.Status("xe-01"); return st.Online && st.Connections > first })
	waitFor(t, 3*time.Second, "the client to count the reconnect", func() bool { return c.State().Reconnects >= 1 && c.Connected() })
}

func TestSilentLinkNoticedByBothEnds(t *testing.T) {
	s, srv := newServer(t)
	proxy := newProxy(t, srv.Listener.Addr().String())
	c := startClient(t, "ws://"+proxy.addr(), "token-xe-01-0123456789", "xe-01", nil)
	waitFor(t, 3*time.Second, "online", func() bool { return s.Status("xe-01").Online && c.Connected() })
	proxy.freeze() // TCP stays open, nothing passes: a cut cellular link
	hub := waitFor(t, 3*time.Second, "hub notices the silence", func() bool { return !s.Status("xe-01").Online })
	veh := waitFor(t, 3*time.Second, "vehicle notices the silence", func() bool { return !c.Connected() })
	t.Logf("silent link noticed by the hub after %v, by the vehicle after %v more", hub, veh)
	proxy.thaw()
	waitFor(t, 5*time.Second, "online again", func() bool { return s.Status("xe-01").Online })
}

func TestNewConnectionReplacesOld(t *testing.T) {
	s, srv := newServer(t)
	startClient(t, wsURL(srv), "token-xe-01-0123456789", "xe-01", nil)
	waitFor(t, 3*time.Second, "first online", func() bool { return s.Status("xe-01").Online })
	startClient(t, wsURL(srv), "token-xe-01-0123456789", "xe-01", nil)
	waitFor(t, 3*time.Second, "second connection", func() bool { return s.Status("xe-01").Connections >= 2 })
	if !s.Status("xe-01").Online {
		t.Fatal("vehicle offline after its connection was replaced")
	}
}

// proxy is a TCP relay that can be killed (close both ends) or frozen
// (keep the connections, forward nothing).
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	frozen bool
	down   bool
	cond   *sync.Cond
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	p.cond = sync.NewCond(&p.mu)
	t.Cleanup(func() { ln.Close(); p.kill() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			down := p.down
			p.mu.Unlock()
			up, err := net.Dial("tcp", target)
			if err != nil || down {
				if up != nil {
					up.Close()
				}
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go p.pipe(c, up)
			go p.pipe(up, c)
		}
	}()
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 4096)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		for p.frozen {
			p.cond.Wait()
		}
		p.mu.Unlock()
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			dst.Close()
			return
		}
	}
}

func (p *proxy) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.frozen = false
	p.cond.Broadcast()
}

func (p *proxy) setDown(down bool) { p.mu.Lock(); p.down = down; p.mu.Unlock() }

func (p *proxy) freeze() { p.mu.Lock(); p.frozen = true; p.mu.Unlock() }

func (p *proxy) thaw() {
	p.mu.Lock()
	p.frozen = false
	p.cond.Broadcast()
	p.mu.Unlock()
}
