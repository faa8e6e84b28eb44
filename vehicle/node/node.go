// Package node assembles a vehicle node from its configuration: one
// capture and one WHIP uplink per camera, the control channel to the hub,
// and the telemetry it reports.
package node

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pion/transport/v4"

	"fieldwatch/protocol"
	"fieldwatch/vehicle/capture"
	"fieldwatch/vehicle/control"
	"fieldwatch/vehicle/crewapi"
	"fieldwatch/vehicle/mailbox"
	"fieldwatch/vehicle/photosync"
	"fieldwatch/vehicle/recorder"
	"fieldwatch/vehicle/syncer"
	"fieldwatch/vehicle/telemetry"
	"fieldwatch/vehicle/uplink"
)

// Software identifies this build to the hub.
const Software = "fieldwatch-vehicle/0.1"

// Params build a node.
type Params struct {
	Config Config
	Logger *slog.Logger
	// Net and Dial carry the node's traffic over a simulated link (sim/link); nil = the real network.
	Net  transport.Net
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// GPS gives the current fix, if the vehicle has a receiver. Optional.
	GPS func(now time.Time) *protocol.GPSFix
	// Now is the vehicle's clock (mission windows); nil = time.Now.
	Now func() time.Time
	// LiveCheck is how often uplink.live: mission looks at the clock; 0 = 1 s.
	LiveCheck time.Duration
}

// Node is a running vehicle node.
type Node struct {
	p       Params
	log     *slog.Logger
	cams    []*camera
	ctl     *control.Client
	sampler *telemetry.Sampler
	rec     *recorder.Recorder
	mail    *mailbox.Mailbox
	// syncHTTP carries uploads to the hub (segments, photos).
	syncHTTP *http.Client
	sync     *syncer.Syncer
	pace     *syncer.Pacer
	live     liveRate
	// liveOn: the live gate runs the uplinks (uplink.live: mission).
	liveOn atomic.Bool
}

type camera struct {
	cfg CameraConfig
	cap *capture.Capture
	pub *uplink.Publisher
	rec *recorder.Camera

	// Owned by Telemetry (one caller at a time: the control client).
	lastBytes uint64
	lastAt    time.Time
}

// New builds a node; Run runs it.
func New(p Params) (*Node, error) {
	cfg := p.Config
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("vehicle config: %w", err)
	}
	log := p.Logger
	if log == nil {
		log = slog.Default()
	}
	log = log.With("vehicle", cfg.ID)
	tlsConfig, err := hubTLS(cfg.HubCA)
	if err != nil {
		return nil, err
	}
	httpClient := &http.Client{Timeout: 15 * time.Second,
		Transport: &http.Transport{DialContext: p.Dial, TLSClientConfig: tlsConfig, ForceAttemptHTTP2: false, MaxIdleConnsPerHost: 4,
			Proxy: http.ProxyFromEnvironment, TLSHandshakeTimeout: 15 * time.Second}}
	hub := strings.TrimRight(cfg.Hub, "/")
	n := &Node{p: p, log: log, sampler: telemetry.NewSampler(cfg.DataDir)}
	rec, err := openRecorder(cfg, log)
	if err != nil {
		return nil, err
	}
	n.rec = rec
	if n.mail, err = mailbox.Open(filepath.Join(cfg.DataDir, "mailbox"), cfg.ID, log); err != nil {
		rec.Close()
		return nil, err
	}
	hello := protocol.Hello{Vehicle: cfg.ID, Software: Software, Protocol: protocol.Version}
	for _, cc := range cfg.Cameras {
		clog := log.With("camera", cc.ID)
		pub := uplink.New(uplink.Params{
			Endpoint:     hub + "/whip/" + cfg.ID + "/" + cc.ID,
			Token:        cfg.Token,
			HTTP:         httpClient,
			Net:          p.Net,
			LoopbackOnly: cfg.LoopbackOnly,
			Logger:       clog.With("component", "uplink"),
		})
		transport := cc.Transport
		if transport == "" {
			transport = "auto"
		}
		rc, err := rec.Camera(cc.ID)
		if err != nil {
			rec.Close()
			n.mail.Close()
			return nil, err
		}
		capt := capture.New(capture.Config{URL: cc.URL, Transport: transport, Logger: clog.With("component", "capture")}, tee{rc, pub})
		n.cams = append(n.cams, &camera{cfg: cc, cap: capt, pub: pub, rec: rc})
		hello.Cameras = append(hello.Cameras, protocol.CameraInfo{ID: cc.ID, Name: cc.Name})
	}
	n.ctl = control.New(control.Params{
		URL:               wsURL(hub) + "/control/v1/ws",
		Token:             cfg.Token,
		Dial:              p.Dial,
		TLS:               tlsConfig,
		Hello:             hello,
		Telemetry:         n.Telemetry,
		TelemetryInterval: cfg.TelemetryInterval,
		Logger:            log.With("component", "control"),
		Mail:              n.mail,
	})
	n.pace = syncer.NewPacer(syncer.PacerConfig{
		MaxKbps: cfg.Sync.MaxKbps, LinkKbps: cfg.Sync.LinkKbps,
		Live: n.liveKbps,
		Loss: n.liveLoss,
		RTT: func() (time.Duration, time.Time) {
			st := n.ctl.State()
			return st.RTT, st.RTTAt
		},
	})
	n.syncHTTP = syncer.HTTPClient(p.Dial, tlsConfig)
	n.sync = syncer.New(syncer.Params{Hub: hub, Vehicle: cfg.ID, Token: cfg.Token, HTTP: n.syncHTTP, Recorder: rec,
		Pace: n.pace, Logger: log.With("component", "sync")})
	return n, nil
}

// hubTLS trusts the hub's certificate in caFile (PEM: its self-signed
// hub.crt, or the CA that signed it); "" = the system's roots.
func hubTLS(caFile string) (*tls.Config, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("vehicle: hub_ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("vehicle: hub_ca: no certificate in %s", caFile)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// openRecorder opens the recorder in <data_dir>/recordings.
func openRecorder(cfg Config, log *slog.Logger) (*recorder.Recorder, error) {
	dir := filepath.Join(cfg.DataDir, "recordings")
	budget := cfg.Recording.BudgetBytes
	if budget == 0 {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("vehicle: %w", err)
		}
		var st syscall.Statfs_t
		if err := syscall.Statfs(dir, &st); err != nil {
			return nil, fmt.Errorf("vehicle: disk of %s: %w", dir, err)
		}
		budget = max(int64(st.Bavail)*int64(st.Bsize)*8/10, 64<<20)
	}
	return recorder.Open(recorder.Config{Vehicle: cfg.ID, Dir: dir, SegmentDuration: cfg.Recording.SegmentDuration,
		FragmentDuration: cfg.Recording.FragmentDuration, BudgetBytes: budget, OnFull: cfg.Recording.OnFull}, log)
}

// tee hands a camera's media to the recorder and the live uplink.
type tee struct{ rec, live capture.Sink }

func (t tee) Describe(d capture.Description) { t.rec.Describe(d); t.live.Describe(d) }
func (t tee) Video(pts time.Duration, au [][]byte) {
	t.rec.Video(pts, au)
	t.live.Video(pts, au)
}
func (t tee) Audio(pts time.Duration, p []byte) { t.rec.Audio(pts, p); t.live.Audio(pts, p) }

// liveRate measures the live uplink's bitrate for the sync pacer.
type liveRate struct {
	mu    sync.Mutex
	bytes uint64
	at    time.Time
	kbps  float64
}

func (n *Node) liveKbps() float64 {
	var total uint64
	for _, c := range n.cams {
		total += c.pub.State().BytesSent
	}
	now := time.Now()
	l := &n.live
	l.mu.Lock()
	defer l.mu.Unlock()
	// Over 2 s windows: a keyframe would make a shorter window look like a higher rate.
	if dt := now.Sub(l.at).Seconds(); !l.at.IsZero() && dt >= 2 && total >= l.bytes {
		l.kbps = float64(total-l.bytes) * 8 / 1000 / dt
	}
	if l.at.IsZero() || now.Sub(l.at) >= 2*time.Second {
		l.bytes, l.at = total, now
	}
	return l.kbps
}

// Sync is the node's sync agent.
func (n *Node) Sync() *syncer.Syncer { return n.sync }

// liveLoss is the worst live video loss the hub reports across cameras, and when.
func (n *Node) liveLoss() (float64, time.Time) {
	var worst float64
	var at time.Time
	for _, c := range n.cams {
		st := c.pub.State()
		if st.LossAt.After(at) {
			at = st.LossAt
		}
		worst = max(worst, st.LossPct)
	}
	return worst, at
}

// Recorder is the node's recorder (tests look at what it holds).
func (n *Node) Recorder() *recorder.Recorder { return n.rec }

// Mailbox gives the instructions the crew sees and their receipts.
func (n *Node) Mailbox() *mailbox.Mailbox { return n.mail }

// wsURL turns http(s)://host into ws(s)://host.
func wsURL(hub string) string {
	if rest, ok := strings.CutPrefix(hub, "https://"); ok {
		return "wss://" + rest
	}
	return "ws://" + strings.TrimPrefix(hub, "http://")
}

// Run runs every part until ctx ends, then waits for them.
func (n *Node) Run(ctx context.Context) error {
	n.log.Info("vehicle node starting", "hub", n.p.Config.Hub, "cameras", len(n.cams))
	var wg sync.WaitGroup
	run := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx); err != nil && ctx.Err() == nil {
				n.log.Error("component stopped", "component", name, "err", err)
			}
		}()
	}
	for _, c := range n.cams {
		if n.p.Config.Uplink.Live != LiveMission {
			run("uplink "+c.cfg.ID, c.pub.Run)
		}
		run("capture "+c.cfg.ID, c.cap.Run)
	}
	if n.p.Config.Uplink.Live == LiveMission {
		run("live gate", n.runLiveGate)
	}
	run("control", n.ctl.Run)
	run("recorder", n.rec.Run)
	run("sync", n.sync.Run)
	run("sync pacer", func(ctx context.Context) error { n.pace.Run(ctx); return nil })
	if addr := n.p.Config.Crew.Addr; addr != "" {
		run("crew app", n.serveCrew)
	}
	run("photo sync", func(ctx context.Context) error {
		return photosync.Run(ctx, photosync.Params{Hub: strings.TrimRight(n.p.Config.Hub, "/"), Vehicle: n.p.Config.ID,
			Token: n.p.Config.Token, HTTP: n.syncHTTP, Store: n.mail, Logger: n.log.With("component", "photosync")})
	})
	<-ctx.Done()
	wg.Wait()
	if err := n.rec.Close(); err != nil {
		n.log.Error("close recorder", "err", err)
	}
	if err := n.mail.Close(); err != nil {
		n.log.Error("close mailbox", "err", err)
	}
	n.log.Info("vehicle node stopped")
	return nil
}

// serveCrew serves the crew app on the vehicle's LAN until ctx ends.
func (n *Node) serveCrew(ctx context.Context) error {
	cfg := n.p.Config
	api := crewapi.New(crewapi.Params{Vehicle: cfg.ID, Passcode: cfg.Crew.Passcode, Mailbox: n.mail, Logger: n.log,
		Position: func() (float64, float64, bool) {
			if n.p.GPS == nil {
				return 0, 0, false
			}
			if fix := n.p.GPS(time.Now()); fix != nil {
				return fix.Lat, fix.Lon, true
			}
			return 0, 0, false
		},
		Status: func() crewapi.Status {
			return crewapi.Status{Vehicle: cfg.ID, Online: n.ctl.Connected(), Backlog: n.mail.Backlog()}
		}})
	ln, err := net.Listen("tcp", cfg.Crew.Addr)
	if err != nil {
		return fmt.Errorf("crew app: listen %s: %w", cfg.Crew.Addr, err)
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	n.log.Info("crew app serving", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("crew app: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	<-errc
	return nil
}

// Telemetry samples the vehicle's state for the hub.
func (n *Node) Telemetry() protocol.Telemetry {
	now := time.Now()
	t := protocol.Telemetry{Time: now}
	if n.p.GPS != nil {
		t.GPS = n.p.GPS(now)
	}
	if s, err := n.sampler.Sample(); err == nil {
		t.CPUPercent, t.MemUsedBytes, t.MemTotalBytes, t.Disk = s.CPUPercent, s.MemUsedBytes, s.MemTotalBytes, s.Disk
	}
	var rtt time.Duration
	var uplinkKbps float64
	up := false
	for _, c := range n.cams {
		cs, ps := c.cap.State(), c.pub.State()
		kbps := 0.0
		if !c.lastAt.IsZero() && ps.BytesSent >= c.lastBytes {
			if dt := now.Sub(c.lastAt).Seconds(); dt > 0 {
				kbps = float64(ps.BytesSent-c.lastBytes) * 8 / 1000 / dt
			}
		}
		c.lastBytes, c.lastAt = ps.BytesSent, now
		uplinkKbps += kbps
		state := "offline"
		if cs.Connected {
			state = "online"
		} else if cs.LastError != "" {
			state = "error"
		}
		t.Cameras = append(t.Cameras, protocol.CameraState{
			ID: c.cfg.ID, State: state, Publishing: ps.Phase == "connected", Error: cs.LastError,
			Width: cs.Width, Height: cs.Height, BitrateKbps: kbps,
		})
		if ps.Phase == "connected" {
			up = true
			rtt = max(rtt, ps.RTT)
		}
	}
	st := n.rec.Storage()
	t.Storage = &protocol.StorageState{BudgetBytes: st.BudgetBytes, UsedBytes: st.UsedBytes, UnsyncedBytes: st.UnsyncedBytes,
		Alarm: st.Alarm, Message: st.Message, Recording: st.Recording}
	bl, ss := n.rec.Backlog(), n.sync.State()
	t.Sync = &protocol.SyncState{BacklogSegments: bl.Segments, BacklogBytes: bl.Bytes, Lost: bl.Lost,
		RateKbps: ss.RateKbps, LimitKbps: ss.LimitKbps, Uploading: ss.Uploading, LastError: ss.LastError}
	if !bl.Oldest.IsZero() {
		t.Sync.OldestUnsynced = &bl.Oldest
	}
	t.Link = protocol.LinkState{State: "down", RTTMs: float64(rtt.Microseconds()) / 1000, UplinkKbps: uplinkKbps}
	if up || n.ctl.Connected() {
		t.Link.State = "up"
	}
	if st := n.ctl.State(); st.RTT > 0 && t.Link.RTTMs == 0 {
		t.Link.RTTMs = float64(st.RTT.Microseconds()) / 1000
	}
	return t
}
