package link

import (
	"context"
	"io"
	"net"
	"testing"
	"time"
)

// flows runs 1.5 Mbit/s of "video" (1200-byte datagrams in 5-packet bursts)
// and, if tcpKbps != 0, a TCP upload paced at tcpKbps (<0 = unpaced),
// through an 8 Mbit/s link with a 100 KB queue, for d. It returns the
// datagrams dropped and sent, and the TCP bytes carried.
func flows(t *testing.T, tcpKbps float64, d time.Duration) (dropped, sent uint64, tcpBytes int64) {
	l := New()
	l.SetRate(8000, 100<<10)
	sink, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	go io.Copy(io.Discard, sink)
	uc, err := l.Net().DialUDP("udp", nil, sink.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	got := make(chan int64, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- 0
			return
		}
		n, _ := io.Copy(io.Discard, c)
		got <- n
	}()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if tcpKbps != 0 {
		c, err := l.DialContext(ctx, "tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			buf := make([]byte, 16<<10)
			start, sent := time.Now(), 0
			for ctx.Err() == nil {
				c.Write(buf)
				sent += len(buf)
				if tcpKbps > 0 { // keep to the schedule: sent bytes at tcpKbps since start
					time.Sleep(time.Until(start.Add(time.Duration(float64(sent*8) / tcpKbps * float64(time.Millisecond)))))
				}
			}
			c.Close()
		}()
	}
	pkt := make([]byte, 1200)
	tick := time.NewTicker(32 * time.Millisecond) // 5 x 1200 B every 32 ms = 1.5 Mbit/s
	defer tick.Stop()
	for ctx.Err() == nil {
		<-tick.C
		for range 5 {
			uc.Write(pkt)
			sent++
		}
	}
	if tcpKbps != 0 {
		tcpBytes = <-got
	}
	dropped, _ = l.QueueDropped()
	return dropped, sent, tcpBytes
}

func TestShaperKeepsLiveWhenBulkIsPaced(t *testing.T) {
	if dropped, sent, _ := flows(t, 0, 2*time.Second); dropped != 0 {
		t.Fatalf("live alone: %d of %d dropped", dropped, sent)
	}
	dropped, sent, n := flows(t, 5800, 3*time.Second)
	if dropped > sent/200 {
		t.Fatalf("live with a paced upload: %d of %d dropped", dropped, sent)
	}
	if kbps := float64(n) * 8 / 3000; kbps < 4500 {
		t.Fatalf("paced upload carried only %.0f kbit/s", kbps)
	}
	dropped, sent, n = flows(t, -1, 3*time.Second)
	if dropped == 0 {
		t.Fatalf("an unpaced upload did not fill the queue (%d bytes carried)", n)
	}
	if kbps := float64(n) * 8 / 3000; kbps > 8000 {
		t.Fatalf("the link carried %.0f kbit/s of TCP, more than its 8000", kbps)
	}
	t.Logf("unpaced upload: %d of %d live datagrams dropped", dropped, sent)
}
