package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMainEndToEnd runs the bench against the in-test forwarder: one
// publisher (the vehicle uplink playing the stamped clip), two viewers.
func TestMainEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real WebRTC sessions for several seconds")
	}
	fwd := newForwarder(t, "pub-{i}-secret", "viewer-{i}")
	srv := httptest.NewServer(fwd)
	defer srv.Close()
	defer fwd.close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	var out, errs bytes.Buffer
	args := []string{"--hub", srv.URL, "--publishers", "1", "--viewers", "2",
		"--warmup", "1s", "--duration", "3s", "--baseline-duration", "500ms",
		"--whip-token", "pub-{i}-secret", "--whep-token", "viewer-{i}",
		"--pid", strconv.Itoa(os.Getpid()), "--json"}
	if err := Main(ctx, args, &out, &errs); err != nil {
		t.Fatalf("Main: %v\nstderr:\n%s", err, errs.String())
	}
	var r Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out.String())
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	t.Logf("report:\n%s", text.String())

	if r.Publishers != (count{Wanted: 1, Up: 1}) || r.Viewers != (count{Wanted: 2, Up: 2}) {
		t.Errorf("streams: publishers %+v viewers %+v", r.Publishers, r.Viewers)
	}
	// The clip is 25 fps: 2 viewers x 3 s is 150 frames; allow a slow machine.
	if r.Frames < 100 || r.FramesPerViewerPerSec < 16 || r.FramesPerViewerPerSec > 30 {
		t.Errorf("frames %d, %.1f per viewer per second", r.Frames, r.FramesPerViewerPerSec)
	}
	if r.Keyframes < 2 || r.VideoPackets < r.Frames || r.AudioPackets < 200 {
		t.Errorf("keyframes %d, video packets %d, audio packets %d", r.Keyframes, r.VideoPackets, r.AudioPackets)
	}
	if r.LossPct > 5 {
		t.Errorf("loss %.2f%% on loopback", r.LossPct)
	}
	if r.TTFF.N != 2 || r.TTFF.P50 <= 0 || r.TTFF.Max > 5000 {
		t.Errorf("time to first frame %+v", r.TTFF)
	}
	// Every measured frame carries a capture stamp; the forwarder adds no delay.
	if uint64(r.Latency.N) != r.Frames || r.Latency.P50 <= 0 || r.Latency.P50 > 500 {
		t.Errorf("latency %+v over %d frames", r.Latency, r.Frames)
	}
	if r.ForwardedMbps < 1 || r.ForwardedMbps > 20 {
		t.Errorf("forwarded %.2f Mbit/s for 2 viewers of a ~1.5 Mbit/s clip", r.ForwardedMbps)
	}
	if r.Server == nil || r.Server.RSSPeak == 0 || r.Server.CPUPercent <= 0 || r.Server.CPUPerMbps <= 0 {
		t.Errorf("server stats %+v", r.Server)
	}
	if b := r.Baseline; b == nil || b.Mbps <= 0 || b.CPUPerMbps <= 0 || r.ServerToBaseline <= 0 ||
		b.PacketsPerSec != r.ForwardedPacketsPerSec {
		t.Errorf("baseline %+v, ratio %v", r.Baseline, r.ServerToBaseline)
	}
	if r.ViewerDeleteFailures != 0 {
		t.Errorf("%d viewer DELETEs failed", r.ViewerDeleteFailures)
	}
	if n := fwd.open(); n != 0 {
		t.Errorf("%d sessions left open: the bench must DELETE every session", n)
	}
}

// TestMainFailsWhenAStreamFails: a publisher the server refuses fails the
// run, its viewers count as failed, and Main returns an error after the
// report.
func TestMainFailsWhenAStreamFails(t *testing.T) {
	if testing.Short() {
		t.Skip("real WebRTC sessions")
	}
	fwd := newForwarder(t, "right-token", "")
	srv := httptest.NewServer(fwd)
	defer srv.Close()
	defer fwd.close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var out bytes.Buffer
	args := []string{"--hub", srv.URL, "--publishers", "1", "--viewers", "3",
		"--warmup", "0s", "--duration", "200ms", "--connect-timeout", "1s", "--whip-token", "wrong-token"}
	err := Main(ctx, args, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "1 of 1 publishers and 3 of 3 viewers failed") {
		t.Fatalf("Main error %v", err)
	}
	if !strings.Contains(out.String(), "publishers 0/1 up, 1 failed") {
		t.Fatalf("report:\n%s", out.String())
	}
}
