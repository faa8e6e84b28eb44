package link

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

func TestUDPDroppedWhileDown(t *testing.T) {
	l := New()
	peer, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	c, err := l.Net().ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 64)
	send := func() bool {
		if _, err := c.WriteTo([]byte("ping"), peer.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		_ = peer.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		_, _, err := peer.ReadFrom(buf)
		return err == nil
	}
	if !send() {
		t.Fatal("packet lost while the link is up")
	}
	l.SetUp(false)
	if send() {
		t.Fatal("packet went through a cut link")
	}
	// Inbound is dropped too: the peer's packet never reaches a reader.
	if _, err := peer.WriteTo([]byte("pong"), c.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		_, _, err := c.ReadFrom(buf)
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("read through a cut link returned %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	l.SetUp(true)
	if _, err := peer.WriteTo([]byte("pong"), c.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no packet after the link came back")
	}
	if !send() {
		t.Fatal("packet lost after the link came back")
	}
	if l.Dropped() < 2 {
		t.Fatalf("dropped %d packets, want at least 2", l.Dropped())
	}
}

func TestTCPCutAndRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, c) }()
		}
	}()
	l := New()
	c, err := l.DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	l.SetUp(false)
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("connection survived the cut")
	}
	if _, err := l.DialContext(context.Background(), "tcp", ln.Addr().String()); !errors.Is(err, ErrDown) {
		t.Fatalf("dial while down: %v", err)
	}
	l.SetUp(true)
	c2, err := l.DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial after restore: %v", err)
	}
	c2.Close()
	if l.Cut() != 1 {
		t.Fatalf("cut %d connections, want 1", l.Cut())
	}
}
