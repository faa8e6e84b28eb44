package control

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestBackoffDoublesCapsAndJitters(t *testing.T) {
	base, ceiling := 100*time.Millisecond, 2*time.Second
	for _, c := range []struct {
		attempt int
		lo, hi  time.Duration
	}{
		{0, 50 * time.Millisecond, 100 * time.Millisecond},
		{1, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 400 * time.Millisecond, 800 * time.Millisecond},
		{5, time.Second, 2 * time.Second},  // 3.2 s capped
		{80, time.Second, 2 * time.Second}, // no overflow
	} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := retryPolicy(base, ceiling).Delay(c.attempt)
			if d < c.lo || d > c.hi {
				t.Fatalf("attempt %d: %v outside [%v, %v]", c.attempt, d, c.lo, c.hi)
			}
			seen[d] = true
		}
		if len(seen) < 50 {
			t.Fatalf("attempt %d: only %d distinct waits: no jitter", c.attempt, len(seen))
		}
	}
}

func TestRunRefusesBadURL(t *testing.T) {
	for _, u := range []string{"", "http://hub/control/v1/ws", "ws://", "::"} {
		err := New(Params{URL: u}).Run(context.Background())
		if !errors.Is(err, ErrBadURL) {
			t.Errorf("%q: got %v", u, err)
		}
	}
}

func TestDialErrorKeepsTheHubsMessage(t *testing.T) {
	resp := &http.Response{StatusCode: http.StatusUnauthorized, Status: "401 Unauthorized",
		Body: io.NopCloser(strings.NewReader(`{"error":{"code":"bad_token","message":"unknown or revoked vehicle token"}}`))}
	err := dialError(resp, errors.New("websocket: bad handshake"))
	if !errors.Is(err, ErrUnauthorized) || err.Error() != "control: hub refused the vehicle token: 401 Unauthorized: unknown or revoked vehicle token" {
		t.Fatalf("got %v", err)
	}
	resp = &http.Response{StatusCode: http.StatusBadGateway, Status: "502 Bad Gateway", Body: io.NopCloser(strings.NewReader("<html>"))}
	if err := dialError(resp, errors.New("websocket: bad handshake")); err.Error() != "control: dial: 502 Bad Gateway: websocket: bad handshake" {
		t.Fatalf("got %v", err)
	}
}

func TestAckMeasuresRTTAndForgetsOlder(t *testing.T) {
	c := New(Params{URL: "ws://hub/x"})
	s := &session{c: c, pending: map[uint64]time.Time{}}
	now := time.Now()
	s.pending[1] = now.Add(-time.Second) // its ack was lost
	s.pending[2] = now.Add(-40 * time.Millisecond)
	s.pending[3] = now
	s.acked(2)
	if rtt := c.State().RTT; rtt < 40*time.Millisecond || rtt > time.Second {
		t.Fatalf("RTT %v", rtt)
	}
	if _, ok := s.pending[3]; len(s.pending) != 1 || !ok {
		t.Fatalf("pending %v", s.pending)
	}
	s.acked(9) // an ack for nothing sent: no RTT change
	if len(s.pending) != 0 {
		t.Fatalf("pending %v", s.pending)
	}
}
