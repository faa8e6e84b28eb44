package relay

import "github.com/prometheus/client_golang/prometheus"

// Collector exposes per-stream figures to Prometheus. It reads the same
// snapshot as Stats, so scraping costs nothing on the media path.
type Collector struct{ r *Relay }

// Collector returns the relay's Prometheus collector.
func (r *Relay) Collector() *Collector { return &Collector{r: r} }

var (
	streamLabels  = []string{"vehicle", "camera"}
	descLive      = prometheus.NewDesc("fieldwatch_stream_live", "1 when the stream's publisher is connected and sending.", streamLabels, nil)
	descBitrate   = prometheus.NewDesc("fieldwatch_stream_bitrate_bits_per_second", "Received media bitrate over the last second.", streamLabels, nil)
	descFPS       = prometheus.NewDesc("fieldwatch_stream_frames_per_second", "Received video frames per second over the last second.", streamLabels, nil)
	descLoss      = prometheus.NewDesc("fieldwatch_stream_loss_ratio", "Share of video packets lost from the publisher over the last second.", streamLabels, nil)
	descLatency   = prometheus.NewDesc("fieldwatch_stream_capture_latency_seconds", "Capture to hub latency from the frames' SEI stamps.", streamLabels, nil)
	descViewers   = prometheus.NewDesc("fieldwatch_stream_viewers", "Viewers of the stream.", streamLabels, nil)
	descRecvPkts  = prometheus.NewDesc("fieldwatch_stream_received_packets_total", "RTP packets received from the publisher.", streamLabels, nil)
	descRecvBytes = prometheus.NewDesc("fieldwatch_stream_received_bytes_total", "RTP payload bytes received from the publisher.", streamLabels, nil)
	descLost      = prometheus.NewDesc("fieldwatch_stream_lost_packets_total", "Video packets missing from the publisher's sequence.", streamLabels, nil)
	descSentPkts  = prometheus.NewDesc("fieldwatch_stream_sent_packets_total", "RTP packets written to the stream's current viewers.", streamLabels, nil)
	descSentBytes = prometheus.NewDesc("fieldwatch_stream_sent_bytes_total", "RTP payload bytes written to the stream's current viewers.", streamLabels, nil)
	descDrops     = prometheus.NewDesc("fieldwatch_stream_viewer_dropped_packets_total", "Packets dropped because a viewer's queue was full.", streamLabels, nil)
	descPLI       = prometheus.NewDesc("fieldwatch_stream_keyframe_requests_total", "Keyframe requests (PLI) sent to the publisher.", streamLabels, nil)
)

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descLive, descBitrate, descFPS, descLoss, descLatency, descViewers,
		descRecvPkts, descRecvBytes, descLost, descSentPkts, descSentBytes, descDrops, descPLI} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.r.Stats() {
		l := []string{s.Vehicle, s.Camera}
		live := 0.0
		if s.Live {
			live = 1
		}
		gauge := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, l...)
		}
		counter := func(d *prometheus.Desc, v uint64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), l...)
		}
		gauge(descLive, live)
		gauge(descBitrate, s.BitrateKbps*1000)
		gauge(descFPS, s.FPS)
		gauge(descLoss, s.LossPct/100)
		gauge(descLatency, s.LatencyMs/1000)
		gauge(descViewers, float64(s.Viewers))
		counter(descRecvPkts, s.PacketsReceived)
		counter(descRecvBytes, s.BytesReceived)
		counter(descLost, s.PacketsLost)
		counter(descSentPkts, s.PacketsSent)
		counter(descSentBytes, s.BytesSent)
		counter(descDrops, s.ViewerDrops)
		counter(descPLI, s.KeyframeRequests)
	}
}
