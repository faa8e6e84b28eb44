package clip

import (
	"context"
	"errors"
	"slices"
	"time"

	"fieldwatch/sim/seistamp"
)

// ErrEmptyClip is returned by Player.Run for a clip without video or audio.
var ErrEmptyClip = errors.New("clip: nothing to play")

// PlayerOptions configure a Player.
type PlayerOptions struct {
	// Stamp inserts a seistamp SEI with Now() into every access unit.
	Stamp bool
	// Now is the wall clock used for stamps. It defaults to time.Now.
	Now func() time.Time
	// Speed scales the pace: 2 plays twice as fast as real time. Zero means 1.
	// Timestamps are unaffected; only tests should set it.
	Speed float64
}

// Player plays a clip in real time, looping forever.
type Player struct {
	clip  *Clip
	now   func() time.Time
	stamp bool
	speed float64
}

// NewPlayer returns a player of c. The clip is never modified.
func NewPlayer(c *Clip, opts PlayerOptions) *Player {
	p := &Player{clip: c, now: opts.Now, stamp: opts.Stamp, speed: opts.Speed}
	if p.now == nil {
		p.now = time.Now
	}
	if p.speed <= 0 {
		p.speed = 1
	}
	return p
}

// Run delivers access units and audio packets at their pace until ctx is
// done, then returns nil. Frames are scheduled from the start time, not by
// sleeping per frame, so the pace never drifts; a late callback makes the
// following frames go out at once until the schedule is met again.
//
// pts starts at zero and loop n adds n*Clip.Duration. Video comes before
// audio of the same pts. Each au is a fresh slice, but NAL unit and audio
// bytes are the clip's own: callbacks must not modify them. Callbacks run on
// the caller's goroutine, one at a time.
func (p *Player) Run(ctx context.Context,
	onVideo func(pts time.Duration, au [][]byte),
	onAudio func(pts time.Duration, pkt []byte),
) error {
	c := p.clip
	if len(c.Video) == 0 || len(c.Audio) == 0 || c.Duration <= 0 {
		return ErrEmptyClip
	}
	start := time.Now() // monotonic: pacing must not follow wall-clock steps
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C

	var vi, ai int // frames and packets sent since start, across loops
	for {
		vLoop, vIdx := vi/len(c.Video), vi%len(c.Video)
		vPTS := time.Duration(vLoop)*c.Duration + c.Video[vIdx].PTS
		aLoop, aIdx := ai/len(c.Audio), ai%len(c.Audio)
		aPTS := time.Duration(aLoop)*c.Duration + time.Duration(aIdx)*c.AudioFrameDuration
		pts := min(vPTS, aPTS)

		due := start.Add(time.Duration(float64(pts) / p.speed))
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return nil
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return nil
		}

		if vPTS <= aPTS {
			nalus := c.Video[vIdx].NALUs
			var au [][]byte
			if p.stamp {
				au = seistamp.Insert(nalus, p.now())
			} else {
				au = slices.Clone(nalus)
			}
			if onVideo != nil {
				onVideo(vPTS, au)
			}
			vi++
		} else {
			if onAudio != nil {
				onAudio(aPTS, c.Audio[aIdx])
			}
			ai++
		}
	}
}
