// Package server assembles a duty hub from its configuration: database,
// accounts, fleet, media relay, control channel, console, and the HTTP
// routes that expose them.
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
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"fieldwatch/hub/alerts"
	"fieldwatch/hub/archive"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
	"fieldwatch/hub/control"
	"fieldwatch/hub/dutylog"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/incidents"
	"fieldwatch/hub/leave"
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
	"fieldwatch/protocol"
)

// Version is the software version reported by the API.
var Version = "0.1.0"

// DemoHooks are set by `fieldwatch demo`: they let the console and tests
// cut and restore a simulated vehicle's link.
type DemoHooks struct {
	SetLink func(vehicle string, up bool) error
	LinkUp  func(vehicle string) (up, known bool)
}

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
}

// Hub is a running duty hub.
type Hub struct {
	cfg     Config
	log     *slog.Logger
	demo    *DemoHooks
	db      *store.DB
	auth    *auth.Service
	units   *units.Tree
	fleet   *fleet.Fleet
	relay   *relay.Relay
	control *control.Server
	metrics *prometheus.Registry
	started time.Time

	messages  *messaging.Service
	monitor   *monitor.Monitor
	dutylog   *dutylog.Log
	leave     *leave.Store
	rosters   *rosters.Service
	incidents *incidents.Store
	workdays  incidents.WorkingDays
	calendar  *calendar.Calendar
	reports   *reports.Store
	photos    *photos.Store
	archive   *archive.Archive
	alerts    *alerts.Store
	auditLog  *audit.Log
	missions  *missions.Store // mobile surveillance missions
	profiles  *profiles.Store // focus profiles (targeted surveillance)
	palerts   *profiles.Alerts
	watch     *watch.Store   // continuous surveillance: camera groups, watch assignments
	samples   *samples.Store // continuous surveillance: random-sample lists and tasks
	alarmMu   sync.Mutex
	alarms    map[string]string // vehicle -> last storage alarm

	mu  sync.Mutex
	srv *http.Server
}

// New opens the hub's database and builds its parts; Serve starts it.
func New(opts Options) (*Hub, error) {
	cfg := opts.Config
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("hub config: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	log = log.With("hub", cfg.Name)
	db, err := store.Open(cfg.DataDir, log)
	if err != nil {
		return nil, err
	}
	h := &Hub{cfg: cfg, log: log, demo: opts.Demo, db: db, started: time.Now(), alarms: map[string]string{}}
	h.alerts = alerts.New(db, cfg.Archive.Retention, nil)
	if h.auditLog, err = audit.Open(db, nil); err != nil {
		db.Close()
		return nil, err
	}
	archDir := cfg.Archive.Dir
	if archDir == "" {
		archDir = filepath.Join(cfg.DataDir, "archive")
	}
	h.archive, err = archive.New(archive.Config{Dir: archDir, Retention: cfg.Archive.Retention,
		SweepInterval: cfg.Archive.SweepInterval}, db, h.alerts, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	h.auth = auth.New(db, auth.Params{SessionTTL: cfg.SessionTTL})
	if h.units, err = units.Open(db, cfg.Units.Levels); err != nil {
		db.Close()
		return nil, err
	}
	for _, u := range cfg.Units.Tree {
		if err := h.units.Put(units.Unit(u)); err != nil {
			db.Close()
			return nil, fmt.Errorf("hub config: unit %s: %w", u.ID, err)
		}
	}
	if h.messages, err = messaging.New(db, messaging.Params{Logger: log, Due: cfg.Messaging.Due, UrgentDue: cfg.Messaging.UrgentDue,
		OnReport: h.vehicleReport}); err != nil {
		db.Close()
		return nil, err
	}
	h.reports = reports.New(db, reports.Params{})
	h.watch, h.samples = watch.New(db, nil), samples.New(db, nil)
	if err := h.openMissions(); err != nil {
		db.Close()
		return nil, err
	}
	h.profiles = profiles.New(db, nil)
	if h.palerts, err = profiles.OpenAlerts(db, nil); err != nil {
		db.Close()
		return nil, err
	}
	h.monitor = monitor.New(db, cfg.Archive.Retention)
	h.openDuty()
	if h.calendar, err = calendar.New(calendar.DBStore{DB: db}); err != nil {
		db.Close()
		return nil, err
	}
	h.workdays = h.calendar
	h.incidents = incidents.New(db, h.workdays, nil)
	if h.photos, err = photos.New(db, photos.Params{Dir: filepath.Join(cfg.DataDir, "photos")}); err != nil {
		db.Close()
		return nil, err
	}
	h.fleet = fleet.New(db)
	if err := h.registerVehicles(); err != nil {
		db.Close()
		return nil, err
	}
	if err := h.bootstrapAdmin(opts.AdminPassword); err != nil {
		db.Close()
		return nil, err
	}
	h.relay, err = relay.New(relay.Params{
		Logger:         log.With("component", "relay"),
		LoopbackOnly:   cfg.WebRTC.LoopbackOnly,
		NAT1To1IPs:     cfg.WebRTC.NAT1To1IPs,
		UDPPort:        cfg.WebRTC.UDPPort,
		UDPPortMin:     cfg.WebRTC.PortMin,
		UDPPortMax:     cfg.WebRTC.PortMax,
		ViewerQueue:    cfg.Relay.ViewerQueue,
		MaxViewers:     cfg.Relay.MaxViewers,
		PLIInterval:    cfg.Relay.PLIInterval,
		GOPCacheBytes:  cfg.Relay.GOPCacheBytes,
		PublisherGrace: cfg.Relay.PublisherGrace,

		PublisherDisconnected: cfg.Relay.PublisherDisconnected,
		PublisherFailed:       cfg.Relay.PublisherFailed,
		StampParser:           opts.StampParser,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	h.control = control.New(control.Params{
		Authenticate:      func(r *http.Request) (string, error) { return h.auth.Vehicle(bearer(r)) },
		HubName:           cfg.Name,
		Logger:            log.With("component", "control"),
		HeartbeatInterval: cfg.Control.HeartbeatInterval,
		OfflineAfter:      cfg.Control.OfflineAfter,
		OnChange: func(vehicle string, online bool) {
			log.Info("vehicle link", "vehicle", vehicle, "online", online)
			h.vehicleLink(vehicle, online)
			h.profileLink(vehicle, online)
		},
		OnTelemetry: func(vehicle string, t *protocol.Telemetry) {
			h.storageAlarm(vehicle, t)
			h.vehicleServices(vehicle, t)
			h.missions.Telemetry(vehicle, t)
			h.profileTelemetry(vehicle, t)
		},
		Mail: h.messages,
	})
	h.metrics = prometheus.NewRegistry()
	h.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		h.relay.Collector(), newFleetCollector(h))
	return h, nil
}

// registerVehicles puts the configured vehicles and their tokens in the
// database, and notes when each camera was first seen.
func (h *Hub) registerVehicles() error {
	for _, v := range h.cfg.Vehicles {
		if err := h.fleet.Put(v.fleet()); err != nil {
			return fmt.Errorf("register vehicle %s: %w", v.ID, err)
		}
		if err := h.auth.SetVehicleToken(v.ID, v.Token); errors.Is(err, auth.ErrRevoked) {
			h.log.Warn("configured vehicle token was revoked; the vehicle needs a new one", "vehicle", v.ID)
		} else if err != nil {
			return fmt.Errorf("register vehicle %s token: %w", v.ID, err)
		}
	}
	// The watch coverage dates a camera from when the hub first saw it:
	// a camera added to the configuration counts from this start.
	if _, _, err := h.watchFleet(); err != nil {
		return fmt.Errorf("register cameras for watch coverage: %w", err)
	}
	return nil
}

// bootstrapAdmin creates the first administrator of an empty hub.
func (h *Hub) bootstrapAdmin(password string) error {
	return auth.BootstrapAdmin(h.auth, password, h.log)
}

// Auth gives the account service (demo seeding, admin tools).
func (h *Hub) Auth() *auth.Service { return h.auth }

// ControlOnline reports whether a vehicle's control channel is up.
func (h *Hub) ControlOnline(vehicle string) bool { return h.control.Status(vehicle).Online }

// Units gives the unit tree (demo seeding, admin tools).
func (h *Hub) Units() *units.Tree { return h.units }

// Fleet gives the vehicle register.
func (h *Hub) Fleet() *fleet.Fleet { return h.fleet }

// Relay gives the media relay.
func (h *Hub) Relay() *relay.Relay { return h.relay }

// Listen binds the configured address; Serve then serves on it.
func (h *Hub) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", h.cfg.HTTP.Addr)
	if err != nil {
		return nil, fmt.Errorf("hub: listen %s: %w", h.cfg.HTTP.Addr, err)
	}
	return ln, nil
}

// Serve serves HTTP on ln until ctx ends, then shuts down gracefully.
func (h *Hub) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           h.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(h.log.Handler(), slog.LevelDebug),
	}
	h.mu.Lock()
	h.srv = srv
	h.mu.Unlock()
	cert, key, err := h.certificate()
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		if cert != "" {
			errc <- srv.ServeTLS(ln, cert, key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	h.log.Info("hub serving", "addr", ln.Addr().String(), "tls", cert != "")
	h.hubServices(monitor.Running, ln.Addr().String(), "")
	defer h.hubServices(monitor.Stopped, ln.Addr().String(), "hub shut down")
	// The background loops: retention, escalation and reminders, profile
	// windows, mission windows; they stop with the hub.
	loopCtx, stopLoops := context.WithCancel(ctx)
	var loops sync.WaitGroup
	for _, run := range h.loops() {
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

// loops are the domains' background loops, run while the hub serves.
func (h *Hub) loops() []func(context.Context) {
	var all []func(context.Context)
	for _, part := range [][]func(context.Context){h.archiveLoops(), h.messagingLoops(), h.incidentsLoops(), h.dutyLoops(), h.profilesLoops(), h.missionsLoops()} {
		all = append(all, part...)
	}
	return all
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
	cert, key, created, err := tlscert.Ensure(filepath.Join(h.cfg.DataDir, "tls"), h.cfg.HTTP.TLSHosts, time.Now())
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
	h.control.Close()
	errs = append(errs, h.relay.Close())
	errs = append(errs, h.db.Close())
	return errors.Join(errs...)
}

// every calls fn with the time at each tick of period until ctx ends.
func every(ctx context.Context, period time.Duration, fn func(time.Time)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			fn(now)
		}
	}
}
