// Package server assembles a duty hub: it opens the database, builds each
// domain in order from the configuration (identity and units, the fleet,
// the archive, messaging, duty, the three surveillance modes, incidents,
// monitoring, live video), mounts the routes each domain declares behind
// one guard, and owns the hub's start and stop. It holds no domain logic:
// every handler, store and background loop lives in its domain's package.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"fieldwatch/hub/alerts"
	"fieldwatch/hub/archive"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
	"fieldwatch/hub/control"
	"fieldwatch/hub/dutylog"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/incidents"
	"fieldwatch/hub/leave"
	"fieldwatch/hub/live"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/missions"
	"fieldwatch/hub/monitor"
	"fieldwatch/hub/photos"
	"fieldwatch/hub/profiles"
	"fieldwatch/hub/relay"
	"fieldwatch/hub/reports"
	"fieldwatch/hub/roster/rosters"
	"fieldwatch/hub/samples"
	"fieldwatch/hub/store"
	"fieldwatch/hub/tlscert"
	"fieldwatch/hub/units"
	"fieldwatch/hub/watch"
	"fieldwatch/internal/connlimit"
)

// Version is the software version reported by the API.
var Version = "0.1.0"

// DemoHooks are set by `fieldwatch demo`: they let the console and tests
// cut and restore a simulated vehicle's link.
type DemoHooks = live.DemoHooks

// Options build a hub.
type Options struct {
	Config Config
	Logger *slog.Logger
	// Demo, when set, turns on demo-only routes.
	Demo *DemoHooks
	// AdminPassword is the password of the first administrator, created
	// when the hub has no account yet; empty = random, written to the log.
	AdminPassword string
	// StampParser reads capture-time SEI stamps for latency statistics. Optional.
	StampParser func(nalu []byte) (time.Time, bool)
	// Now is the hub's clock (nil: time.Now), given to every domain.
	Now func() time.Time
}

// Hub is a running duty hub: its domains, their routes and loops.
type Hub struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	demo    *DemoHooks
	db      *store.DB
	started time.Time
	metrics *prometheus.Registry

	// Identity, units and the audit trail.
	auth     *auth.Service
	units    *units.Tree
	auditLog *audit.Log
	calendar *calendar.Calendar
	// Live video and the fleet.
	fleet   *fleet.Fleet
	relay   *relay.Relay
	control *control.Server
	// Evidence.
	archive *archive.Archive
	alerts  *alerts.Store
	// Messages to and from the field.
	messages *messaging.Service
	reports  *reports.Store
	photos   *photos.Store
	// Duty.
	dutylog *dutylog.Log
	leave   *leave.Store
	rosters *rosters.Service
	// The three surveillance modes and incidents.
	watch     *watch.Store
	samples   *samples.Store
	profiles  *profiles.Store
	palerts   *profiles.Alerts
	missions  *missions.Store
	incidents *incidents.Store
	monitor   *monitor.Monitor

	// What the domains react to, built once.
	services  *monitor.Recorder
	dispatch  *profiles.Dispatch
	reportAPI *reports.API
	incWatch  *incidents.Watcher

	// The route table and the background loops, built once.
	table []httpapi.Route
	loops []func(context.Context)
}

// New opens the hub's database and builds its domains; Serve starts it.
func New(opts Options) (*Hub, error) {
	cfg := opts.Config
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("hub config: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	log = log.With("hub", cfg.Name)
	db, err := store.Open(cfg.DataDir, log)
	if err != nil {
		return nil, err
	}
	h := &Hub{cfg: cfg, log: log, now: now, demo: opts.Demo, db: db, started: now()}
	if err := h.open(opts); err != nil {
		return nil, errors.Join(err, h.Close())
	}
	h.mount()
	return h, nil
}

// Listen binds the configured address; Serve then serves on it.
func (h *Hub) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", h.cfg.HTTP.Addr)
	if err != nil {
		return nil, fmt.Errorf("hub: listen %s: %w", h.cfg.HTTP.Addr, err)
	}
	return ln, nil
}

// Serve serves HTTP on ln and runs the domains' background loops until ctx
// ends, then shuts down gracefully.
func (h *Hub) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           h.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(h.log.Handler(), slog.LevelDebug),
	}
	cert, key, err := h.certificate()
	if err != nil {
		return err
	}
	ln = connlimit.Wrap(ln, connlimit.Limits{Total: h.maxConns(), PerHost: h.cfg.HTTP.MaxConnsPerHost})
	errc := make(chan error, 1)
	go func() {
		if cert != "" {
			errc <- srv.ServeTLS(ln, cert, key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	h.log.Info("hub serving", "addr", ln.Addr().String(), "tls", cert != "")
	h.services.Hub(monitor.Running, ln.Addr().String(), "")
	defer h.services.Hub(monitor.Stopped, ln.Addr().String(), "hub shut down")
	loopCtx, stopLoops := context.WithCancel(ctx)
	var loops sync.WaitGroup
	for _, run := range h.loops {
		loops.Go(func() { run(loopCtx) })
	}
	defer func() { stopLoops(); loops.Wait() }()
	select {
	case err := <-errc:
		return fmt.Errorf("hub: serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	if e := <-errc; e != nil && !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// fdReserve are the file descriptors kept from connections for the
// recordings, the archive, the database and the relay's sockets.
const fdReserve = 1024

// maxConns is the configured bound on open connections, or the file
// descriptor limit less the reserve (at least 256).
func (h *Hub) maxConns() int {
	if n := h.cfg.HTTP.MaxConns; n > 0 {
		return n
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur > 1<<20 {
		return 1 << 16
	}
	return max(int(lim.Cur)-fdReserve, 256)
}

// TLS reports whether the hub serves HTTPS.
func (h *Hub) TLS() bool { return h.cfg.HTTP.TLS != "off" }

// certificate returns the certificate and key to serve with ("" for plain
// HTTP), making the self-signed pair on first use.
func (h *Hub) certificate() (string, string, error) {
	switch {
	case h.cfg.HTTP.TLS == "off":
		return "", "", nil
	case h.cfg.HTTP.TLSCert != "":
		return h.cfg.HTTP.TLSCert, h.cfg.HTTP.TLSKey, nil
	}
	cert, key, created, err := tlscert.Ensure(filepath.Join(h.cfg.DataDir, "tls"), h.cfg.HTTP.TLSHosts, h.now())
	if err != nil {
		return "", "", fmt.Errorf("hub: %w", err)
	}
	fp, _ := tlscert.Fingerprint(cert)
	h.log.Info("hub TLS certificate", "file", cert, "sha256", fp, "new", created)
	return cert, key, nil
}

// Close releases everything; call after Serve returns.
func (h *Hub) Close() error {
	var errs []error
	if h.control != nil {
		h.control.Close()
	}
	if h.relay != nil {
		errs = append(errs, h.relay.Close())
	}
	errs = append(errs, h.db.Close())
	return errors.Join(errs...)
}

// Auth gives the account service (demo seeding, admin tools).
func (h *Hub) Auth() *auth.Service { return h.auth }

// Units gives the unit tree (demo seeding, admin tools).
func (h *Hub) Units() *units.Tree { return h.units }

// Fleet gives the vehicle register.
func (h *Hub) Fleet() *fleet.Fleet { return h.fleet }

// Relay gives the media relay.
func (h *Hub) Relay() *relay.Relay { return h.relay }

// Profiles gives the focus profiles (demo seeding).
func (h *Hub) Profiles() *profiles.Store { return h.profiles }

// Missions gives the mission store (demo seeding).
func (h *Hub) Missions() *missions.Store { return h.missions }

// Rosters gives the duty rosters (demo and tests).
func (h *Hub) Rosters() *rosters.Service { return h.rosters }

// ControlOnline reports whether a vehicle's control channel is up.
func (h *Hub) ControlOnline(vehicle string) bool { return h.control.Status(vehicle).Online }
