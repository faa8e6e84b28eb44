package bench

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func sampleReport() *Report {
	r := &Report{
		Run:        runInfo{Hub: "http://127.0.0.1:8080", Publishers: 2, ViewersPerStream: 10, WarmupSec: 3, MeasuredSec: 60},
		Publishers: count{Wanted: 2, Up: 2}, Viewers: count{Wanted: 20, Up: 19, Failed: 1},
		Frames: 28500, FramesPerViewerPerSec: 25, VideoPackets: 228000, AudioPackets: 57000,
		TTFF:          summary{N: 19, P50: 41.2, P95: 88, Max: 120.5},
		Latency:       summary{N: 28500, P50: 3.1, P95: 7.9, P99: 12, Max: 40},
		ForwardedMbps: 30, ForwardedPacketsPerSec: 4750,
		Server:   &serverStats{PID: 77, CPUPercent: 45, RSSPeak: 200 << 20},
		Baseline: &baseline{PacketsPerSec: 4750, PacketSize: 790, Mbps: 30, CPUPercent: 6, CPUPerMbps: 0.2},
	}
	r.finish()
	return r
}

func TestReportRatio(t *testing.T) {
	r := sampleReport()
	if r.Server.CPUPerMbps != 1.5 || r.ServerToBaseline != 7.5 {
		t.Fatalf("server %.3f%%/Mbit/s, ratio %.3f; want 1.5 and 7.5", r.Server.CPUPerMbps, r.ServerToBaseline)
	}
	if !r.failed() {
		t.Fatal("a failed viewer must fail the run")
	}
	r = &Report{ForwardedMbps: 10, Baseline: &baseline{CPUPerMbps: 0.2}}
	r.finish()
	if r.ServerToBaseline != 0 {
		t.Fatal("a ratio without server stats")
	}
}

func TestReportText(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"publishers 2/2 up, 0 failed, 0 reconnects; viewers 19/20 up, 1 failed",
		"28500 complete (25.0 per viewer per second)",
		"p50    41.2 ms  p95    88.0 ms  max   120.5 ms  (19 viewers)",
		"p99    12.0 ms",
		"CPU 45.0% of a core, RSS peak 200.0 MiB, 1.500% CPU per forwarded Mbit/s",
		"raw UDP 4750 packets/s x 790 B",
		"server CPU per Mbit/s = 7.5 x raw UDP",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestReportJSONNames(t *testing.T) {
	data, err := json.Marshal(sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"publishers", "viewers", "frames", "loss_pct", "ttff", "latency", "forwarded_mbps", "server", "baseline", "server_to_baseline"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	if p99 := m["latency"].(map[string]any)["p99_ms"]; p99 != 12.0 {
		t.Errorf("latency p99_ms %v", p99)
	}
}
