package uplink

import (
	"testing"
	"time"
)

func TestBackoffCappedWithJitter(t *testing.T) {
	base, maxDelay := 250*time.Millisecond, 2*time.Second
	seen := map[time.Duration]bool{}
	for attempt := range 40 {
		d := backoff(base, maxDelay, attempt)
		ceiling := min(base<<min(attempt, 16), maxDelay) + time.Millisecond
		if d <= 0 || d > ceiling {
			t.Fatalf("attempt %d: %v outside (0, %v]", attempt, d, ceiling)
		}
		seen[d] = true
	}
	if len(seen) < 30 {
		t.Fatalf("only %d distinct delays in 40: no jitter", len(seen))
	}
}

func TestHasIDR(t *testing.T) {
	if !hasIDR([][]byte{{0x09, 0x10}, {0x67}, {0x68}, {0x65, 0x88}}) {
		t.Fatal("IDR access unit not recognised")
	}
	if hasIDR([][]byte{{0x09}, {0x41, 0x9a}}) || hasIDR(nil) || hasIDR([][]byte{{}}) {
		t.Fatal("non-IDR access unit taken for an IDR")
	}
}
