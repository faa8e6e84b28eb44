package relay

import (
	"errors"
	"testing"
)

func TestH264KeyframeStart(t *testing.T) {
	for _, c := range []struct {
		name    string
		payload []byte
		want    bool
	}{
		{"sps", []byte{0x67, 0x42}, true},
		{"idr", []byte{0x65, 0x88}, true},
		{"p slice", []byte{0x41, 0x9a}, false},
		{"stap-a with sps", []byte{0x18, 0, 2, 0x67, 0x42, 0, 2, 0x68, 0xce}, true},
		{"stap-a sei only", []byte{0x18, 0, 2, 0x06, 0x05}, false},
		{"stap-a truncated", []byte{0x18, 0, 9, 0x67}, false},
		{"fu-a idr start", []byte{0x7c, 0x85}, true},
		{"fu-a idr middle", []byte{0x7c, 0x05}, false},
		{"fu-a p start", []byte{0x7c, 0x81}, false},
		{"empty", nil, false},
	} {
		if got := h264KeyframeStart(c.payload); got != c.want {
			t.Errorf("%s: got %v", c.name, got)
		}
	}
}

func FuzzH264Parsers(f *testing.F) {
	f.Add([]byte{0x18, 0, 2, 0x06, 0x05, 0, 2, 0x67, 0x42})
	f.Add([]byte{0x7c, 0x85, 1})
	f.Add([]byte{0x06, 0x05, 0x10})
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = h264KeyframeStart(b)
		if sei := h264SEI(b); sei != nil && sei[0]&0x1f != naluSEI {
			t.Fatalf("h264SEI returned NAL type %d", sei[0]&0x1f)
		}
	})
}

func FuzzParsePacket(f *testing.F) {
	f.Add([]byte{0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x65})
	f.Add([]byte{0xa0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x65, 0, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parsePacket(b)
		if err == nil && len(p.payload) > len(b) {
			t.Fatal("payload longer than input")
		}
	})
}

// FuzzCheckOffer feeds the relay's first look at an SDP offer.
func FuzzCheckOffer(f *testing.F) {
	f.Add("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n")
	f.Add("v=0\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		if err := checkOffer(s); err != nil && !errors.Is(err, ErrBadOffer) {
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}
