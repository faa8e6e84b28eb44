package syncer

import (
	"math"
	"testing"
	"time"
)

func TestPacerLinkModeLeavesLiveItsShare(t *testing.T) {
	live := 2000.0
	p := NewPacer(PacerConfig{LinkKbps: 8000, Live: func() float64 { return live }})
	if got := p.LimitKbps(); math.Abs(got-(8000*0.95-2200)) > 0.01 {
		t.Fatalf("limit %v", got)
	}
	live = 7500
	p.adjust(time.Now())
	if got := p.LimitKbps(); got != minKbps {
		t.Fatalf("limit with a saturated link %v, want the floor %d", got, minKbps)
	}
	// During an outage the live rate reads 0, but it will be back at once: its share stays reserved.
	live = 2000
	p.adjust(time.Now())
	live = 0
	p.adjust(time.Now())
	if got := p.LimitKbps(); got > 8000*0.95-2000*1.1*0.99+1 {
		t.Fatalf("limit %v during an outage: the live share was given away", got)
	}
	p = NewPacer(PacerConfig{LinkKbps: 8000, MaxKbps: 1000, Live: func() float64 { return 0 }})
	if got := p.LimitKbps(); got != 1000 {
		t.Fatalf("cap not applied: %v", got)
	}
}

func TestPacerDelayModeBacksOffAndRecovers(t *testing.T) {
	var rtt time.Duration
	var at time.Time
	p := NewPacer(PacerConfig{RTT: func() (time.Duration, time.Time) { return rtt, at }})
	now := time.Now()
	sample := func(d time.Duration) {
		now = now.Add(500 * time.Millisecond)
		rtt, at = d, now
		p.adjust(now)
	}
	sample(40 * time.Millisecond) // the floor
	for range 20 {
		sample(45 * time.Millisecond)
	}
	high := p.LimitKbps()
	if high < 10000 {
		t.Fatalf("did not open up on an idle link: %v", high)
	}
	for range 5 {
		sample(300 * time.Millisecond) // the queue fills: live media would suffer
	}
	if got := p.LimitKbps(); got > high*0.2 {
		t.Fatalf("did not back off: %v from %v", got, high)
	}
	// A stale sample (the link is down) changes nothing.
	before := p.LimitKbps()
	p.adjust(now.Add(time.Second))
	if p.LimitKbps() != before {
		t.Fatal("reacted to a stale sample")
	}
	for range 20 {
		sample(42 * time.Millisecond)
	}
	if p.LimitKbps() < high {
		t.Fatalf("did not recover: %v", p.LimitKbps())
	}
}

func TestPacerBacksOffOnLiveLoss(t *testing.T) {
	var loss float64
	var at time.Time
	p := NewPacer(PacerConfig{LinkKbps: 8000, Live: func() float64 { return 1500 }, Loss: func() (float64, time.Time) { return loss, at }})
	now := time.Now()
	p.adjust(now)
	full := p.LimitKbps()
	loss, at = 5, now
	p.adjust(now)
	if got := p.LimitKbps(); got > full*0.71 {
		t.Fatalf("limit %v after live loss, was %v", got, full)
	}
	loss, at = 0, now.Add(time.Second)
	for range 40 {
		p.adjust(now)
	}
	if got := p.LimitKbps(); got < full*0.99 {
		t.Fatalf("did not recover: %v of %v", got, full)
	}
}
