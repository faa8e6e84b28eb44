package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"fieldwatch/internal/testwait"
)

// servedHub runs a whole hub (Serve, with its listener limits) on a
// loopback port.
func servedHub(t *testing.T, mod func(*Config)) string {
	t.Helper()
	h, _ := newTestHubWith(t, func(o *Options) {
		o.Config.HTTP.Addr = "127.0.0.1:0"
		o.Config.HTTP.TLS = "off"
		mod(&o.Config)
	})
	ln, err := h.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// A client that sends a login's headers and then trickles (here: stops
// sending) its body is cut off at the API's read timeout instead of
// holding its connection and descriptor for ever.
func TestTricklingBodyIsCutOff(t *testing.T) {
	addr := servedHub(t, func(c *Config) { c.HTTP.ReadTimeout = 300 * time.Millisecond })
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "POST /api/v1/auth/login HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"user"); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() {
		_, err := io.ReadAll(bufio.NewReader(c))
		ended <- err
	}()
	testwait.For(t, 20*time.Second, "the hub to end the trickling request", func() bool {
		select {
		case <-ended:
			return true
		default:
			return false
		}
	})
}

// Connections over the per-address limit are closed at once, while those
// within it are served.
func TestConnectionsPerAddressAreBounded(t *testing.T) {
	addr := servedHub(t, func(c *Config) { c.HTTP.MaxConnsPerHost = 2 })
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	over, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	_ = over.SetReadDeadline(time.Now().Add(testwait.Deadline(20 * time.Second)))
	if _, err := over.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("a third connection from one address: %v, want closed (EOF)", err)
	}
	// A held connection is served.
	if _, err := io.WriteString(held[0], "GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(held[0]), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health over a held connection: %v %v", resp, err)
	}
}
