package connlimit

import (
	"io"
	"net"
	"testing"
	"time"

	"fieldwatch/internal/testwait"
)

// Connections over the per-host limit are closed at once; closing one
// frees its slot.
func TestPerHostAndTotalLimits(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := Wrap(raw, Limits{Total: 5, PerHost: 3})
	defer ln.Close()
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	var kept []net.Conn
	for range 3 {
		dial()
		kept = append(kept, <-accepted)
	}
	over := dial()
	// The fourth from the same host is closed by the server: its read
	// ends with EOF rather than blocking.
	_ = over.SetReadDeadline(time.Now().Add(testwait.Deadline(10 * time.Second)))
	if _, err := over.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("the connection over the per-host limit: %v, want EOF", err)
	}
	testwait.For(t, 5*time.Second, "the refusal counted", func() bool { return ln.Refused() == 1 })
	kept[0].Close()
	testwait.For(t, 5*time.Second, "the slot freed", func() bool { return ln.Open() == 2 })
	dial()
	select {
	case c := <-accepted:
		c.Close()
	case <-time.After(testwait.Deadline(10 * time.Second)):
		t.Fatal("a connection within the limit was not accepted")
	}
	if !ln.admit("192.0.2.1") || !ln.admit("192.0.2.2") || !ln.admit("192.0.2.3") || ln.admit("192.0.2.4") {
		t.Fatal("the total limit of 5 was not kept")
	}
}
