// Package camera is a simulated IP camera: an RTSP server (gortsplib) that
// plays the test clip (package clip) on any number of paths, H.264
// (packetization-mode 1, SPS/PPS in the SDP and in-band before every IDR)
// plus Opus, over TCP (interleaved) and UDP. Every access unit carries a
// seistamp SEI with the wall-clock time it was sent. A path can be taken
// offline, as if the camera lost power.
package camera

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"

	"fieldwatch/internal/lograte"
	"fieldwatch/sim/clip"
)

// Errors returned by Start.
var (
	// ErrNoPaths means Config.Paths is empty.
	ErrNoPaths = errors.New("camera: no paths")
	// ErrDuplicatePath means a path appears twice in Config.Paths.
	ErrDuplicatePath = errors.New("camera: duplicate path")
)

// Payload types in the SDP.
const (
	videoPayloadType = 96
	audioPayloadType = 97
)

// Config configures a simulated camera server.
type Config struct {
	// Addr is the RTSP (TCP) listen address, e.g. "127.0.0.1:0".
	Addr string
	// Paths are the stream paths served, e.g. "/cam1"; a missing leading
	// slash is added.
	Paths []string
	// Logger receives connection and session events. Nil discards them.
	Logger *slog.Logger
	// UDPRTPPort is the server's RTP port for the UDP transport (RTCP uses
	// the next one); it must be even. Zero picks a free pair on Addr's host.
	UDPRTPPort int
	// Clip is what every path plays. Nil means clip.Default().
	Clip *clip.Clip
}

// Server is a running simulated camera server.
type Server struct {
	rtsp   *gortsplib.Server
	log    *slog.Logger
	clip   *clip.Clip
	host   string // host:port of the RTSP listener
	paths  map[string]*camPath
	cancel context.CancelFunc
	wg     sync.WaitGroup

	closeOnce sync.Once
}

// Start starts the RTSP server and one clip player per path. The server
// stops when ctx is done or Close is called.
//
// Every path plays from Start on, whether anyone reads or not, as a real
// camera encodes all the time: a reader joins a running stream mid-GOP and
// waits for the next IDR (at most 1 s), and stamps are send times, exactly
// as behind a real camera. The cost of an idle path is packetising 25
// frames a second, with no copies to any reader.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if len(cfg.Paths) == 0 {
		return nil, ErrNoPaths
	}
	s := &Server{
		log:   cfg.Logger,
		clip:  cfg.Clip,
		paths: make(map[string]*camPath, len(cfg.Paths)),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.clip == nil {
		s.clip = clip.Default()
	}
	for _, p := range cfg.Paths {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		if _, dup := s.paths[p]; dup {
			return nil, fmt.Errorf("%w: %s", ErrDuplicatePath, p)
		}
		s.paths[p] = &camPath{name: p, srv: s, log: s.log.With("path", p)}
	}

	rtsp, err := listen(cfg.Addr, cfg.UDPRTPPort, &handler{s: s, noisy: lograte.New(s.log, time.Minute)})
	if err != nil {
		return nil, err
	}
	s.rtsp = rtsp
	s.host = rtsp.NetListener().Addr().String()

	for _, p := range s.paths {
		if err := p.setOnline(true); err != nil {
			rtsp.Close()
			return nil, err
		}
	}

	ctx, s.cancel = context.WithCancel(ctx)
	for _, p := range s.paths {
		s.wg.Go(func() { p.play(ctx) })
	}
	s.wg.Go(func() {
		<-ctx.Done()
		s.shutdown()
	})
	s.log.Info("camera started", "addr", s.host, "paths", len(s.paths))
	return s, nil
}

// listen starts the gortsplib server on addr with the UDP transport on
// rtpPort and rtpPort+1, or on a free even/odd pair when rtpPort is 0.
func listen(addr string, rtpPort int, h *handler) (*gortsplib.Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("camera: addr %q: %w", addr, err)
	}
	attempts := 1
	if rtpPort == 0 {
		attempts = 20 // a chosen pair can be taken before we bind it
	}
	var lastErr error
	for range attempts {
		port := rtpPort
		if port == 0 {
			if port, err = freeEvenPort(host); err != nil {
				return nil, err
			}
		}
		srv := &gortsplib.Server{
			Handler:        h,
			RTSPAddress:    addr,
			UDPRTPAddress:  net.JoinHostPort(host, fmt.Sprint(port)),
			UDPRTCPAddress: net.JoinHostPort(host, fmt.Sprint(port+1)),
		}
		if lastErr = srv.Start(); lastErr == nil {
			return srv, nil
		}
	}
	return nil, fmt.Errorf("camera: start RTSP server on %s: %w", addr, lastErr)
}

// freeEvenPort asks the system for a free UDP port on host and rounds it
// down to even. The pair is only likely free: listen retries when not.
func freeEvenPort(host string) (int, error) {
	pc, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("camera: find a free UDP port: %w", err)
	}
	port := pc.LocalAddr().(*net.UDPAddr).Port
	pc.Close()
	if port%2 != 0 {
		port--
	}
	if port < 1024 {
		port += 1024
	}
	return port, nil
}

// URL returns the rtsp:// URL of a path.
func (s *Server) URL(path string) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return "rtsp://" + s.host + path
}

// SetOnline takes a path offline (its readers are dropped and DESCRIBE and
// SETUP get 404 Not Found, as from a camera without power) or back online.
// Unknown paths are ignored.
func (s *Server) SetOnline(path string, online bool) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	p, ok := s.paths[path]
	if !ok {
		return
	}
	if err := p.setOnline(online); err != nil {
		p.log.Error("set online", "online", online, "err", err)
	}
}

// Close stops the players and the RTSP server, dropping every reader, and
// waits for them.
func (s *Server) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}

func (s *Server) shutdown() {
	s.closeOnce.Do(func() {
		for _, p := range s.paths {
			_ = p.setOnline(false)
		}
		s.rtsp.Close()
		s.log.Info("camera stopped", "addr", s.host)
	})
}

// newDescription returns the SDP of a path: H.264 with SPS/PPS, and Opus.
func (s *Server) newDescription() *description.Session {
	return &description.Session{
		Title: "fieldwatch simulated camera",
		Medias: []*description.Media{
			{
				Type: description.MediaTypeVideo,
				Formats: []format.Format{&format.H264{
					PayloadTyp:        videoPayloadType,
					PacketizationMode: 1,
					SPS:               s.clip.SPS,
					PPS:               s.clip.PPS,
				}},
			},
			{
				Type: description.MediaTypeAudio,
				Formats: []format.Format{&format.Opus{
					PayloadTyp:   audioPayloadType,
					ChannelCount: clip.AudioChannels,
				}},
			},
		},
	}
}

// handler answers RTSP requests for the server's paths.
type handler struct {
	s     *Server
	noisy *lograte.Logger // the RTSP library's warnings, at most once a minute each
}

// OnStreamWriteError implements gortsplib.ServerHandlerOnStreamWriteError:
// a reader too slow for the stream (its write queue full) is logged once a
// minute, not once a packet as the library would.
func (h *handler) OnStreamWriteError(ctx *gortsplib.ServerHandlerOnStreamWriteErrorCtx) {
	h.noisy.Warn("write", "camera: a reader is not keeping up", "err", ctx.Error)
}

// OnPacketsLost implements gortsplib.ServerHandlerOnPacketsLost.
func (h *handler) OnPacketsLost(ctx *gortsplib.ServerHandlerOnPacketsLostCtx) {
	h.noisy.Warn("lost", "camera: RTP packets lost", "lost", ctx.Lost)
}

// OnDecodeError implements gortsplib.ServerHandlerOnDecodeError.
func (h *handler) OnDecodeError(ctx *gortsplib.ServerHandlerOnDecodeErrorCtx) {
	h.noisy.Warn("decode", "camera: RTP decode error", "err", ctx.Error)
}

func (h *handler) stream(path string) (*base.Response, *gortsplib.ServerStream, error) {
	p, ok := h.s.paths[path]
	if !ok {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	st := p.currentStream()
	if st == nil {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, st, nil
}

// OnDescribe implements gortsplib.ServerHandlerOnDescribe.
func (h *handler) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	return h.stream(ctx.Path)
}

// OnSetup implements gortsplib.ServerHandlerOnSetup.
func (h *handler) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	return h.stream(ctx.Path)
}

// OnPlay implements gortsplib.ServerHandlerOnPlay.
func (h *handler) OnPlay(ctx *gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	h.s.log.Debug("play", "path", ctx.Path, "remote", ctx.Conn.NetConn().RemoteAddr().String(),
		"transport", ctx.Session.Transport().Protocol.String())
	return &base.Response{StatusCode: base.StatusOK}, nil
}

// OnSessionClose implements gortsplib.ServerHandlerOnSessionClose.
func (h *handler) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	h.s.log.Debug("session closed", "path", ctx.Session.Path(), "err", ctx.Error)
}
