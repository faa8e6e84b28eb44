package bench

import (
	"testing"
	"time"
)

func TestLossTracker(t *testing.T) {
	for _, c := range []struct {
		name           string
		seqs           []uint16
		received, lost uint64
	}{
		{"in order", []uint16{1, 2, 3, 4}, 4, 0},
		{"gap", []uint16{1, 2, 5, 6}, 4, 2},
		{"reorder", []uint16{1, 3, 2, 4}, 4, 0},
		{"duplicate", []uint16{1, 2, 2, 3}, 3, 0},
		{"wrap", []uint16{65534, 65535, 0, 1}, 4, 0},
		{"wrap with gap", []uint16{65534, 1, 2}, 3, 2},
		{"reorder across wrap", []uint16{65534, 0, 65535, 1}, 4, 0},
		{"late packet from before start", []uint16{10, 11, 9, 12}, 3, 0},
	} {
		var l lossTracker
		for _, s := range c.seqs {
			l.add(s)
		}
		if l.received != c.received || l.lost() != c.lost {
			t.Errorf("%s: received %d lost %d, want %d and %d", c.name, l.received, l.lost(), c.received, c.lost)
		}
	}
	var long lossTracker
	for i := range 200000 {
		if i%1000 != 500 {
			long.add(uint16(i))
		}
	}
	if long.lost() != 200 || long.expected() != 200000 {
		t.Fatalf("long run over wraps: lost %d expected %d", long.lost(), long.expected())
	}
}

func TestPercentiles(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	s := summarize(ds)
	if s.N != 100 || s.P50 != 50*time.Millisecond || s.P95 != 95*time.Millisecond || s.P99 != 99*time.Millisecond || s.Max != 100*time.Millisecond {
		t.Fatalf("summary %+v", s)
	}
	if summarize(nil).N != 0 {
		t.Fatal("empty summary")
	}
}
