package relay

import "time"

// rewriter keeps one viewer's sequence numbers and timestamps continuous
// when the publisher behind a stream changes (a vehicle reconnecting with a
// new session), and hides packets the relay chose not to send.
type rewriter struct {
	started   bool
	gen       uint32
	seqOffset uint16
	tsOffset  uint32
	lastSeq   uint16
	lastTs    uint32
	lastWall  time.Time
}

// rewrite maps a publisher's (seq, ts) to the viewer's.
func (w *rewriter) rewrite(gen uint32, seq uint16, ts uint32, now time.Time, clock uint32) (uint16, uint32) {
	switch {
	case !w.started:
		w.started, w.gen = true, gen
	case gen != w.gen:
		// Continue right after the last packet sent, with the time that
		// really passed, so the browser's jitter buffer stays sane.
		w.gen = gen
		w.seqOffset = w.lastSeq + 1 - seq
		gap := uint32(now.Sub(w.lastWall).Seconds() * float64(clock))
		if gap == 0 {
			gap = 1
		}
		w.tsOffset = w.lastTs + gap - ts
	}
	outSeq, outTs := seq+w.seqOffset, ts+w.tsOffset
	if int16(outSeq-w.lastSeq) > 0 || w.lastWall.IsZero() {
		w.lastSeq, w.lastTs, w.lastWall = outSeq, outTs, now
	}
	return outSeq, outTs
}

// skip accounts for a packet deliberately not sent, so the viewer sees no gap.
func (w *rewriter) skip() {
	if w.started {
		w.seqOffset--
	}
}
