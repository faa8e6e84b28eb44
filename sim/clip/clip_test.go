package clip

import (
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

func TestDefaultVideo(t *testing.T) {
	c := Default()
	if c != Default() {
		t.Fatal("Default is not cached")
	}
	var sps h264.SPS
	if err := sps.Unmarshal(c.SPS); err != nil {
		t.Fatalf("SPS: %v", err)
	}
	if sps.Width() != 640 || sps.Height() != 360 || c.Width != 640 || c.Height != 360 {
		t.Fatalf("size = %dx%d (clip %dx%d), want 640x360", sps.Width(), sps.Height(), c.Width, c.Height)
	}
	// Constrained Baseline: profile_idc 66 with constraint_set1_flag.
	if sps.ProfileIdc != 66 || !sps.ConstraintSet1Flag {
		t.Fatalf("profile %d cs1 %v, want Constrained Baseline", sps.ProfileIdc, sps.ConstraintSet1Flag)
	}
	if fps := sps.FPS(); fps != 25 {
		t.Fatalf("fps = %v, want 25", fps)
	}
	if c.FrameDuration != 40*time.Millisecond {
		t.Fatalf("FrameDuration = %v", c.FrameDuration)
	}
	if len(c.Video) != 100 || c.Duration != 4*time.Second {
		t.Fatalf("%d frames, %v; want 100 frames, 4s", len(c.Video), c.Duration)
	}

	bytes := 0
	for i, au := range c.Video {
		if want := i%25 == 0; au.IDR != want {
			t.Fatalf("frame %d IDR = %v, want %v", i, au.IDR, want)
		}
		if au.PTS != time.Duration(i)*40*time.Millisecond {
			t.Fatalf("frame %d PTS = %v", i, au.PTS)
		}
		slices := 0
		var hasSPS, hasPPS bool
		for _, n := range au.NALUs {
			bytes += len(n)
			switch typ := h264.NALUType(n[0] & 0x1f); typ {
			case h264.NALUTypeIDR, h264.NALUTypeNonIDR:
				slices++
			case h264.NALUTypeSPS:
				hasSPS = true
			case h264.NALUTypePPS:
				hasPPS = true
			}
		}
		if slices != 1 {
			t.Fatalf("frame %d has %d slices, want 1", i, slices)
		}
		if au.IDR && (!hasSPS || !hasPPS) {
			t.Fatalf("IDR frame %d lacks SPS/PPS (repeat-headers)", i)
		}
		if !au.IDR && h264.IsRandomAccess(au.NALUs) {
			t.Fatalf("frame %d is random access but not marked IDR", i)
		}
	}
	bitrate := float64(bytes*8) / c.Duration.Seconds()
	t.Logf("video bitrate %.0f bit/s", bitrate)
	if bitrate < 1.2e6 || bitrate > 1.8e6 {
		t.Fatalf("bitrate %.0f bit/s outside 1.2-1.8 Mbit/s", bitrate)
	}
}

func TestDefaultAudio(t *testing.T) {
	c := Default()
	if len(c.Audio) != 200 || c.AudioFrameDuration != 20*time.Millisecond {
		t.Fatalf("%d packets of %v, want 200 of 20ms", len(c.Audio), c.AudioFrameDuration)
	}
	for i, pkt := range c.Audio {
		// RFC 6716 Sec. 3.1 TOC byte: config 0..31; 20 ms frames are configs
		// 1,5,9,13 (SILK), 15 (hybrid), 19,23,27,31 (CELT); code 0 = one frame.
		config, code := pkt[0]>>3, pkt[0]&3
		is20ms := config == 15 || (config < 12 && config%4 == 1) || (config >= 16 && config%4 == 3)
		if !is20ms || code != 0 {
			t.Fatalf("packet %d TOC %#x: config %d code %d, want one 20 ms frame", i, pkt[0], config, code)
		}
	}
}

func TestParseRejects(t *testing.T) {
	c := Default()
	cases := map[string]struct {
		h264, ogg []byte
	}{
		"no AUD":      {[]byte{0, 0, 0, 1, 0x65, 0x88}, clipOgg},
		"empty video": {nil, clipOgg},
		"no SPS":      {[]byte{0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x65, 0x88}, clipOgg},
		"short audio": {clipH264, clipOgg[:len(clipOgg)/2]},
		"no ogg":      {clipH264, []byte("not ogg")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(tc.h264, tc.ogg); err == nil {
				t.Fatal("Parse succeeded")
			}
		})
	}
	if len(c.Video) != 100 {
		t.Fatal("Default clip changed by Parse")
	}
}
