package relay

import (
	"testing"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// A viewer that never drains its queue must not hold up the publisher or
// the other viewers: push never blocks, drops are counted, and the stuck
// viewer asks for a keyframe to resynchronise.
func TestSlowViewerNeverBlocks(t *testing.T) {
	f := newForwarder(webrtc.RTPCodecTypeVideo, 1<<20)
	f.setCodec(h264Cap)
	keyframes := 0
	stuck := newDownTrack(nil, f, 16, func() { keyframes++ })
	healthy := newDownTrack(nil, f, 20000, func() {})
	f.join(stuck)
	f.join(healthy)
	const n = 10000
	for i := range n {
		payload := []byte{0x41, 0}
		if i%25 == 0 {
			payload = []byte{0x65, 0x88}
		}
		p := &packet{hdr: rtp.Header{SequenceNumber: uint16(i), Timestamp: uint32(i) * 3600}, payload: payload}
		p.keyframe = h264KeyframeStart(p.payload)
		f.push(p)
	}
	if got := len(healthy.queue); got != n {
		t.Fatalf("healthy viewer got %d of %d packets", got, n)
	}
	if got := stuck.dropped.Load(); got != n-16 {
		t.Fatalf("stuck viewer dropped %d, want %d", got, n-16)
	}
	if keyframes != 1 {
		t.Fatalf("stuck viewer asked for %d keyframes, want 1 until it resynchronises", keyframes)
	}
	if !stuck.resync.Load() {
		t.Fatal("stuck viewer not marked for resync")
	}
}

func TestGOPCacheStartsAtKeyframeAndIsBounded(t *testing.T) {
	f := newForwarder(webrtc.RTPCodecTypeVideo, 100)
	push := func(seq uint16, ts uint32, payload []byte) {
		p := &packet{hdr: rtp.Header{SequenceNumber: seq, Timestamp: ts}, payload: payload}
		p.keyframe = h264KeyframeStart(payload)
		f.push(p)
	}
	push(1, 0, []byte{0x41, 1}) // P frame before any keyframe: not cached
	if b := f.join(newDownTrack(nil, f, 8, func() {})); len(b) != 0 {
		t.Fatalf("cache before keyframe: %d packets", len(b))
	}
	push(2, 3600, []byte{0x67, 1}) // SPS
	push(3, 3600, []byte{0x65, 1}) // IDR, same access unit
	push(4, 7200, []byte{0x41, 2})
	b := f.join(newDownTrack(nil, f, 8, func() {}))
	if len(b) != 3 || b[0].hdr.SequenceNumber != 2 {
		t.Fatalf("cache = %d packets starting %v", len(b), b)
	}
	push(5, 10800, make([]byte, 200)) // overflow
	if b := f.join(newDownTrack(nil, f, 8, func() {})); len(b) != 0 {
		t.Fatalf("overflowed cache still served %d packets", len(b))
	}
}

func TestRewriterContinuesAcrossGenerations(t *testing.T) {
	var w rewriter
	now := timeAt(0)
	s1, t1 := w.rewrite(1, 100, 9000, now, 90000)
	s2, t2 := w.rewrite(1, 101, 12600, now, 90000)
	if s2 != s1+1 || t2-t1 != 3600 {
		t.Fatalf("same generation: %d,%d -> %d,%d", s1, t1, s2, t2)
	}
	s3, t3 := w.rewrite(2, 60000, 5, timeAt(500), 90000)
	if s3 != s2+1 {
		t.Fatalf("new generation seq %d, want %d", s3, s2+1)
	}
	if d := t3 - t2; d < 44000 || d > 46000 {
		t.Fatalf("new generation ts advances %d ticks, want about 0.5 s", d)
	}
	w.skip()
	s4, _ := w.rewrite(2, 60002, 3605, timeAt(540), 90000)
	if s4 != s3+1 {
		t.Fatalf("after a skipped packet seq %d, want %d", s4, s3+1)
	}
}
