package control_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	hubcontrol "fieldwatch/hub/control"
	"fieldwatch/internal/testwait"
	"fieldwatch/protocol"
)

// dialRaw opens a control connection by hand and sends one hello.
func dialRaw(t *testing.T, srv *httptest.Server, token string, hello protocol.Hello) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(wsURL(srvAddr(srv)), http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	if hello.Vehicle != "" {
		writeMsg(t, ws, protocol.KindHello, hello)
	}
	return ws
}

func writeMsg(t *testing.T, ws *websocket.Conn, kind protocol.Kind, body any) {
	t.Helper()
	msg, err := protocol.Encode(kind, "raw-1", time.Now(), body)
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
		t.Fatal(err)
	}
}

// readMsg reads the next message, which must be of the given kind.
func readMsg[T any, PT interface {
	*T
	protocol.Body
}](t *testing.T, ws *websocket.Conn) T {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	env, err := protocol.Decode(data)
	if err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	v, err := protocol.DecodeBody[T, PT](env)
	if err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	return v
}

// expectClosed waits for the hub to close ws and returns the close frame.
func expectClosed(t *testing.T, ws *websocket.Conn) *websocket.CloseError {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce
		}
		if err != nil {
			t.Fatalf("want a close frame, got %v", err)
		}
	}
}

func hello(id string) protocol.Hello {
	return protocol.Hello{Vehicle: id, Software: "raw", Protocol: protocol.Version}
}

func TestHelloForAnotherVehicleRejected(t *testing.T) {
	s, srv, ev := newServer(t, hubcontrol.Params{})
	ws := dialRaw(t, srv, "token-xe-01", hello("xe-02"))
	if e := readMsg[protocol.Error](t, ws); e.Code != "wrong_vehicle" {
		t.Fatalf("error %+v", e)
	}
	if ce := expectClosed(t, ws); ce.Code != websocket.ClosePolicyViolation {
		t.Fatalf("close %v", ce)
	}
	if len(s.Statuses()) != 0 || len(ev.list()) != 0 {
		t.Fatal("an impostor came online")
	}
}

func TestHelloRules(t *testing.T) {
	_, srv, _ := newServer(t, hubcontrol.Params{HelloTimeout: 200 * time.Millisecond})
	t.Run("timeout", func(t *testing.T) {
		ws := dialRaw(t, srv, "token-xe-01", protocol.Hello{})
		if e := readMsg[protocol.Error](t, ws); e.Code != "hello_timeout" {
			t.Fatalf("error %+v", e)
		}
		expectClosed(t, ws)
	})
	t.Run("not a hello first", func(t *testing.T) {
		ws := dialRaw(t, srv, "token-xe-01", protocol.Hello{})
		writeMsg(t, ws, protocol.KindHeartbeat, protocol.Heartbeat{Seq: 1})
		if e := readMsg[protocol.Error](t, ws); e.Code != "bad_hello" || !strings.Contains(e.Message, "first message is not a hello") {
			t.Fatalf("error %+v", e)
		}
		expectClosed(t, ws)
	})
	t.Run("old protocol", func(t *testing.T) {
		h := hello("xe-01")
		h.Protocol = 0
		ws := dialRaw(t, srv, "token-xe-01", h)
		if e := readMsg[protocol.Error](t, ws); e.Code != "unsupported_version" {
			t.Fatalf("error %+v", e)
		}
		expectClosed(t, ws)
	})
}

func TestRawSessionWelcomeAcksAndBadMessages(t *testing.T) {
	s, srv, _ := newServer(t, hubcontrol.Params{Now: func() time.Time { return hubTime }})
	ws := dialRaw(t, srv, "token-xe-01", hello("xe-01"))
	w := readMsg[protocol.Welcome](t, ws)
	if w.Hub != "hub-test" || w.HeartbeatInterval() != heartbeat || !w.ServerTime.Equal(hubTime) {
		t.Fatalf("welcome %+v", w)
	}
	if st := s.Status("xe-01"); !st.Online || !st.Since.Equal(hubTime) || !st.LastSeen.Equal(hubTime) {
		t.Fatalf("status %+v", st)
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"v":1,"kind":"heartbeat"}`)); err != nil {
		t.Fatal(err)
	}
	if e := readMsg[protocol.Error](t, ws); e.Code != "bad_message" || e.Message != `protocol: malformed message: missing field "id"` {
		t.Fatalf("error %+v", e)
	}
	writeMsg(t, ws, protocol.KindHeartbeat, protocol.Heartbeat{Seq: 42}) // the connection lives on
	if ack := readMsg[protocol.HeartbeatAck](t, ws); ack.Seq != 42 {
		t.Fatalf("ack %+v", ack)
	}
	bad := sampleTelemetry()
	bad.CPUPercent = 250
	writeMsg(t, ws, protocol.KindTelemetry, bad)
	if e := readMsg[protocol.Error](t, ws); e.Code != "bad_message" || !strings.Contains(e.Message, "cpu_percent 250") {
		t.Fatalf("error %+v", e)
	}
	if s.Status("xe-01").Telemetry != nil {
		t.Fatal("invalid telemetry stored")
	}
}

func TestNewConnectionReplacesOld(t *testing.T) {
	s, srv, ev := newServer(t, hubcontrol.Params{})
	old := dialRaw(t, srv, "token-xe-01", hello("xe-01"))
	readMsg[protocol.Welcome](t, old)
	oldRemote := s.Status("xe-01").Remote

	c := startClient(t, wsURL(srvAddr(srv)), "token-xe-01", "xe-01")
	if ce := expectClosed(t, old); ce.Text != "replaced" {
		t.Fatalf("old connection closed with %v", ce)
	}
	testwait.For(t, 3*time.Second, "the new connection's telemetry", func() bool { return s.Status("xe-01").Telemetry != nil })
	st := s.Status("xe-01")
	if !st.Online || st.Connections != 2 || st.Remote == oldRemote || !c.Connected() {
		t.Fatalf("status after replacement: %+v; client %+v", st, c.State())
	}
	if got := ev.list(); len(got) != 1 {
		t.Fatalf("the replacement flapped the vehicle: %v", got)
	}
}

func TestCloseDropsConnectionsAndRefusesNew(t *testing.T) {
	s, srv, ev := newServer(t, hubcontrol.Params{})
	ws := dialRaw(t, srv, "token-xe-01", hello("xe-01"))
	readMsg[protocol.Welcome](t, ws)
	pending := dialRaw(t, srv, "token-xe-02", protocol.Hello{}) // upgraded, no hello yet
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return")
	}
	if ce := expectClosed(t, ws); ce.Code != websocket.CloseGoingAway {
		t.Fatalf("close %v", ce)
	}
	expectClosed(t, pending)
	if s.Status("xe-01").Online || strings.Join(ev.list(), ", ") != "xe-01 online, xe-01 offline" {
		t.Fatalf("after Close: %+v %v", s.Status("xe-01"), ev.list())
	}
	_, resp, err := websocket.DefaultDialer.Dial(wsURL(srvAddr(srv)), http.Header{"Authorization": {"Bearer token-xe-01"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("after Close: %v %v", resp, err)
	}
}
