package bench

import (
	"fmt"
	"io"
	"time"
)

// Report is a bench run's result.
type Report struct {
	Config                 Config        `json:"-"`
	PublishersUp           int           `json:"publishers_up"`
	PublishersFailed       int           `json:"publishers_failed"`
	ViewersUp              int           `json:"viewers_up"`
	ViewersFailed          int           `json:"viewers_failed"`
	ViewersWithoutVideo    int           `json:"viewers_without_video"`
	Frames                 uint64        `json:"frames"`
	FramesPerViewerPerSec  float64       `json:"frames_per_viewer_per_sec"`
	Packets                uint64        `json:"packets"`
	PacketsLost            uint64        `json:"packets_lost"`
	LossPct                float64       `json:"loss_pct"`
	TTFF                   summary       `json:"ttff"`
	Latency                summary       `json:"latency"`
	ForwardedMbps          float64       `json:"forwarded_mbps"`
	ForwardedPacketsPerSec float64       `json:"forwarded_packets_per_sec"`
	ServerCPUPercent       float64       `json:"server_cpu_percent,omitempty"`
	ServerRSSMax           uint64        `json:"server_rss_max_bytes,omitempty"`
	Baseline               *baseline     `json:"baseline,omitempty"`
	Elapsed                time.Duration `json:"elapsed"`
}

func (r *Report) collect(viewers []*viewer, elapsed time.Duration) {
	r.Elapsed = elapsed
	var ttff, lat []time.Duration
	var bytes uint64
	for _, v := range viewers {
		v.mu.Lock()
		r.ViewersUp++
		if v.firstAt.IsZero() {
			r.ViewersWithoutVideo++
		} else {
			ttff = append(ttff, v.firstAt.Sub(v.started))
		}
		r.Frames += v.frames
		r.Packets += v.packets
		r.PacketsLost += v.loss.lost()
		bytes += v.bytes
		lat = append(lat, v.latencies...)
		v.mu.Unlock()
	}
	r.TTFF, r.Latency = summarize(ttff), summarize(lat)
	if r.Packets+r.PacketsLost > 0 {
		r.LossPct = 100 * float64(r.PacketsLost) / float64(r.Packets+r.PacketsLost)
	}
	if n := len(viewers); n > 0 {
		r.FramesPerViewerPerSec = float64(r.Frames) / float64(n) / elapsed.Seconds()
	}
	r.ForwardedMbps = float64(bytes) * 8 / elapsed.Seconds() / 1e6
	r.ForwardedPacketsPerSec = float64(r.Packets) / elapsed.Seconds()
	// A viewer with no frame at all is a failed stream.
	r.ViewersFailed += r.ViewersWithoutVideo
}

// WriteText prints the report for a person.
func (r *Report) WriteText(w io.Writer) {
	c := r.Config
	fmt.Fprintf(w, "bench live: %s, %d publishers x %d viewers, %v measured\n", c.Hub, c.Publishers, c.Viewers, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "  streams up:      publishers %d/%d, viewers %d/%d (without video %d)\n",
		r.PublishersUp, c.Publishers, r.ViewersUp-r.ViewersWithoutVideo, c.Publishers*c.Viewers, r.ViewersWithoutVideo)
	fmt.Fprintf(w, "  frames:          %d (%.1f per viewer per second)\n", r.Frames, r.FramesPerViewerPerSec)
	fmt.Fprintf(w, "  packets:         %d, lost %d (%.3f%%)\n", r.Packets, r.PacketsLost, r.LossPct)
	fmt.Fprintf(w, "  first frame:     p50 %v  p95 %v  max %v\n", ms(r.TTFF.P50), ms(r.TTFF.P95), ms(r.TTFF.Max))
	fmt.Fprintf(w, "  latency (SEI):   p50 %v  p95 %v  p99 %v  max %v  (%d frames)\n", ms(r.Latency.P50), ms(r.Latency.P95), ms(r.Latency.P99), ms(r.Latency.Max), r.Latency.N)
	fmt.Fprintf(w, "  forwarded:       %.1f Mbit/s, %.0f packets/s\n", r.ForwardedMbps, r.ForwardedPacketsPerSec)
	if c.PID > 0 {
		fmt.Fprintf(w, "  server:          CPU %.1f%% of a core, RSS max %.1f MiB, %.3f%% CPU per forwarded Mbit/s\n",
			r.ServerCPUPercent, float64(r.ServerRSSMax)/(1<<20), r.ServerCPUPercent/max(r.ForwardedMbps, 1e-9))
	}
	if b := r.Baseline; b != nil {
		fmt.Fprintf(w, "  UDP baseline:    %.1f Mbit/s at %.0f packets/s, CPU %.1f%%, %.3f%% CPU per Mbit/s", b.Mbps, b.PacketsPerSec, b.CPUPercent, b.CPUPerMbps)
		if c.PID > 0 && b.CPUPerMbps > 0 && r.ForwardedMbps > 0 {
			fmt.Fprintf(w, "  (server/baseline = %.1fx)", r.ServerCPUPercent/r.ForwardedMbps/b.CPUPerMbps)
		}
		fmt.Fprintln(w)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
