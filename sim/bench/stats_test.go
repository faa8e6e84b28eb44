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
		dups           uint64
	}{
		{"in order", []uint16{1, 2, 3, 4}, 4, 0, 0},
		{"gap", []uint16{1, 2, 5, 6}, 4, 2, 0},
		{"gap then late fill", []uint16{1, 2, 5, 3, 6}, 5, 1, 0},
		{"reorder", []uint16{1, 3, 2, 4}, 4, 0, 0},
		{"duplicate", []uint16{1, 2, 2, 3}, 3, 0, 1},
		{"duplicate after reorder", []uint16{1, 3, 2, 3, 2, 4}, 4, 0, 2},
		{"wrap", []uint16{65534, 65535, 0, 1}, 4, 0, 0},
		{"wrap with gap", []uint16{65534, 1, 2}, 3, 2, 0},
		{"reorder across wrap", []uint16{65534, 0, 65535, 1}, 4, 0, 0},
		{"late packet from before start", []uint16{10, 11, 9, 12}, 3, 0, 0},
		{"late packet from before start across wrap", []uint16{1, 2, 65535, 3}, 3, 0, 0},
		{"single jump is not loss", []uint16{1, 2, 3, 40000, 4, 5}, 5, 0, 0},
		{"renumbered sender starts a new run", []uint16{1, 2, 3, 40000, 40001, 40003}, 6, 1, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			var l lossTracker
			for _, s := range c.seqs {
				l.add(s)
			}
			if l.receivedUnique() != c.received || l.lost() != c.lost || l.duplicates != c.dups {
				t.Errorf("received %d lost %d duplicates %d, want %d, %d, %d",
					l.receivedUnique(), l.lost(), l.duplicates, c.received, c.lost, c.dups)
			}
		})
	}
}

func TestLossTrackerLongRun(t *testing.T) {
	// 200,000 packets wrap the 16-bit counter three times; one in a
	// thousand is lost and every hundredth pair is swapped.
	var l lossTracker
	seqs := make([]uint16, 0, 200000)
	for i := range 200000 {
		if i%1000 != 500 {
			seqs = append(seqs, uint16(i))
		}
	}
	for i := 50; i+1 < len(seqs); i += 100 {
		seqs[i], seqs[i+1] = seqs[i+1], seqs[i]
	}
	for _, s := range seqs {
		l.add(s)
	}
	if l.lost() != 200 || l.expected() != 200000 || l.duplicates != 0 {
		t.Fatalf("lost %d expected %d duplicates %d, want 200, 200000, 0", l.lost(), l.expected(), l.duplicates)
	}
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var ds []time.Duration
		for _, x := range v {
			ds = append(ds, time.Duration(x)*time.Millisecond)
		}
		return ds
	}
	for _, c := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample", ms(7), 99, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p95 of ten is the tenth", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 95, 10 * time.Millisecond},
		{"p90 of ten is the ninth", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},
		{"p100 is the max", ms(1, 2, 3), 100, 3 * time.Millisecond},
		{"p0 is the min", ms(1, 2, 3), 0, 1 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := percentile(c.sorted, c.p); got != c.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", c.sorted, c.p, got, c.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	s := summarize(ds)
	if s != (summary{N: 100, P50: 50, P95: 95, P99: 99, Max: 100}) {
		t.Fatalf("summary %+v", s)
	}
	if ds[0] != 100*time.Millisecond {
		t.Fatal("summarize sorted its input")
	}
	if summarize(nil) != (summary{}) {
		t.Fatal("summary of nothing is not zero")
	}
}
