package seistamp

import (
	"bytes"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

func TestRoundTrip(t *testing.T) {
	cases := map[string]time.Time{
		"now":        time.Now(),
		"epoch":      time.Unix(0, 0),
		"zeros":      time.Unix(0, 0x0000_0100_0000_0003), // forces emulation prevention
		"many zeros": time.Unix(0, 0x0100_0000_0000_0000),
		"max":        time.Unix(0, 1<<62),
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			n := NALU(want)
			if n[0] != 0x06 {
				t.Fatalf("header = %#x, want SEI 0x06", n[0])
			}
			if bytes.Contains(n, []byte{0, 0, 0}) || bytes.Contains(n, []byte{0, 0, 1}) || bytes.Contains(n, []byte{0, 0, 2}) {
				t.Fatalf("start code emulation left in %x", n)
			}
			got, ok := Parse(n)
			if !ok {
				t.Fatalf("Parse(%x) = false", n)
			}
			if !got.Equal(want) {
				t.Fatalf("Parse = %v, want %v", got, want)
			}
		})
	}
}

func TestEmulationPreventionMatchesMediacommon(t *testing.T) {
	n := NALU(time.Unix(0, 0x0000_0000_0100_0000))
	if !bytes.Contains(n, []byte{0, 0, 3}) {
		t.Fatalf("expected an emulation prevention byte in %x", n)
	}
	rbsp := h264.EmulationPreventionRemove(n[1:])
	if len(rbsp) != 2+payloadSize+1 || rbsp[0] != 5 || rbsp[1] != 24 || rbsp[len(rbsp)-1] != 0x80 {
		t.Fatalf("unexpected rbsp %x", rbsp)
	}
	if !bytes.Equal(rbsp[2:18], UUID[:]) {
		t.Fatalf("uuid = %x", rbsp[2:18])
	}
}

func TestParseRejects(t *testing.T) {
	other := NALU(time.Now())
	other[3] ^= 0xff // corrupt the UUID
	cases := map[string][]byte{
		"empty":        nil,
		"header only":  {0x06},
		"idr":          {0x65, 0x88, 0x84, 0x00},
		"sps":          {0x67, 0x42, 0xc0, 0x1e},
		"other uuid":   other,
		"truncated":    NALU(time.Now())[:10],
		"x264 version": append([]byte{0x06, 0x05, 0x11}, make([]byte, 17)...),
		"ff run":       {0x06, 0xff, 0xff, 0xff},
	}
	for name, n := range cases {
		t.Run(name, func(t *testing.T) {
			if _, ok := Parse(n); ok {
				t.Fatalf("Parse(%x) = true", n)
			}
		})
	}
}

func TestParseSecondMessage(t *testing.T) {
	// An SEI with a recovery point message (type 6, size 1) before ours.
	want := time.Unix(1_700_000_000, 123)
	stamp := NALU(want)
	n := append([]byte{0x06, 0x06, 0x01, 0x84}, stamp[1:]...)
	got, ok := Parse(n)
	if !ok || !got.Equal(want) {
		t.Fatalf("Parse = %v %v, want %v", got, ok, want)
	}
}

func TestInsert(t *testing.T) {
	aud := []byte{0x09, 0xf0}
	sps := []byte{0x67, 0x42, 0xc0, 0x1e}
	pps := []byte{0x68, 0xce, 0x3c, 0x80}
	idr := []byte{0x65, 0x88, 0x84}
	nonIDR := []byte{0x41, 0x9a}
	t1 := time.Unix(1_700_000_000, 5)
	t2 := t1.Add(time.Second)

	t.Run("idr", func(t *testing.T) {
		au := [][]byte{aud, sps, pps, idr}
		out := Insert(au, t1)
		if len(out) != 5 || !bytes.Equal(out[3], NALU(t1)) || !bytes.Equal(out[4], idr) {
			t.Fatalf("Insert = %x", out)
		}
		if len(au) != 4 || !bytes.Equal(au[3], idr) {
			t.Fatalf("input modified: %x", au)
		}
		got, ok := FromAU(out)
		if !ok || !got.Equal(t1) {
			t.Fatalf("FromAU = %v %v", got, ok)
		}
	})
	t.Run("restamp replaces", func(t *testing.T) {
		out := Insert(Insert([][]byte{nonIDR}, t1), t2)
		if len(out) != 2 {
			t.Fatalf("len = %d, want 2", len(out))
		}
		got, ok := FromAU(out)
		if !ok || !got.Equal(t2) {
			t.Fatalf("FromAU = %v %v, want %v", got, ok, t2)
		}
	})
	t.Run("no vcl", func(t *testing.T) {
		out := Insert([][]byte{sps, pps}, t1)
		if len(out) != 3 || !bytes.Equal(out[2], NALU(t1)) {
			t.Fatalf("Insert = %x", out)
		}
	})
	t.Run("unstamped", func(t *testing.T) {
		if _, ok := FromAU([][]byte{aud, idr}); ok {
			t.Fatal("FromAU found a stamp in an unstamped access unit")
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add(NALU(time.Unix(0, 0)))
	f.Add(NALU(time.Unix(1_700_000_000, 1)))
	f.Add([]byte{0x06, 0xff, 0xff, 0x05, 0x18})
	f.Add([]byte{0x06, 0x05, 0xff, 0xff, 0xff, 0x10})
	f.Add([]byte{0x65, 0x00, 0x00, 0x03})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, n []byte) {
		ts, ok := Parse(n)
		if !ok {
			return
		}
		// Whatever parsed must be re-encodable and parse back the same.
		back, ok := Parse(NALU(ts))
		if !ok || !back.Equal(ts) {
			t.Fatalf("round trip of %v failed: %v %v", ts, back, ok)
		}
	})
}
