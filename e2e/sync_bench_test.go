package e2e

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fieldwatch/hub/server"
	"fieldwatch/internal/segfile"
	"fieldwatch/protocol/evidence"
	"fieldwatch/sim/clip"
	"fieldwatch/vehicle/recorder"
	"fieldwatch/vehicle/syncer"
)

// memSource hands the sync agent a fixed set of signed segments.
type memSource struct {
	mu      sync.Mutex
	pending []recorder.Segment
	done    chan struct{}
	pub     ed25519.PublicKey
	changed chan struct{}
}

func (s *memSource) Pending() []recorder.Segment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorder.Segment(nil), s.pending...)
}

func (s *memSource) Confirmed(cam string, seq uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.pending {
		if p.Manifest.Camera == cam && p.Manifest.Seq == seq {
			s.pending = append(s.pending[:i:i], s.pending[i+1:]...)
			break
		}
	}
	if len(s.pending) == 0 {
		close(s.done)
	}
	return nil
}

func (s *memSource) Changed() <-chan struct{}     { return s.changed }
func (s *memSource) PublicKey() ed25519.PublicKey { return s.pub }

// benchSegments records n segments of 10 s of the test clip into dir.
func benchSegments(b *testing.B, dir string, n int) [][]byte {
	c := clip.Default()
	var out [][]byte
	for i := range n {
		path := filepath.Join(dir, fmt.Sprintf("s%d.mp4", i))
		w, err := segfile.Create(path, segfile.Tracks{SPS: c.SPS, PPS: c.PPS, AudioChannels: 1})
		if err != nil {
			b.Fatal(err)
		}
		for f := range 250 {
			au := c.Video[f%len(c.Video)]
			w.Video(time.Duration(f)*c.FrameDuration, au.NALUs)
			if au.IDR && w.Buffered() >= time.Second {
				w.Flush()
			}
		}
		w.Close()
		data, _ := os.ReadFile(path)
		out = append(out, data)
	}
	return out
}

// BenchmarkSyncLoopback uploads 10-s segments to a real hub over loopback
// with no cap, with the hub's fsync on, and reports the throughput against
// two baselines measured in the same run: raw loopback TCP, and loopback
// TCP into a file synced to disk segment by segment (the disk's bound).
func BenchmarkSyncLoopback(b *testing.B) {
	const perRound = 8
	dir := b.TempDir()
	files := benchSegments(b, dir, perRound)
	var roundBytes int64
	for _, f := range files {
		roundBytes += int64(len(f))
	}
	const token = "bench-token-0123456789abcdef"
	cfg := server.DefaultConfig()
	cfg.DataDir = filepath.Join(dir, "hub")
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.HTTP.TLS = "off" // measured against raw loopback TCP
	cfg.WebRTC.LoopbackOnly = true
	vc := server.VehicleConfig{ID: "xe-01", Name: "Xe 01", Unit: "u", Token: token}
	for i := range 512 {
		vc.Cameras = append(vc.Cameras, server.CameraConfig{ID: fmt.Sprintf("cam%d", i), Name: "c"})
	}
	cfg.Vehicles = []server.VehicleConfig{vc}
	h, err := server.New(server.Options{Config: cfg, AdminPassword: "bench-password-123",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ln, _ := h.Listen()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { h.Serve(ctx, ln); close(served) }()
	defer func() { cancel(); <-served; h.Close() }()
	hubURL := "http://" + ln.Addr().String()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)

	tcp := loopbackTCP(b, 512<<20)
	disk := loopbackToDisk(b, dir, files)
	b.ResetTimer()
	var sent int64
	start := time.Now()
	round := 0
	for b.Loop() {
		cam := fmt.Sprintf("cam%d", round%512)
		round++
		src := &memSource{done: make(chan struct{}), pub: priv.Public().(ed25519.PublicKey), changed: make(chan struct{})}
		prev := ""
		t0 := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC).Add(time.Duration(round) * time.Hour)
		for i, data := range files {
			sum := sha256.Sum256(data)
			m := evidence.Manifest{Version: evidence.Version, Vehicle: "xe-01", Camera: cam, Seq: uint64(i + 1),
				Start: t0.Add(time.Duration(i) * 10 * time.Second), End: t0.Add(time.Duration(i+1) * 10 * time.Second),
				Frames: 250, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Prev: prev, Video: "avc1.42c01e"}
			if i == 0 {
				m.Break = evidence.BreakStart
			}
			m.Sign(priv)
			prev = m.Digest()
			src.pending = append(src.pending, recorder.Segment{Manifest: m, Path: filepath.Join(dir, fmt.Sprintf("s%d.mp4", i)), State: recorder.StateLocal})
		}
		sctx, scancel := context.WithCancel(ctx)
		s := syncer.New(syncer.Params{Hub: hubURL, Vehicle: "xe-01", Token: token, HTTP: syncer.HTTPClient(nil, nil), Recorder: src,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		go s.Run(sctx)
		select {
		case <-src.done:
		case <-time.After(time.Minute):
			b.Fatal("sync did not finish")
		}
		scancel()
		sent += roundBytes
	}
	el := time.Since(start).Seconds()
	mbs := float64(sent) / 1e6 / el
	b.ReportMetric(mbs, "sync-MB/s")
	b.ReportMetric(tcp, "tcp-MB/s")
	b.ReportMetric(disk, "tcp+fsync-MB/s")
	b.ReportMetric(mbs/tcp, "ratio-vs-tcp")
	b.ReportMetric(mbs/disk, "ratio-vs-tcp+fsync")
}

// loopbackTCP measures raw loopback TCP throughput in MB/s.
func loopbackTCP(b *testing.B, n int64) float64 {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	done := make(chan int64)
	go func() {
		c, err := l.Accept()
		if err != nil {
			done <- 0
			return
		}
		m, _ := io.Copy(io.Discard, c)
		c.Close()
		done <- m
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 256<<10)
	start := time.Now()
	for sent := int64(0); sent < n; sent += int64(len(buf)) {
		c.Write(buf)
	}
	c.Close()
	<-done
	return float64(n) / 1e6 / time.Since(start).Seconds()
}

// loopbackToDisk measures loopback TCP into files, each synced, in MB/s.
func loopbackToDisk(b *testing.B, dir string, files [][]byte) float64 {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	var total int64
	start := time.Now()
	for round := range 4 {
		for i, data := range files {
			go func() {
				c, err := net.Dial("tcp", l.Addr().String())
				if err == nil {
					c.Write(data)
					c.Close()
				}
			}()
			c, err := l.Accept()
			if err != nil {
				b.Fatal(err)
			}
			f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("base-%d-%d", round, i)))
			n, _ := io.Copy(f, c)
			f.Sync()
			f.Close()
			c.Close()
			total += n
		}
	}
	return float64(total) / 1e6 / time.Since(start).Seconds()
}
