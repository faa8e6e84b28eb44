package recorder

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"fieldwatch/sim/clip"
)

// BenchmarkRecord records the test clip (H.264 + Opus) as fast as it can,
// with a fragment synced to disk every second of media as in the field. It
// reports the CPU time one recorded Mbit/s costs (as a share of one core)
// and the bytes written to disk per byte of media.
func BenchmarkRecord(b *testing.B) {
	c := clip.Default()
	var media int64
	for _, au := range c.Video {
		for _, n := range au.NALUs {
			media += int64(len(n))
		}
	}
	for _, a := range c.Audio {
		media += int64(len(a))
	}
	dir := b.TempDir()
	clk := &clock{now: t0}
	r := newTestRecorder(b, dir, clk, func(cfg *Config) { cfg.SegmentDuration = 10 * time.Second })
	defer r.Close()
	cam, _ := r.Camera("cam1")
	f := &feeder{c: cam, clk: clk}
	f.describe()
	var ru0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	b.ResetTimer()
	for b.Loop() {
		f.frames(len(c.Video)) // one loop of the clip: 4 s of media
	}
	b.StopTimer()
	cam.closeSegment()
	var ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()+ru1.Stime.Nano()-ru0.Stime.Nano()) * time.Nanosecond
	var written int64
	filepath.Walk(filepath.Join(dir, "segments"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			written += fi.Size()
		}
		return nil
	})
	mediaBytes := media * int64(b.N)
	mediaSeconds := c.Duration.Seconds() * float64(b.N)
	mbps := float64(mediaBytes) * 8 / 1e6 / mediaSeconds
	// CPU share of one core needed to record 1 Mbit/s in real time.
	b.ReportMetric(cpu.Seconds()/mediaSeconds/mbps*100, "%core/Mbps")
	b.ReportMetric(float64(written)/float64(mediaBytes), "disk-bytes/media-byte")
	b.ReportMetric(float64(mediaBytes)/1e6/b.Elapsed().Seconds(), "media-MB/s")
}
