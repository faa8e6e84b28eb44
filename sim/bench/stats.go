package bench

import (
	"math"
	"slices"
	"time"
)

// Limits of the loss tracker, after RFC 3550 Appendix A.1.
const (
	// maxDropout is the largest forward jump taken as loss rather than as a
	// sender that restarted its numbering.
	maxDropout = 3000
	// lossWindow is how far back (in packets) a late packet is still told
	// apart from a duplicate and counted; older ones are dropped as too late.
	lossWindow = 1024
)

// lossTracker counts RTP packets received and lost on one stream from
// their 16-bit sequence numbers: wrap-around, reordering and duplicates are
// handled; a jump of more than maxDropout confirmed by the next packet
// starts a new run (a sender that renumbered), without counting the jump
// as loss.
type lossTracker struct {
	started  bool
	base     uint64 // extended sequence number of the run's first packet
	highest  uint64 // highest extended sequence number of the run
	received uint64 // unique packets of the run
	seen     [lossWindow / 64]uint64

	// Earlier runs, and the candidate start of a new one.
	doneExpected, doneReceived uint64
	resyncs                    int
	badSeq                     uint16
	haveBad                    bool

	duplicates, late uint64
}

// add records one packet's sequence number.
func (l *lossTracker) add(seq uint16) {
	if !l.started {
		l.startRun(seq)
		return
	}
	delta := int64(int16(seq - uint16(l.highest)))
	ext := uint64(int64(l.highest) + delta)
	switch {
	case delta > 0 && delta <= maxDropout:
		l.haveBad = false
		if delta >= lossWindow {
			clear(l.seen[:])
		} else {
			for s := l.highest + 1; s < ext; s++ {
				l.mark(s, false)
			}
		}
		l.mark(ext, true)
		l.highest = ext
		l.received++
	case delta <= 0 && -delta < lossWindow:
		switch {
		case ext < l.base:
			l.late++ // from before the run started
		case l.isSeen(ext):
			l.duplicates++
		default:
			l.mark(ext, true)
			l.received++
		}
	default:
		if l.haveBad && seq == l.badSeq {
			l.doneExpected += l.runExpected()
			l.doneReceived += l.received
			l.resyncs++
			l.late-- // the packet that jumped was counted late; it starts the new run
			l.startRun(seq - 1)
			l.add(seq)
			return
		}
		l.badSeq, l.haveBad = seq+1, true
		l.late++
	}
}

func (l *lossTracker) startRun(seq uint16) {
	// Extended numbers start at 2^32 so that late packets of the first
	// cycle still compare below the base.
	l.started, l.base, l.highest, l.received = true, 1<<32|uint64(seq), 1<<32|uint64(seq), 1
	l.haveBad = false
	clear(l.seen[:])
	l.mark(l.base, true)
}

func (l *lossTracker) mark(ext uint64, on bool) {
	i, bit := (ext%lossWindow)/64, uint64(1)<<(ext%64)
	if on {
		l.seen[i] |= bit
	} else {
		l.seen[i] &^= bit
	}
}

func (l *lossTracker) isSeen(ext uint64) bool {
	return l.seen[(ext%lossWindow)/64]&(1<<(ext%64)) != 0
}

func (l *lossTracker) runExpected() uint64 {
	if !l.started {
		return 0
	}
	return l.highest - l.base + 1
}

// expected is the number of packets sent between the first and the highest
// of each run.
func (l *lossTracker) expected() uint64 { return l.doneExpected + l.runExpected() }

// receivedUnique is the number of distinct packets received.
func (l *lossTracker) receivedUnique() uint64 { return l.doneReceived + l.received }

// lost is expected minus received (never negative: duplicates are not counted).
func (l *lossTracker) lost() uint64 { return l.expected() - l.receivedUnique() }

// percentile returns the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank method: the smallest sample with at least p% of samples at
// or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// summary describes a set of durations, in milliseconds for people and JSON.
type summary struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// summarize sorts a copy of ds and takes its percentiles.
func summarize(ds []time.Duration) summary {
	if len(ds) == 0 {
		return summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return summary{
		N: len(s), P50: toMS(percentile(s, 50)), P95: toMS(percentile(s, 95)),
		P99: toMS(percentile(s, 99)), Max: toMS(s[len(s)-1]),
	}
}

func toMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
