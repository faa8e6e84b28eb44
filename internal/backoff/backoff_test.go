package backoff

import (
	"testing"
	"time"
)

func TestDelayGrowsToTheCeilingWithinItsJitter(t *testing.T) {
	for _, p := range []Policy{
		{Base: 250 * time.Millisecond, Max: 2 * time.Second, Jitter: 1, Floor: time.Millisecond},
		{Base: 250 * time.Millisecond, Max: 5 * time.Second, Jitter: 0.5},
		{Base: 500 * time.Millisecond, Max: 100 * time.Millisecond, Jitter: 0.5},
		{Base: time.Second, Max: time.Minute},
	} {
		seen := map[time.Duration]bool{}
		for attempt := range 80 {
			d := p.Delay(attempt)
			ceil := min(p.Base, p.Max)
			for range min(attempt, 62) {
				if ceil >= p.Max {
					break
				}
				ceil *= 2
			}
			ceil = min(ceil, p.Max)
			low := ceil - time.Duration(float64(ceil)*p.Jitter)
			if d < low+p.Floor || d > ceil+p.Floor {
				t.Fatalf("%+v attempt %d: %v outside [%v, %v]", p, attempt, d, low+p.Floor, ceil+p.Floor)
			}
			seen[d] = true
		}
		if p.Jitter > 0 && len(seen) < 40 {
			t.Errorf("%+v: only %d distinct delays in 80: no jitter", p, len(seen))
		}
		if p.Jitter == 0 && p.Delay(0) != p.Base {
			t.Errorf("%+v: first delay %v", p, p.Delay(0))
		}
	}
}

func TestBackoffCountsAndResets(t *testing.T) {
	b := New(Policy{Base: time.Millisecond, Max: time.Second})
	if b.Next() != time.Millisecond || b.Next() != 2*time.Millisecond {
		t.Fatal("no doubling")
	}
	b.Reset()
	if b.Next() != time.Millisecond {
		t.Fatal("reset did not start over")
	}
}
