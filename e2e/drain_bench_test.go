package e2e

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"fieldwatch/internal/testwait"
	"fieldwatch/sim/demo"
	"fieldwatch/vehicle/node"
)

// BenchmarkBacklogDrainShaped shapes the vehicle's uplink to 8 Mbit/s (one
// FIFO queue of 100 KB shared by live UDP and sync TCP, like tc tbf), cuts
// the link for a minute so a backlog builds, restores it and measures,
// while the live stream runs: the live video's packet loss at the hub, and
// the backlog's drain rate as a share of the spare capacity (link minus
// live). The time to drain a 10-minute outage of 2 cameras follows from
// the measured rate.
func BenchmarkBacklogDrainShaped(b *testing.B) {
	const linkKbps = 8000
	for b.Loop() {
		drainOnce(b, linkKbps)
	}
}

func startBenchDemo(b *testing.B, dir string, mod func(*node.Config)) *demo.Demo {
	d, err := demo.Start(b.Context(), demo.Options{
		HTTPAddr: "127.0.0.1:0", DataDir: dir, Vehicles: 1, CamerasPerVehicle: 1, Password: demoPassword,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Vehicle: mod,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	return d
}

func drainOnce(b *testing.B, linkKbps float64) {
	dir := b.TempDir()
	d := startBenchDemo(b, dir, func(c *node.Config) { c.Sync.LinkKbps = linkKbps })
	const id = "xe-01"
	l := d.Link(id)
	l.SetRate(linkKbps, 100<<10)
	n := d.Node(id)
	testwait.For(b, 30*time.Second, "the stream live", func() bool { return len(d.Hub().Relay().Stats()) > 0 && d.Hub().Relay().Stats()[0].Live })
	time.Sleep(5 * time.Second)
	l.SetUp(false)
	time.Sleep(60 * time.Second)
	l.SetUp(true)
	restored := time.Now()
	rec := n.Recorder()
	backlog := rec.Backlog()
	sent0 := n.Sync().State().BytesSent
	testwait.For(b, 20*time.Second, "the stream live again", func() bool { s := d.Hub().Relay().Stats(); return len(s) > 0 && s[0].Live })
	st0 := d.Hub().Relay().Stats()[0]
	q0, c0 := l.QueueDropped()
	u0, t0 := l.Carried()
	var liveKbps float64
	samples := 0
	var firstByte time.Time
	testwait.For(b, 5*time.Minute, "the backlog drained", func() bool {
		if firstByte.IsZero() && n.Sync().State().BytesSent > sent0 {
			firstByte = time.Now()
		}
		if s := d.Hub().Relay().Stats(); len(s) > 0 {
			liveKbps += s[0].BitrateKbps
			samples++
		}
		return rec.Backlog().Segments == 0
	})
	drain := time.Since(restored)
	st1 := d.Hub().Relay().Stats()[0]
	sent := n.Sync().State().BytesSent - sent0
	live := liveKbps / float64(max(samples, 1))
	spare := linkKbps - live
	rate := float64(sent) * 8 / 1000 / drain.Seconds()
	loss := 100 * float64(st1.PacketsLost-st0.PacketsLost) / float64(max(st1.PacketsReceived-st0.PacketsReceived, 1))
	b.ReportMetric(float64(backlog.Bytes)/1e6, "backlog-MB")
	b.ReportMetric(drain.Seconds(), "drain-s")
	b.ReportMetric(rate, "drain-kbps")
	b.ReportMetric(live, "live-kbps")
	b.ReportMetric(100*rate/spare, "%of-spare")
	// The same from the first byte sent after the link came back (the node first reconnects).
	b.ReportMetric(100*float64(sent)*8/1000/time.Since(firstByte).Seconds()/spare, "%of-spare-sending")
	b.ReportMetric(firstByte.Sub(restored).Seconds(), "resume-s")
	b.ReportMetric(loss, "live-loss-%")
	q1, c1 := l.QueueDropped()
	u1, t1 := l.Carried()
	b.ReportMetric(float64(u1-u0)*8/1000/drain.Seconds(), "link-udp-kbps")
	b.ReportMetric(float64(t1-t0)*8/1000/drain.Seconds(), "link-tcp-kbps")
	b.ReportMetric(n.Sync().State().LimitKbps, "pacer-limit-kbps")
	b.ReportMetric(100*float64(q1-q0)/float64(max(q1-q0+c1-c0, 1)), "queue-drop-%")
	// A 10-minute outage of 2 cameras at this live rate, drained while both stream live.
	tenMin := 2 * 600 * live / 1000 * 1e6 / 8 // bytes
	spare2 := linkKbps - 2*live
	b.ReportMetric(tenMin*8/1000/(spare2*rate/spare)/60, "10min-2cam-drain-min")
}
