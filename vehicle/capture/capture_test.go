package capture

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"

	"fieldwatch/internal/testwait"
	"fieldwatch/sim/camera"
	"fieldwatch/sim/seistamp"
)

// recorder is a Sink that keeps what it gets.
type recorder struct {
	mu     sync.Mutex
	descs  []Description
	videos []videoRec
	audio  []time.Duration
	order  []string // call sequence: "d" (Describe), "v", "a" (runs of audio as one)
}

type videoRec struct {
	pts    time.Duration
	idr    bool
	width  int
	height int
	stamp  time.Time
	got    time.Time
	pps    bool
}

func (r *recorder) Describe(d Description) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.descs = append(r.descs, d)
	r.order = append(r.order, "d")
}

func (r *recorder) Video(pts time.Duration, au [][]byte) {
	v := videoRec{pts: pts, idr: h264.IsRandomAccess(au), got: time.Now()}
	for _, n := range au {
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			var sps h264.SPS
			if sps.Unmarshal(n) == nil {
				v.width, v.height = sps.Width(), sps.Height()
			}
		case h264.NALUTypePPS:
			v.pps = true
		}
	}
	v.stamp, _ = seistamp.FromAU(au)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.videos = append(r.videos, v)
	r.order = append(r.order, "v")
}

func (r *recorder) Audio(pts time.Duration, payload []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.audio = append(r.audio, pts)
	if len(payload) == 0 {
		panic("empty audio frame")
	}
	if r.order[len(r.order)-1] != "a" {
		r.order = append(r.order, "a")
	}
}

func (r *recorder) snapshot() (descs []Description, videos []videoRec, audio []time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.descs), slices.Clone(r.videos), slices.Clone(r.audio)
}

func (r *recorder) videoCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.videos)
}

// runCapture runs a capture until the test ends and checks that Run returns.
func runCapture(t *testing.T, cfg Config, sink Sink) *Capture {
	t.Helper()
	c := New(cfg, sink)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after cancel")
		}
		if c.State().Connected {
			t.Error("still Connected after Run returned")
		}
	})
	return c
}

func startCamera(t *testing.T, paths ...string) *camera.Server {
	t.Helper()
	cam, err := camera.Start(t.Context(), camera.Config{Addr: "127.0.0.1:0", Paths: paths})
	if err != nil {
		t.Fatalf("camera: %v", err)
	}
	t.Cleanup(func() { _ = cam.Close() })
	return cam
}

func TestTransports(t *testing.T) {
	// One path per transport: gortsplib v5.6.4's server races (under -race)
	// when two sessions set up the same path at the same instant.
	cam := startCamera(t, "/tcp", "/udp")
	for _, transport := range []string{"tcp", "udp"} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			c := runCapture(t, Config{URL: cam.URL("/" + transport), Transport: transport, ReadTimeout: 2 * time.Second}, rec)
			testwait.For(t, 6*time.Second, "52 frames", func() bool { return rec.videoCount() >= 52 })

			descs, videos, audio := rec.snapshot()
			want := Description{VideoCodec: "H264", AudioCodec: "opus", AudioClockRate: 48000, AudioChannels: 1}
			if len(descs) != 1 || descs[0] != want {
				t.Fatalf("descriptions = %+v, want [%+v]", descs, want)
			}
			checkVideo(t, videos)
			if len(audio) < 50 {
				t.Fatalf("%d audio frames for %d video frames", len(audio), len(videos))
			}
			for i := 1; i < len(audio); i++ {
				if d := audio[i] - audio[i-1]; d != 20*time.Millisecond {
					t.Fatalf("audio %d: step %v, want 20ms", i, d)
				}
			}
			st := c.State()
			if !st.Connected || st.Width != 640 || st.Height != 360 || st.Frames < 52 || st.Reconnects != 0 ||
				st.Transport != strings.ToUpper(transport) {
				t.Fatalf("state = %+v", st)
			}
			if rec.order[0] != "d" {
				t.Fatalf("media before Describe: %v", rec.order[:3])
			}
		})
	}
}

// checkVideo checks frames from one connection of the simulated camera.
func checkVideo(t *testing.T, videos []videoRec) {
	t.Helper()
	if !videos[0].idr {
		t.Fatal("first access unit is not an IDR")
	}
	lastIDR := -1
	for i, v := range videos {
		if i > 0 && v.pts-videos[i-1].pts != 40*time.Millisecond {
			t.Fatalf("frame %d: pts step %v, want 40ms", i, v.pts-videos[i-1].pts)
		}
		if v.stamp.IsZero() {
			t.Fatalf("frame %d has no SEI stamp", i)
		}
		if lag := v.got.Sub(v.stamp); lag < 0 || lag > time.Second {
			t.Fatalf("frame %d: stamp %v before receipt, want 0..1s", i, lag)
		}
		if !v.idr {
			continue
		}
		if v.width != 640 || v.height != 360 || !v.pps {
			t.Fatalf("IDR %d: SPS %dx%d, PPS %v", i, v.width, v.height, v.pps)
		}
		if lastIDR >= 0 && i-lastIDR != 25 {
			t.Fatalf("IDR at %d after %d: interval %d, want 25", i, lastIDR, i-lastIDR)
		}
		lastIDR = i
	}
	if lastIDR < 25 {
		t.Fatal("fewer than two IDRs")
	}
}

func TestOfflineAndBack(t *testing.T) {
	cam := startCamera(t, "/tcp", "/udp")
	for _, transport := range []string{"tcp", "udp"} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			testOfflineAndBack(t, cam, transport)
		})
	}
}

func testOfflineAndBack(t *testing.T, cam *camera.Server, transport string) {
	path := "/" + transport
	rec := &recorder{}
	const readTimeout = 1500 * time.Millisecond
	c := runCapture(t, Config{
		URL: cam.URL(path), Transport: transport, ReadTimeout: readTimeout, BackoffMax: 200 * time.Millisecond,
	}, rec)
	testwait.For(t, 5*time.Second, "first frames", func() bool { return rec.videoCount() >= 5 })

	cam.SetOnline(path, false)
	off := time.Now()
	testwait.For(t, readTimeout+time.Second, "disconnected state", func() bool { return !c.State().Connected })
	if took := time.Since(off); took > readTimeout {
		t.Fatalf("disconnect noticed after %v, read timeout %v", took, readTimeout)
	}
	// Retries meet 404 while the camera is off.
	testwait.For(t, 6*time.Second, "a failed retry", func() bool { // generous: the suite runs beside heavy tests
		st := c.State()
		return !st.Connected && st.LastError != "" && st.Since.After(off)
	})
	before := rec.videoCount()

	cam.SetOnline(path, true)
	testwait.For(t, 5*time.Second, "reconnect and 30 more frames", func() bool {
		return c.State().Connected && rec.videoCount() >= before+30
	})
	st := c.State()
	if st.Reconnects != 1 {
		t.Fatalf("Reconnects = %d, want 1", st.Reconnects)
	}
	descs, videos, audio := rec.snapshot()
	if len(descs) != 2 {
		t.Fatalf("%d Describe calls, want 2 (one per connection)", len(descs))
	}
	rec.mu.Lock()
	second := slices.Index(rec.order[1:], "d") + 1
	firstAfter := slices.IndexFunc(rec.order, func(s string) bool { return s == "v" })
	vBefore := 0
	for _, o := range rec.order[:second] {
		if o == "v" {
			vBefore++
		}
	}
	rec.mu.Unlock()
	if firstAfter < 1 || vBefore != before {
		t.Fatalf("Describe not before the media of each connection (%d frames before the second, want %d)", vBefore, before)
	}
	for i := 1; i < len(videos); i++ {
		if videos[i].pts <= videos[i-1].pts {
			t.Fatalf("video pts went back at %d: %v after %v", i, videos[i].pts, videos[i-1].pts)
		}
	}
	for i := 1; i < len(audio); i++ {
		if audio[i] <= audio[i-1] {
			t.Fatalf("audio pts went back at %d: %v after %v", i, audio[i], audio[i-1])
		}
	}
	gap := videos[before].pts - videos[before-1].pts
	if gap < 200*time.Millisecond {
		t.Fatalf("pts gap across the outage %v, want about its length", gap)
	}
	if !videos[before].idr {
		t.Fatal("first frame after reconnect is not an IDR")
	}
	checkVideo(t, videos[before:])
}

func TestSilentCameraTimesOut(t *testing.T) {
	// A TCP server that accepts and never answers, like a hung camera.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	t.Cleanup(func() { ln.Close(); conns.Wait() })
	conns.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() {
				buf := make([]byte, 4096)
				for {
					if _, err := conn.Read(buf); err != nil {
						conn.Close()
						return
					}
				}
			})
		}
	})
	rec := &recorder{}
	c := runCapture(t, Config{URL: "rtsp://" + ln.Addr().String() + "/cam", Transport: "tcp",
		ReadTimeout: 300 * time.Millisecond, BackoffMax: 100 * time.Millisecond}, rec)
	testwait.For(t, 3*time.Second, "a timeout error", func() bool { return c.State().LastError != "" })
	if st := c.State(); st.Connected || st.Frames != 0 {
		t.Fatalf("state = %+v", st)
	}
	t.Logf("error: %s", c.State().LastError)
}

func TestConfigErrors(t *testing.T) {
	cases := map[string]struct {
		cfg  Config
		want error
	}{
		"transport": {Config{URL: "rtsp://127.0.0.1:1/x", Transport: "sctp"}, ErrBadTransport},
		"scheme":    {Config{URL: "http://127.0.0.1:1/x"}, ErrBadURL},
		"garbage":   {Config{URL: "::"}, ErrBadURL},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := New(tc.cfg, &recorder{}).Run(t.Context())
			if !errors.Is(err, tc.want) {
				t.Fatalf("Run = %v, want %v", err, tc.want)
			}
		})
	}
}
