package relay

import (
	"context"
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
	track    *webrtc.TrackLocalStaticRTP
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
	out     rtp.Packet
}

func newDownTrack(track *webrtc.TrackLocalStaticRTP, fwd *forwarder, queue int, keyframe func()) *downTrack {
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
		}
		d.sendBurst(burst)
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

// sendBurst writes the cached GOP with timestamps squeezed 1 ms apart,
// ending on the newest frame's own timestamp so live packets follow on.
func (d *downTrack) sendBurst(burst []*packet) {
	if len(burst) == 0 {
		return
	}
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
	now := time.Now()
	for i, p := range burst {
		d.write(p, last-after[i]*burstFrameTicks, now)
	}
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
	d.write(p, p.hdr.Timestamp, time.Now())
}

func (d *downTrack) write(p *packet, ts uint32, now time.Time) {
	d.out.Header = p.hdr
	d.out.Payload = p.payload
	d.out.SequenceNumber, d.out.Timestamp = d.rw.rewrite(p.gen, p.hdr.SequenceNumber, ts, now, d.clock)
	if err := d.track.WriteRTP(&d.out); err == nil {
		d.sent.Add(1)
		d.sentB.Add(uint64(len(p.payload)))
	}
}
