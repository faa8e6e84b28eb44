package clip

import (
	"context"
	"testing"
	"time"

	"fieldwatch/sim/seistamp"
)

func TestPlayerLoopsContinuously(t *testing.T) {
	c := Default()
	nalus0 := len(c.Video[0].NALUs)
	const speed = 40 // one 4 s loop in 100 ms
	stop := c.Duration + 400*time.Millisecond

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var (
		videoPTS, audioPTS []time.Duration
		lastAny            time.Duration = -1
		lastStamp          time.Time
		order              bool = true
		start                   = time.Now()
		early              time.Duration
	)
	p := NewPlayer(c, PlayerOptions{Stamp: true, Speed: speed})
	err := p.Run(ctx, func(pts time.Duration, au [][]byte) {
		if pts < lastAny {
			order = false
		}
		lastAny = pts
		if ahead := time.Duration(float64(pts)/speed) - time.Since(start); ahead > early {
			early = ahead
		}
		ts, ok := seistamp.FromAU(au)
		if !ok {
			t.Errorf("frame at %v has no stamp", pts)
		} else if ts.Before(lastStamp) {
			t.Errorf("stamp went back at %v", pts)
		}
		lastStamp = ts
		if len(videoPTS)%len(c.Video) == 0 && len(au) != nalus0+1 {
			t.Errorf("loop start frame %d: %d NALUs, want the clip's first %d plus a stamp", len(videoPTS), len(au), nalus0)
		}
		videoPTS = append(videoPTS, pts)
		if pts >= stop {
			cancel()
		}
	}, func(pts time.Duration, pkt []byte) {
		if pts < lastAny {
			order = false
		}
		lastAny = pts
		audioPTS = append(audioPTS, pts)
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if ctx.Err() == context.DeadlineExceeded {
		t.Fatal("player did not reach the second loop in time")
	}
	if !order {
		t.Error("callbacks not in pts order")
	}
	if early > 0 {
		t.Errorf("a frame went out %v before its time", early)
	}
	for i, pts := range videoPTS {
		if want := time.Duration(i) * c.FrameDuration; pts != want {
			t.Fatalf("video %d pts = %v, want %v", i, pts, want)
		}
	}
	if len(videoPTS) <= len(c.Video) {
		t.Fatalf("only %d frames, no loop boundary crossed", len(videoPTS))
	}
	for i, pts := range audioPTS {
		if want := time.Duration(i) * c.AudioFrameDuration; pts != want {
			t.Fatalf("audio %d pts = %v, want %v", i, pts, want)
		}
	}
	if len(audioPTS) <= len(c.Audio) {
		t.Fatalf("only %d audio packets, no loop boundary crossed", len(audioPTS))
	}
	if len(c.Video[0].NALUs) != nalus0 {
		t.Fatal("player modified the shared clip")
	}
	if _, ok := seistamp.FromAU(c.Video[0].NALUs); ok {
		t.Fatal("player stamped the shared clip")
	}
}

func TestPlayerRealTimePaceAndStop(t *testing.T) {
	c := Default()
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	var frames int
	done := make(chan error, 1)
	go func() {
		done <- NewPlayer(c, PlayerOptions{}).Run(ctx, func(pts time.Duration, au [][]byte) {
			if _, ok := seistamp.FromAU(au); ok {
				t.Error("unstamped player stamped")
			}
			frames++
			if pts >= 200*time.Millisecond {
				cancel()
			}
		}, nil)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		cancel()
		t.Fatal("Run did not return after cancel")
	}
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Fatalf("6 frames played in %v, faster than real time", elapsed)
	}
	if frames != 6 {
		t.Fatalf("frames = %d, want 6 (0..200 ms)", frames)
	}
}

func TestPlayerEmpty(t *testing.T) {
	if err := NewPlayer(&Clip{}, PlayerOptions{}).Run(context.Background(), nil, nil); err != ErrEmptyClip {
		t.Fatalf("Run = %v, want ErrEmptyClip", err)
	}
}
