package capture

import (
	"bytes"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/format"

	"fieldwatch/sim/clip"
)

func newTracks(t *testing.T, sps, pps []byte) *tracks {
	t.Helper()
	tr := &tracks{h264: &format.H264{PayloadTyp: 96, PacketizationMode: 1, SPS: sps, PPS: pps}}
	if err := tr.initDecoders(); err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestWithParams(t *testing.T) {
	c := clip.Default()
	idr := []byte{0x65, 0x88, 0x84}
	nonIDR := []byte{0x41, 0x9a}
	aud := []byte{0x09, 0xf0}

	t.Run("sdp only", func(t *testing.T) {
		tr := newTracks(t, c.SPS, c.PPS)
		if tr.width != 640 || tr.height != 360 {
			t.Fatalf("size from SDP SPS = %dx%d", tr.width, tr.height)
		}
		out := tr.withParams([][]byte{aud, idr})
		want := [][]byte{c.SPS, c.PPS, aud, idr}
		if !equalAU(out, want) {
			t.Fatalf("withParams = %x, want %x", out, want)
		}
		if out := tr.withParams([][]byte{nonIDR}); !equalAU(out, [][]byte{nonIDR}) {
			t.Fatalf("non-IDR changed: %x", out)
		}
	})
	t.Run("in band", func(t *testing.T) {
		tr := newTracks(t, nil, nil)
		if out := tr.withParams([][]byte{idr}); !equalAU(out, [][]byte{idr}) {
			t.Fatalf("params invented: %x", out)
		}
		in := [][]byte{c.SPS, c.PPS, idr}
		if out := tr.withParams(in); !equalAU(out, in) {
			t.Fatalf("complete IDR changed: %x", out)
		}
		if tr.width != 640 || !bytes.Equal(tr.pps, c.PPS) {
			t.Fatalf("in-band params not learnt: %dx%d", tr.width, tr.height)
		}
		if out := tr.withParams([][]byte{idr}); !equalAU(out, [][]byte{c.SPS, c.PPS, idr}) {
			t.Fatalf("learnt params not prepended: %x", out)
		}
	})
}

func equalAU(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func FuzzWithParams(f *testing.F) {
	c := clip.Default()
	f.Add(c.SPS, c.PPS, []byte{0x65, 0x88})
	f.Add([]byte{0x67}, []byte{0x68}, []byte{0x65})
	f.Add([]byte{0x67, 0xff, 0xff, 0xff}, []byte{}, []byte{0x41})
	f.Fuzz(func(t *testing.T, a, b, d []byte) {
		tr := &tracks{}
		in := [][]byte{a, b, d}
		out := tr.withParams(in)
		if len(out) < len(in) || !equalAU(out[len(out)-len(in):], in) {
			t.Fatalf("access unit not kept in order: %x -> %x", in, out)
		}
	})
}

func TestTimeline(t *testing.T) {
	var tl timeline
	t0 := time.Unix(1000, 0)
	tl.newSession()
	if got := tl.out(0, t0); got != 0 {
		t.Fatalf("first pts = %v, want 0", got)
	}
	if got := tl.out(2*time.Second, t0.Add(2*time.Second)); got != 2*time.Second {
		t.Fatalf("pts = %v, want 2s", got)
	}
	// Reconnect after a 3 s outage; the camera's session time starts again.
	tl.newSession()
	t1 := t0.Add(5 * time.Second)
	if got := tl.out(0, t1); got != 5*time.Second {
		t.Fatalf("first pts after outage = %v, want 5s", got)
	}
	if got := tl.out(-time.Second, t1); got != 5*time.Second {
		t.Fatalf("negative session pts gave %v, want clamped to 5s", got)
	}
	if got := tl.out(40*time.Millisecond, t1.Add(40*time.Millisecond)); got != 5*time.Second+40*time.Millisecond {
		t.Fatalf("pts = %v", got)
	}
	// An immediate reconnect still moves forward.
	tl.newSession()
	if got := tl.out(0, t1.Add(40*time.Millisecond)); got <= 5*time.Second+40*time.Millisecond {
		t.Fatalf("pts after instant reconnect = %v, not after the last", got)
	}
}

func TestBackoff(t *testing.T) {
	limit := 4 * time.Second
	for attempt, hi := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second} {
		for range 50 {
			d := retryPolicy(limit).Delay(attempt)
			if d < hi/2 || d > hi {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, hi/2, hi)
			}
		}
	}
	if d := retryPolicy(limit).Delay(1000); d > limit {
		t.Fatalf("huge attempt: %v above cap", d)
	}
	if d := retryPolicy(100 * time.Millisecond).Delay(0); d > 100*time.Millisecond {
		t.Fatalf("cap below backoffMin not honoured: %v", d)
	}
}

func TestTicksToDuration(t *testing.T) {
	cases := []struct {
		ticks int64
		rate  int
		want  time.Duration
	}{
		{3600, 90000, 40 * time.Millisecond},
		{960, 48000, 20 * time.Millisecond},
		{90000 * 3600 * 24 * 400, 90000, 400 * 24 * time.Hour},
		{-90000, 90000, -time.Second},
	}
	for _, tc := range cases {
		if got := ticksToDuration(tc.ticks, tc.rate); got != tc.want {
			t.Errorf("ticksToDuration(%d, %d) = %v, want %v", tc.ticks, tc.rate, got, tc.want)
		}
	}
}
