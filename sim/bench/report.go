package bench

import (
	"fmt"
	"io"
	"time"
)

// Report is a bench run's result. JSON field names are stable: scripts
// compare runs with them.
type Report struct {
	Run        runInfo `json:"run"`
	Publishers count   `json:"publishers"`
	Viewers    count   `json:"viewers"`
	// PublisherReconnects counts WHIP sessions beyond one per publisher
	// (reconnects during the run).
	PublisherReconnects int `json:"publisher_reconnects"`
	// ViewerDeleteFailures counts WHEP sessions the server did not DELETE
	// cleanly at the end.
	ViewerDeleteFailures int `json:"viewer_delete_failures"`

	// Counts below cover the measured window (after the warm-up).
	Frames                uint64  `json:"frames"`            // complete access units, all viewers
	FramesIncomplete      uint64  `json:"frames_incomplete"` // with a missing packet
	Keyframes             uint64  `json:"keyframes"`
	FramesPerViewerPerSec float64 `json:"frames_per_viewer_per_sec"`
	VideoPackets          uint64  `json:"video_packets"`
	AudioPackets          uint64  `json:"audio_packets"`
	PacketsLost           uint64  `json:"packets_lost"`
	LossPct               float64 `json:"loss_pct"`
	VideoLossPct          float64 `json:"video_loss_pct"`
	AudioLossPct          float64 `json:"audio_loss_pct"`
	TTFF                  summary `json:"ttff"`    // WHEP POST to first complete IDR
	Latency               summary `json:"latency"` // SEI capture stamp to arrival

	ForwardedMbps          float64 `json:"forwarded_mbps"` // sum of the viewers' RTP receive rates
	ForwardedPacketsPerSec float64 `json:"forwarded_packets_per_sec"`
	BenchCPUPercent        float64 `json:"bench_cpu_percent"` // this process, of one core

	Server   *serverStats `json:"server,omitempty"`
	Baseline *baseline    `json:"baseline,omitempty"`
	// ServerToBaseline is the server's CPU per forwarded Mbit/s over the
	// baseline's CPU per Mbit/s; 0 when either is missing.
	ServerToBaseline float64 `json:"server_to_baseline,omitempty"`
}

// runInfo echoes the run's parameters.
type runInfo struct {
	Hub              string  `json:"hub"`
	Publishers       int     `json:"publishers"`
	ViewersPerStream int     `json:"viewers_per_stream"`
	WHIPPath         string  `json:"whip_path"`
	WHEPPath         string  `json:"whep_path"`
	Loopback         bool    `json:"loopback"`
	WarmupSec        float64 `json:"warmup_s"`
	MeasuredSec      float64 `json:"measured_s"`
}

// count is streams wanted, up and failed.
type count struct {
	Wanted int `json:"wanted"`
	Up     int `json:"up"`
	Failed int `json:"failed"`
}

// serverStats is the server process sampled from /proc.
type serverStats struct {
	PID        int     `json:"pid"`
	CPUPercent float64 `json:"cpu_percent"` // of one core, over the measured window
	RSSPeak    uint64  `json:"rss_peak_bytes"`
	CPUPerMbps float64 `json:"cpu_percent_per_mbps"`
}

// failed reports whether any publisher or viewer failed.
func (r *Report) failed() bool { return r.Publishers.Failed > 0 || r.Viewers.Failed > 0 }

// finish derives the figures that combine others.
func (r *Report) finish() {
	if r.Server != nil && r.ForwardedMbps > 0 {
		r.Server.CPUPerMbps = r.Server.CPUPercent / r.ForwardedMbps
		if r.Baseline != nil && r.Baseline.CPUPerMbps > 0 {
			r.ServerToBaseline = r.Server.CPUPerMbps / r.Baseline.CPUPerMbps
		}
	}
}

// WriteText prints the report for a person.
func (r *Report) WriteText(w io.Writer) error {
	p := &errWriter{w: w}
	ri := r.Run
	p.printf("bench live  %s  %d publishers x %d viewers  warm-up %s, measured %s\n",
		ri.Hub, ri.Publishers, ri.ViewersPerStream, secs(ri.WarmupSec), secs(ri.MeasuredSec))
	p.printf("  %-15s publishers %d/%d up, %d failed, %d reconnects; viewers %d/%d up, %d failed\n", "streams",
		r.Publishers.Up, r.Publishers.Wanted, r.Publishers.Failed, r.PublisherReconnects,
		r.Viewers.Up, r.Viewers.Wanted, r.Viewers.Failed)
	p.printf("  %-15s %d complete (%.1f per viewer per second), %d incomplete, %d keyframes\n", "frames",
		r.Frames, r.FramesPerViewerPerSec, r.FramesIncomplete, r.Keyframes)
	p.printf("  %-15s video %d, audio %d, lost %d: %.3f%% (video %.3f%%, audio %.3f%%)\n", "packets",
		r.VideoPackets, r.AudioPackets, r.PacketsLost, r.LossPct, r.VideoLossPct, r.AudioLossPct)
	p.printf("  %-15s p50 %7.1f ms  p95 %7.1f ms  max %7.1f ms  (%d viewers)\n", "first frame",
		r.TTFF.P50, r.TTFF.P95, r.TTFF.Max, r.TTFF.N)
	p.printf("  %-15s p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  max %7.1f ms  (%d frames)\n", "latency",
		r.Latency.P50, r.Latency.P95, r.Latency.P99, r.Latency.Max, r.Latency.N)
	p.printf("  %-15s %.2f Mbit/s, %.0f packets/s; bench process CPU %.1f%%\n", "forwarded",
		r.ForwardedMbps, r.ForwardedPacketsPerSec, r.BenchCPUPercent)
	if s := r.Server; s != nil {
		p.printf("  %-15s pid %d: CPU %.1f%% of a core, RSS peak %.1f MiB, %.3f%% CPU per forwarded Mbit/s\n", "server",
			s.PID, s.CPUPercent, float64(s.RSSPeak)/(1<<20), s.CPUPerMbps)
	}
	if b := r.Baseline; b != nil {
		p.printf("  %-15s raw UDP %.0f packets/s x %d B: %.2f Mbit/s, loss %.3f%%, CPU %.1f%%, %.3f%% CPU per Mbit/s\n", "baseline",
			b.PacketsPerSec, b.PacketSize, b.Mbps, b.LossPct, b.CPUPercent, b.CPUPerMbps)
	}
	if r.ViewerDeleteFailures > 0 {
		p.printf("  %-15s %d viewer sessions not DELETEd cleanly\n", "teardown", r.ViewerDeleteFailures)
	}
	if r.ServerToBaseline > 0 {
		p.printf("  %-15s server CPU per Mbit/s = %.1f x raw UDP\n", "ratio", r.ServerToBaseline)
	}
	return p.err
}

func secs(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond).String()
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
