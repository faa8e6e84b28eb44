package segfile

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fieldwatch/sim/clip"
)

// writeClip records n frames of the test clip (with audio) into path,
// flushing a fragment at every keyframe after at least one second.
func writeClip(t *testing.T, path string, n int) *File {
	t.Helper()
	c := clip.Default()
	w, err := Create(path, Tracks{SPS: c.SPS, PPS: c.PPS, AudioChannels: 1})
	if err != nil {
		t.Fatal(err)
	}
	ai := 0
	for i := range n {
		au := c.Video[i%len(c.Video)]
		pts := time.Duration(i) * c.FrameDuration
		for ; time.Duration(ai)*c.AudioFrameDuration < pts; ai++ {
			w.Audio(time.Duration(ai)*c.AudioFrameDuration, c.Audio[ai%len(c.Audio)])
		}
		if err := w.Video(pts, au.NALUs); err != nil {
			t.Fatal(err)
		}
		if au.IDR && w.Buffered() >= time.Second {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	return w
}

func TestWriteParseRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.mp4")
	w := writeClip(t, path, 250)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st := w.Stats()
	if st.Frames != 250 || st.Duration != 10*time.Second {
		t.Fatalf("stats %+v, want 250 frames, 10s", st)
	}
	seg, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := seg.Stats()
	if got.Frames != 250 || got.AudioFrames < 490 || got.Duration != 10*time.Second {
		t.Fatalf("parsed stats %+v", got)
	}
	fi, _ := os.Stat(path)
	if fi.Size() != st.Size {
		t.Fatalf("file is %d bytes, writer says %d", fi.Size(), st.Size)
	}
	// Every fragment starts on a keyframe.
	for i, p := range seg.Parts {
		if p.Tracks[0].ID != VideoTrack || p.Tracks[0].Samples[0].IsNonSyncSample {
			t.Fatalf("fragment %d does not start with a keyframe", i)
		}
	}
}

func TestFirstFrameMustBeKeyframe(t *testing.T) {
	c := clip.Default()
	w, err := Create(filepath.Join(t.TempDir(), "a.mp4"), Tracks{SPS: c.SPS, PPS: c.PPS})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Video(0, c.Video[1].NALUs); err != ErrNotKeyframe {
		t.Fatalf("got %v, want ErrNotKeyframe", err)
	}
}

func TestRecoverTrimsTornFragment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "torn.mp4")
	w := writeClip(t, path, 130) // 5 whole fragments on disk, the 6th buffered
	onDisk := w.Stats()
	w.Abort()
	// A crash in the middle of writing the next fragment leaves half of it.
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte{0, 0, 0x40, 0, 'm', 'o', 'o', 'f', 1, 2, 3})
	f.Close()
	st, trimmed, err := Recover(path)
	if err != nil {
		t.Fatal(err)
	}
	if trimmed != 11 || st.Size != onDisk.Size || st.Frames != onDisk.Frames || st.Frames != 125 {
		t.Fatalf("recovered %+v trimmed %d; on disk before crash %+v", st, trimmed, onDisk)
	}
	if _, err := ReadFile(path); err != nil {
		t.Fatalf("recovered file does not parse: %v", err)
	}
	// A file cut inside its init block is beyond recovery.
	os.WriteFile(path, []byte{0, 0, 0, 20, 'f', 't', 'y', 'p'}, 0o644)
	if _, _, err := Recover(path); err == nil {
		t.Fatal("a file without an init block recovered")
	}
}

func FuzzParse(f *testing.F) {
	path := filepath.Join(f.TempDir(), "seed.mp4")
	c := clip.Default()
	w, _ := Create(path, Tracks{SPS: c.SPS, PPS: c.PPS, AudioChannels: 1})
	for i := range 30 {
		w.Video(time.Duration(i)*c.FrameDuration, c.Video[i].NALUs)
	}
	w.Close()
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		seg, err := Parse(data)
		if err == nil {
			_ = seg.Stats()
		}
	})
}
