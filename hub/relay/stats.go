package relay

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// streamStats are a stream's counters. The publisher's reader goroutine
// writes them; the stats loop turns them into rates once a second.
type streamStats struct {
	packets   atomic.Uint64 // RTP packets received (video + audio)
	bytes     atomic.Uint64 // payload bytes received
	frames    atomic.Uint64 // video access units (marker bits)
	lost      atomic.Uint64 // video packets missing from the sequence
	malformed atomic.Uint64
	plis      atomic.Uint64 // keyframe requests sent to the publisher
	lastRecv  atomic.Int64  // unix nanos of the last packet
	latency   atomic.Int64  // last capture-to-hub latency from an SEI stamp, ns; 0 unknown

	// Sequence tracking, owned by the video reader goroutine.
	seqInit bool
	maxSeq  uint16

	// Rates, owned by the stats loop (under mu).
	mu                     sync.Mutex
	prevPackets, prevBytes uint64
	prevFrames, prevLost   uint64
	prevAt                 time.Time
	bitrate, fps, lossPct  float64
	live                   bool
}

// video accounts for one video packet.
func (st *streamStats) video(p *packet, now time.Time, stamp func([]byte) (time.Time, bool)) {
	st.count(p, now)
	if p.hdr.Marker {
		st.frames.Add(1)
	}
	seq := p.hdr.SequenceNumber
	switch {
	case !st.seqInit:
		st.seqInit, st.maxSeq = true, seq
	case int16(seq-st.maxSeq) > 0:
		if gap := seq - st.maxSeq - 1; gap > 0 && gap < 1000 {
			st.lost.Add(uint64(gap))
		}
		st.maxSeq = seq
	}
	if stamp != nil {
		if nal := h264SEI(p.payload); nal != nil {
			if t, ok := stamp(nal); ok {
				st.latency.Store(max(int64(now.Sub(t)), 1))
			}
		}
	}
}

func (st *streamStats) audio(p *packet) { st.count(p, time.Now()) }

func (st *streamStats) count(p *packet, now time.Time) {
	st.packets.Add(1)
	st.bytes.Add(uint64(len(p.payload)))
	st.lastRecv.Store(now.UnixNano())
}

// liveWindow: a stream with no packet for this long is not live.
const liveWindow = 2 * time.Second

// tick updates the rates; it returns whether liveness changed.
func (st *streamStats) tick(now time.Time, publishing bool) (live, changed bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	pk, by, fr, lo := st.packets.Load(), st.bytes.Load(), st.frames.Load(), st.lost.Load()
	if !st.prevAt.IsZero() {
		dt := now.Sub(st.prevAt).Seconds()
		if dt > 0 {
			st.bitrate = float64(by-st.prevBytes) * 8 / dt
			st.fps = float64(fr-st.prevFrames) / dt
			dl, dp := float64(lo-st.prevLost), float64(pk-st.prevPackets)
			st.lossPct = 0
			if dl+dp > 0 {
				st.lossPct = 100 * dl / (dl + dp)
			}
		}
	}
	st.prevPackets, st.prevBytes, st.prevFrames, st.prevLost, st.prevAt = pk, by, fr, lo, now
	live = publishing && now.Sub(time.Unix(0, st.lastRecv.Load())) < liveWindow
	if !live {
		st.bitrate, st.fps = 0, 0
	}
	changed = live != st.live
	st.live = live
	return live, changed
}

// StreamStats describe one stream for the API and metrics.
type StreamStats struct {
	Vehicle, Camera  string
	Live             bool // publisher connected and media arriving
	Publishing       bool // a publisher session exists (it may be reconnecting)
	Viewers          int
	BitrateKbps      float64
	FPS              float64
	LossPct          float64 // video packets lost on the way from the publisher, last second
	LatencyMs        float64 // capture to hub, from SEI stamps; 0 when unknown
	PacketsReceived  uint64
	BytesReceived    uint64
	PacketsLost      uint64
	ViewerDrops      uint64 // packets dropped for slow viewers
	PacketsSent      uint64 // packets written to viewers
	BytesSent        uint64
	KeyframeRequests uint64
	VideoCodec       string
}

// Stats returns a snapshot of every stream, sorted by key.
func (r *Relay) Stats() []StreamStats {
	r.mu.Lock()
	streams := make([]*stream, 0, len(r.streams))
	for _, s := range r.streams {
		streams = append(streams, s)
	}
	r.mu.Unlock()
	out := make([]StreamStats, 0, len(streams))
	for _, s := range streams {
		out = append(out, s.snapshot())
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Vehicle != out[j].Vehicle {
			return out[i].Vehicle < out[j].Vehicle
		}
		return out[i].Camera < out[j].Camera
	})
	return out
}

func (s *stream) snapshot() StreamStats {
	st := &s.stats
	out := StreamStats{
		Vehicle:          s.key.Vehicle,
		Camera:           s.key.Camera,
		PacketsReceived:  st.packets.Load(),
		BytesReceived:    st.bytes.Load(),
		PacketsLost:      st.lost.Load(),
		KeyframeRequests: st.plis.Load(),
	}
	if c, ok := s.video.currentCodec(); ok {
		out.VideoCodec = c.MimeType
	}
	out.Publishing = s.publisher() != nil
	for _, v := range s.viewerList() {
		out.Viewers++
		for _, d := range v.tracks {
			out.ViewerDrops += d.dropped.Load()
			out.PacketsSent += d.sent.Load()
			out.BytesSent += d.sentB.Load()
		}
	}
	st.mu.Lock()
	out.Live, out.BitrateKbps, out.FPS, out.LossPct = st.live, st.bitrate/1000, st.fps, st.lossPct
	st.mu.Unlock()
	if out.Live {
		out.LatencyMs = float64(st.latency.Load()) / 1e6
	}
	return out
}

// statsLoop updates rates once a second and reports liveness changes.
func (r *Relay) statsLoop() {
	defer r.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case now := <-t.C:
			r.mu.Lock()
			streams := make([]*stream, 0, len(r.streams))
			for _, s := range r.streams {
				streams = append(streams, s)
			}
			r.mu.Unlock()
			for _, s := range streams {
				p := s.publisher()
				live, changed := s.stats.tick(now, p != nil && p.connected.Load())
				if changed && r.p.OnStreamChange != nil {
					r.p.OnStreamChange(s.key, live)
				}
			}
		}
	}
}
