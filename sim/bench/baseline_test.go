package bench

import (
	"context"
	"testing"
	"time"
)

func TestBaseline(t *testing.T) {
	b, err := measureBaseline(context.Background(), 2000, 1000, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// 2000 packets/s of 1000 bytes is 16 Mbit/s.
	if b.Mbps < 12 || b.Mbps > 17 || b.LossPct > 5 || b.CPUPercent <= 0 || b.CPUPerMbps <= 0 {
		t.Fatalf("baseline %+v", b)
	}
	if _, err := measureBaseline(context.Background(), 0, 1000, time.Second); err == nil {
		t.Fatal("a zero rate was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := measureBaseline(ctx, 1000, 100, time.Minute); err == nil {
		t.Fatal("a cancelled baseline returned no error")
	}
}
