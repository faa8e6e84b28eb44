package control_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	hubcontrol "fieldwatch/hub/control"
	"fieldwatch/internal/testwait"
	"fieldwatch/protocol"
	vcontrol "fieldwatch/vehicle/control"
)

// Timings scaled down from the defaults (1 s heartbeat, 3 s offline) to keep tests short.
const (
	heartbeat    = 200 * time.Millisecond
	offlineAfter = time.Second
	deadAfter    = time.Second
	slack        = 500 * time.Millisecond // scheduling under -race on 2 cores
)

var (
	tokens  = map[string]string{"token-xe-01": "xe-01", "token-xe-02": "xe-02"}
	hubTime = time.Date(2026, 11, 22, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	quiet   = slog.New(slog.DiscardHandler)
)

// events records OnChange calls.
type events struct {
	mu  sync.Mutex
	got []string
}

func (e *events) add(id string, online bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, id+map[bool]string{true: " online", false: " offline"}[online])
}

func (e *events) list() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.got...)
}

// newServer starts a hub control server on a loopback httptest server; it
// also checks, at the very end, that the test left no goroutine behind.
func newServer(t *testing.T, p hubcontrol.Params) (*hubcontrol.Server, *httptest.Server, *events) {
	t.Helper()
	checkLeaks(t)
	ev := &events{}
	p.HubName = "hub-test"
	p.Logger = quiet
	p.Authenticate = func(r *http.Request) (string, error) {
		if id, ok := tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]; ok {
			return id, nil
		}
		return "", errors.New("no such token")
	}
	p.HeartbeatInterval, p.OfflineAfter = heartbeat, offlineAfter
	p.OnChange = ev.add
	s := hubcontrol.New(p)
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); s.Close() })
	return s, srv, ev
}

func checkLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(3 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				t.Fatalf("%d goroutines left behind:\n%s", runtime.NumGoroutine()-before, buf[:runtime.Stack(buf, true)])
			}
			runtime.Gosched()
			time.Sleep(5 * time.Millisecond) // polling a condition with a deadline, not synchronising
		}
	})
}

func wsURL(addr string) string { return "ws://" + addr + "/control/v1/ws" }

func srvAddr(srv *httptest.Server) string { return srv.Listener.Addr().String() }

func sampleTelemetry() protocol.Telemetry {
	now := time.Now()
	return protocol.Telemetry{Time: now, Link: protocol.LinkState{State: protocol.LinkUp, RTTMs: 40}, CPUPercent: 12,
		MemUsedBytes: 1 << 20, MemTotalBytes: 1 << 30,
		GPS:     &protocol.GPSFix{Lat: 21.85, Lon: 106.76, SpeedKmh: 40, Heading: 10, AccuracyM: 5, Time: now},
		Cameras: []protocol.CameraState{{ID: "cam1", State: protocol.CameraOnline, Publishing: true, Width: 640, Height: 360}}}
}

func startClient(t *testing.T, url, token, vehicle string) *vcontrol.Client {
	t.Helper()
	c := vcontrol.New(vcontrol.Params{
		URL: url, Token: token, Telemetry: sampleTelemetry, Logger: quiet,
		Hello:             protocol.Hello{Vehicle: vehicle, Software: "test", Protocol: protocol.Version, Cameras: []protocol.CameraInfo{{ID: "cam1", Name: "Trước"}}},
		TelemetryInterval: heartbeat, DeadAfter: deadAfter, BackoffBase: 50 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return c
}

func TestHelloTelemetryAndRTT(t *testing.T) {
	s, srv, ev := newServer(t, hubcontrol.Params{})
	c := startClient(t, wsURL(srvAddr(srv)), "token-xe-01", "xe-01")
	testwait.For(t, 3*time.Second, "online with telemetry", func() bool {
		st := s.Status("xe-01")
		return st.Online && st.Telemetry != nil
	})
	st := s.Status("xe-01")
	if st.Hello == nil || st.Hello.Software != "test" || st.Hello.Cameras[0].Name != "Trước" || st.Connections != 1 {
		t.Fatalf("hello in status: %+v", st)
	}
	if g := st.Telemetry.GPS; g == nil || g.Lat != 21.85 || st.Telemetry.Cameras[0].Width != 640 || st.Telemetry.MemTotalBytes != 1<<30 {
		t.Fatalf("telemetry in status: %+v", st.Telemetry)
	}
	if !strings.HasPrefix(st.Remote, "127.0.0.1:") || st.LastSeen.Before(st.Since) {
		t.Fatalf("status: %+v", st)
	}
	testwait.For(t, 3*time.Second, "heartbeat RTT", func() bool { return c.State().RTT > 0 })
	if rtt := c.State().RTT; rtt > time.Second {
		t.Fatalf("RTT %v on loopback", rtt)
	}
	if s.Status("xe-02").Online {
		t.Fatal("a vehicle that never connected is online")
	}
	if all := s.Statuses(); len(all) != 1 || !all["xe-01"].Online {
		t.Fatalf("statuses: %+v", all)
	}
	if got := ev.list(); len(got) != 1 || got[0] != "xe-01 online" {
		t.Fatalf("OnChange: %v", got)
	}
}

func TestWrongTokenRefusedBeforeUpgrade(t *testing.T) {
	s, srv, _ := newServer(t, hubcontrol.Params{})
	_, resp, err := websocket.DefaultDialer.Dial(wsURL(srvAddr(srv)), http.Header{"Authorization": {"Bearer forged"}})
	if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("want 401 before upgrade, got %v %v", resp, err)
	}
	var body struct{ Error protocol.Error }
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &body); err != nil || body.Error.Code != "bad_token" || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("401 body %s (%v)", raw, err)
	}
	// The vehicle client reports it and keeps trying.
	c := startClient(t, wsURL(srvAddr(srv)), "forged", "xe-01")
	testwait.For(t, 3*time.Second, "the client to report the refusal", func() bool {
		return strings.Contains(c.State().LastError, "refused the vehicle token")
	})
	if c.Connected() || len(s.Statuses()) != 0 {
		t.Fatal("a forged token got in")
	}
}

func TestKilledConnectionGoesOfflineAndReconnects(t *testing.T) {
	s, srv, ev := newServer(t, hubcontrol.Params{})
	px := newProxy(t, srvAddr(srv))
	c := startClient(t, wsURL(px.addr()), "token-xe-01", "xe-01")
	testwait.For(t, 3*time.Second, "online", func() bool { return s.Status("xe-01").Online && c.Connected() })

	px.setDown(true)
	px.kill() // both ends see the connection close
	off := testwait.For(t, 3*time.Second, "offline after the kill", func() bool { return !s.Status("xe-01").Online })
	testwait.For(t, 3*time.Second, "the client to notice", func() bool { return !c.Connected() })
	t.Logf("offline %v after the kill", off)
	px.setDown(false)
	testwait.For(t, 3*time.Second, "online again", func() bool { st := s.Status("xe-01"); return st.Online && st.Connections == 2 })
	testwait.For(t, 3*time.Second, "the client to count the reconnect", func() bool { st := c.State(); return st.Connected && st.Reconnects == 1 })
	if got := strings.Join(ev.list(), ", "); got != "xe-01 online, xe-01 offline, xe-01 online" {
		t.Fatalf("OnChange: %s", got)
	}
}

func TestSilentLinkNoticedByBothEnds(t *testing.T) {
	s, srv, _ := newServer(t, hubcontrol.Params{})
	px := newProxy(t, srvAddr(srv))
	c := startClient(t, wsURL(px.addr()), "token-xe-01", "xe-01")
	testwait.For(t, 3*time.Second, "online", func() bool { return s.Status("xe-01").Online && c.Connected() })
	px.freeze() // TCP stays open, nothing passes
	hub := testwait.For(t, offlineAfter+slack, "the hub to notice the silence", func() bool { return !s.Status("xe-01").Online })
	veh := testwait.For(t, deadAfter+slack, "the vehicle to notice the silence", func() bool { return !c.Connected() })
	t.Logf("silence noticed by the hub after %v, by the vehicle %v later", hub, veh)
	if st := c.State(); !strings.Contains(st.LastError, "link dead") {
		t.Fatalf("client state %+v", st)
	}
	px.thaw()
	testwait.For(t, 3*time.Second, "online again", func() bool { return s.Status("xe-01").Online && c.Connected() })
}
