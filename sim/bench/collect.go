package bench

import "time"

// collect adds the viewers' measured-window counts to r and counts the
// viewers up. A started viewer is not up when its connection failed, it never received a
// complete keyframe, or it received no complete frame while measured.
func (r *Report) collect(viewers []*viewer, measured time.Duration) {
	var ttff, lat []time.Duration
	var bytes uint64
	var vExp, vGot, aExp, aGot uint64
	for _, v := range viewers {
		v.mu.Lock()
		ok := !v.failed && !v.firstAt.IsZero() && v.frames > 0
		if !v.firstAt.IsZero() {
			ttff = append(ttff, v.firstAt.Sub(v.posted))
		}
		r.Frames += v.frames
		r.FramesIncomplete += v.broken
		r.Keyframes += v.keys
		r.VideoPackets += v.video.packets
		r.AudioPackets += v.audio.packets
		vExp, vGot = vExp+v.video.loss.expected(), vGot+v.video.loss.receivedUnique()
		aExp, aGot = aExp+v.audio.loss.expected(), aGot+v.audio.loss.receivedUnique()
		bytes += v.video.bytes + v.audio.bytes
		lat = append(lat, v.lat...)
		v.mu.Unlock()
		if ok {
			r.Viewers.Up++
		} else {
			v.log.Warn("viewer failed", "connection_failed", v.failed, "first_frame", !v.firstAt.IsZero())
		}
	}
	r.PacketsLost = (vExp - vGot) + (aExp - aGot)
	r.LossPct = pct(vExp-vGot+aExp-aGot, vExp+aExp)
	r.VideoLossPct = pct(vExp-vGot, vExp)
	r.AudioLossPct = pct(aExp-aGot, aExp)
	r.TTFF, r.Latency = summarize(ttff), summarize(lat)
	sec := measured.Seconds()
	if n := len(viewers); n > 0 && sec > 0 {
		r.FramesPerViewerPerSec = float64(r.Frames) / float64(n) / sec
	}
	if sec > 0 {
		r.ForwardedMbps = float64(bytes) * 8 / sec / 1e6
		r.ForwardedPacketsPerSec = float64(r.VideoPackets+r.AudioPackets) / sec
	}
}

func pct(part, whole uint64) float64 {
	if whole == 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}
