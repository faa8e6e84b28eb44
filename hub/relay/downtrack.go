package relay

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// burstFrameTicks spaces the frames of a fast-start burst 1 ms apart (in
// 90 kHz ticks), so the browser decodes the cached GOP at once instead of
// playing it a second behind live.
const burstFrameTicks = 90

// downTrack is one track of one viewer: a bounded queue filled by the
// forwarder and drained by the viewer's writer goroutine.
type downTrack struct {
	track    *viewerTrack
	fwd      *forwarder
	video    bool
	clock    uint32
	queue    chan *packet
	resync   atomic.Bool   // queue overflowed: skip to the next keyframe
	dropped  atomic.Uint64 // packets dropped because the queue was full
	sent     atomic.Uint64
	sentB    atomic.Uint64
	keyframe func() // asks the publisher for a keyframe

	// Owned by the writer goroutine.
	rw      rewriter
	waitKey bool
	hdr     rtp.Header
}

func newDownTrack(track *viewerTrack, fwd *forwarder, queue int, keyframe func()) *downTrack {
	c, _ := fwd.currentCodec()
	return &downTrack{
		track:    track,
		fwd:      fwd,
		video:    fwd.kind == webrtc.RTPCodecTypeVideo,
		clock:    c.ClockRate,
		queue:    make(chan *packet, queue),
		keyframe: keyframe,
	}
}

// enqueue never blocks: a full queue drops the packet and makes the viewer
// resynchronise on the next keyframe.
func (d *downTrack) enqueue(p *packet) {
	select {
	case d.queue <- p:
	default:
		d.dropped.Add(1)
		if d.video && !d.resync.Swap(true) {
			d.keyframe()
		}
	}
}

// run joins the forwarder, sends the fast-start burst, then forwards live
// packets until ctx ends.
func (d *downTrack) run(ctx context.Context) {
	burst := d.fwd.join(d)
	defer d.fwd.leave(d)
	if d.video {
		if len(burst) == 0 {
			d.waitKey = true
			d.keyframe()
		} else if !d.sendBurst(ctx, burst) {
			return
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-d.queue:
			d.forward(p)
		}
	}
}

// readyPoll and readyWait bound the wait for a viewer's SRTP session,
// which pion starts just after it reports the connection up (and drops
// packets silently until then).
const (
	readyPoll = 5 * time.Millisecond
	readyWait = 3 * time.Second
)

// sendBurst writes the cached GOP with timestamps squeezed 1 ms apart,
// ending on the newest frame's own timestamp so live packets follow on.
// Its first packet is retried until the viewer's transport really sends.
func (d *downTrack) sendBurst(ctx context.Context, burst []*packet) bool {
	// Count frames after each packet, walking backwards.
	after := make([]uint32, len(burst))
	frames := uint32(0)
	for i := len(burst) - 1; i >= 0; i-- {
		if i < len(burst)-1 && burst[i].hdr.Timestamp != burst[i+1].hdr.Timestamp {
			frames++
		}
		after[i] = frames
	}
	last := burst[len(burst)-1].hdr.Timestamp
	deadline := time.Now().Add(readyWait)
	for {
		err := d.write(burst[0], last-after[0]*burstFrameTicks, time.Now())
		if !errors.Is(err, errNotReady) || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(readyPoll):
		}
	}
	now := time.Now()
	for i := 1; i < len(burst); i++ {
		_ = d.write(burst[i], last-after[i]*burstFrameTicks, now)
	}
	return true
}

// forward writes one live packet, skipping to a keyframe when needed.
func (d *downTrack) forward(p *packet) {
	if d.video {
		if d.resync.Swap(false) {
			d.waitKey = true
		}
		if d.waitKey {
			if !p.keyframe {
				d.rw.skip()
				return
			}
			d.waitKey = false
		}
	}
	_ = d.write(p, p.hdr.Timestamp, time.Now())
}

func (d *downTrack) write(p *packet, ts uint32, now time.Time) error {
	d.hdr = p.hdr
	d.hdr.SequenceNumber, d.hdr.Timestamp = d.rw.rewrite(p.gen, p.hdr.SequenceNumber, ts, now, d.clock)
	err := d.track.write(&d.hdr, p.payload)
	if err == nil {
		d.sent.Add(1)
		d.sentB.Add(uint64(len(p.payload)))
	}
	return err
}
