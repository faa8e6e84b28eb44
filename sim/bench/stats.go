package bench

import (
	"math"
	"sort"
	"time"
)

// lossTracker counts RTP packets lost from sequence numbers, handling
// wrap-around, reordering and duplicates.
type lossTracker struct {
	started  bool
	base     uint64 // first extended sequence number
	highest  uint64 // highest extended sequence number seen
	cycles   uint64
	last     uint16
	received uint64
	seen     map[uint64]bool // recent sequence numbers, for duplicates
}

// add records one packet's sequence number.
func (l *lossTracker) add(seq uint16) {
	if !l.started {
		l.started, l.last = true, seq
		l.base, l.highest = uint64(seq), uint64(seq)
		l.seen = map[uint64]bool{uint64(seq): true}
		l.received = 1
		return
	}
	ext := l.cycles + uint64(seq)
	switch diff := int16(seq - l.last); {
	case diff > 0:
		if seq < l.last { // wrapped
			l.cycles += 1 << 16
			ext = l.cycles + uint64(seq)
		}
		l.last = seq
	default:
		// Reordered: it belongs to the current cycle, or the previous one.
		if seq > l.last && l.cycles > 0 {
			ext -= 1 << 16
		}
	}
	if ext < l.base || l.seen[ext] {
		return // before the start, or a duplicate
	}
	l.seen[ext] = true
	if len(l.seen) > 4096 {
		for k := range l.seen {
			if k+2048 < l.highest {
				delete(l.seen, k)
			}
		}
	}
	l.received++
	l.highest = max(l.highest, ext)
}

// expected is the number of packets between the first and the highest.
func (l *lossTracker) expected() uint64 {
	if !l.started {
		return 0
	}
	return l.highest - l.base + 1
}

// lost is expected minus received, never negative.
func (l *lossTracker) lost() uint64 {
	if e := l.expected(); e > l.received {
		return e - l.received
	}
	return 0
}

// percentile returns the p-th percentile (0..100) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// summary describes a set of durations.
type summary struct {
	N                  int
	P50, P95, P99, Max time.Duration
}

func summarize(ds []time.Duration) summary {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return summary{}
	}
	return summary{N: len(s), P50: percentile(s, 50), P95: percentile(s, 95), P99: percentile(s, 99), Max: s[len(s)-1]}
}
