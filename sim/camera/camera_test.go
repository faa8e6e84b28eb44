package camera

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/gortsplib/v5/pkg/liberrors"
	"github.com/pion/rtp"

	"fieldwatch/internal/testwait"
	"fieldwatch/sim/seistamp"
)

func startCamera(t *testing.T, paths ...string) *Server {
	t.Helper()
	s, err := Start(t.Context(), Config{Addr: "127.0.0.1:0", Paths: paths})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// reader is a plain gortsplib client that counts what it gets.
type reader struct {
	c *gortsplib.Client

	mu       sync.Mutex
	aus      int
	idrs     int
	stamped  int
	audio    int
	gotFrame chan struct{}
}

func read(t *testing.T, rawURL string, proto gortsplib.Protocol) (*reader, error) {
	t.Helper()
	u, err := base.ParseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	r := &reader{
		c:        &gortsplib.Client{Scheme: u.Scheme, Host: u.Host, Protocol: &proto, ReadTimeout: 2 * time.Second},
		gotFrame: make(chan struct{}, 1),
	}
	if err := r.c.Start(); err != nil {
		return nil, err
	}
	desc, _, err := r.c.Describe(u)
	if err != nil {
		r.c.Close()
		return nil, err
	}
	t.Cleanup(r.c.Close)
	var h264f *format.H264
	vm := desc.FindFormat(&h264f)
	var opusf *format.Opus
	am := desc.FindFormat(&opusf)
	if vm == nil || am == nil {
		t.Fatalf("SDP lacks H264 or Opus: %v", desc.Medias)
	}
	if h264f.PacketizationMode != 1 || len(h264f.SPS) == 0 || len(h264f.PPS) == 0 {
		t.Fatalf("H264 format: mode %d, SPS %d B, PPS %d B", h264f.PacketizationMode, len(h264f.SPS), len(h264f.PPS))
	}
	if opusf.ClockRate() != 48000 {
		t.Fatalf("opus clock %d", opusf.ClockRate())
	}
	if err := r.c.SetupAll(desc.BaseURL, desc.Medias); err != nil {
		t.Fatalf("setup: %v", err)
	}
	dec, err := h264f.CreateDecoder()
	if err != nil {
		t.Fatal(err)
	}
	r.c.OnPacketRTP(vm, h264f, func(pkt *rtp.Packet) {
		au, err := dec.Decode(pkt)
		if err != nil {
			return
		}
		r.mu.Lock()
		r.aus++
		for _, n := range au {
			if n[0]&0x1f == 5 {
				r.idrs++
				break
			}
		}
		if _, ok := seistamp.FromAU(au); ok {
			r.stamped++
		}
		r.mu.Unlock()
		select {
		case r.gotFrame <- struct{}{}:
		default:
		}
	})
	r.c.OnPacketRTP(am, opusf, func(*rtp.Packet) {
		r.mu.Lock()
		r.audio++
		r.mu.Unlock()
	})
	if _, err := r.c.Play(nil); err != nil {
		t.Fatalf("play: %v", err)
	}
	return r, nil
}

func (r *reader) counts() (aus, idrs, stamped, audio int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.aus, r.idrs, r.stamped, r.audio
}

func TestTransports(t *testing.T) {
	s := startCamera(t, "/cam1", "cam2")
	for name, proto := range map[string]gortsplib.Protocol{"tcp": gortsplib.ProtocolTCP, "udp": gortsplib.ProtocolUDP} {
		t.Run(name, func(t *testing.T) {
			// Not parallel: gortsplib v5.6.4's server races (under -race)
			// when two sessions set up the same path at the same instant.
			// Two readers on one path, one after the other, one on another.
			r1, err := read(t, s.URL("/cam1"), proto)
			if err != nil {
				t.Fatal(err)
			}
			r2, err := read(t, s.URL("/cam1"), proto)
			if err != nil {
				t.Fatal(err)
			}
			r3, err := read(t, s.URL("cam2"), proto)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range []*reader{r1, r2, r3} {
				testwait.For(t, 5*time.Second, "an IDR and 10 frames", func() bool {
					aus, idrs, _, audio := r.counts()
					return aus >= 10 && idrs >= 1 && audio >= 10
				})
				aus, _, stamped, _ := r.counts()
				if stamped < aus {
					t.Errorf("reader %d: %d of %d frames stamped", i, stamped, aus)
				}
				if got := r.c.Transport().Session.Protocol; got != proto {
					t.Errorf("reader %d transport %v, want %v", i, got, proto)
				}
			}
		})
	}
}

func TestUnknownPath(t *testing.T) {
	s := startCamera(t, "/cam1")
	_, err := read(t, s.URL("/nope"), gortsplib.ProtocolTCP)
	var bad liberrors.ErrClientBadStatusCode
	if !errors.As(err, &bad) || bad.Code != base.StatusNotFound {
		t.Fatalf("err = %v, want 404", err)
	}
}

func TestOffline(t *testing.T) {
	s := startCamera(t, "/cam1", "/cam2")
	r, err := read(t, s.URL("/cam1"), gortsplib.ProtocolTCP)
	if err != nil {
		t.Fatal(err)
	}
	other, err := read(t, s.URL("/cam2"), gortsplib.ProtocolUDP)
	if err != nil {
		t.Fatal(err)
	}
	<-r.gotFrame

	s.SetOnline("/cam1", false)
	done := make(chan error, 1)
	go func() { done <- r.c.Wait() }()
	select {
	case err := <-done:
		t.Logf("reader dropped: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("reader of an offline path not dropped")
	}
	var bad liberrors.ErrClientBadStatusCode
	if _, err := read(t, s.URL("/cam1"), gortsplib.ProtocolTCP); !errors.As(err, &bad) || bad.Code != base.StatusNotFound {
		t.Fatalf("DESCRIBE offline: err = %v, want 404", err)
	}

	// The other path is untouched.
	aus, _, _, _ := other.counts()
	testwait.For(t, 3*time.Second, "cam2 to keep playing", func() bool {
		n, _, _, _ := other.counts()
		return n > aus+5
	})

	s.SetOnline("/cam1", true)
	r2, err := read(t, s.URL("/cam1"), gortsplib.ProtocolTCP)
	if err != nil {
		t.Fatalf("read after online: %v", err)
	}
	testwait.For(t, 3*time.Second, "frames after online", func() bool {
		n, _, _, _ := r2.counts()
		return n > 0
	})
}

func TestCloseStopsEverything(t *testing.T) {
	s, err := Start(context.Background(), Config{Addr: "127.0.0.1:0", Paths: []string{"/cam1"}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := read(t, s.URL("/cam1"), gortsplib.ProtocolTCP)
	if err != nil {
		t.Fatal(err)
	}
	<-r.gotFrame
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs")
	}
	if err := r.c.Wait(); err == nil {
		t.Fatal("reader still connected after Close")
	}
	if _, err := read(t, s.URL("/cam1"), gortsplib.ProtocolTCP); err == nil {
		t.Fatal("server still answers after Close")
	}
}

func TestConfigErrors(t *testing.T) {
	cases := map[string]struct {
		cfg  Config
		want error
	}{
		"no paths":  {Config{Addr: "127.0.0.1:0"}, ErrNoPaths},
		"duplicate": {Config{Addr: "127.0.0.1:0", Paths: []string{"/a", "a"}}, ErrDuplicatePath},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Start(t.Context(), tc.cfg); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := Start(t.Context(), Config{Addr: "bad", Paths: []string{"/a"}}); err == nil {
		t.Fatal("bad addr accepted")
	}
}

// The library's per-packet warnings come to the camera's handler (and its
// rate-limited log), never to the standard logger.
var (
	_ gortsplib.ServerHandlerOnStreamWriteError = (*handler)(nil)
	_ gortsplib.ServerHandlerOnPacketsLost      = (*handler)(nil)
	_ gortsplib.ServerHandlerOnDecodeError      = (*handler)(nil)
)
