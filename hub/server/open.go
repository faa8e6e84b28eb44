package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
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
	"fieldwatch/hub/units"
	"fieldwatch/hub/watch"
	"fieldwatch/protocol"
)

// open builds the domains in the order they depend on one another: the
// audit trail and identity first, then the fleet and evidence, messages,
// duty, the surveillance modes, and live video last (its control channel
// feeds everything above).
func (h *Hub) open(opts Options) error {
	cfg, db, now := h.cfg, h.db, h.now
	var err error
	if h.auditLog, err = audit.Open(db, now); err != nil {
		return err
	}
	h.auth = auth.New(db, auth.Params{SessionTTL: cfg.SessionTTL, Now: now})
	if h.units, err = units.Open(db, cfg.Units.Levels); err != nil {
		return err
	}
	for _, u := range cfg.Units.Tree {
		if err := h.units.Put(units.Unit(u), "config"); err != nil {
			return fmt.Errorf("hub config: unit %s: %w", u.ID, err)
		}
	}
	if h.calendar, err = calendar.New(calendar.DBStore{DB: db}); err != nil {
		return err
	}
	h.fleet = fleet.New(db)
	h.alerts = alerts.New(db, cfg.Archive.Retention, now)
	archDir := cfg.Archive.Dir
	if archDir == "" {
		archDir = filepath.Join(cfg.DataDir, "archive")
	}
	if h.archive, err = archive.New(archive.Config{Dir: archDir, Retention: cfg.Archive.Retention,
		SweepInterval: cfg.Archive.SweepInterval}, db, h.alerts, h.log); err != nil {
		return err
	}
	if h.messages, err = messaging.New(db, messaging.Params{Logger: h.log, Now: now, Due: cfg.Messaging.Due,
		UrgentDue: cfg.Messaging.UrgentDue, OnReport: h.vehicleReport}); err != nil {
		return err
	}
	h.reports = reports.New(db, reports.Params{Now: now})
	if h.photos, err = photos.New(db, photos.Params{Dir: filepath.Join(cfg.DataDir, "photos"), Now: now}); err != nil {
		return err
	}
	h.dutylog = dutylog.New(dutylog.Params{DB: db, Now: now})
	h.leave = leave.New(leave.Params{DB: db, Now: now})
	h.rosters = rosters.NewService(rosters.ServiceParams{Store: rosters.NewStore(rosters.StoreParams{DB: db, Now: now}),
		Tree: h.units, Accounts: h.auth, Messages: h.messages, UnitName: func(id string) string { return unitName(h.units, id) }, Log: h.log.With("component", "rosters")})
	h.watch, h.samples = watch.New(db, now), samples.New(db, now)
	h.profiles = profiles.New(db, now)
	if h.palerts, err = profiles.OpenAlerts(db, now); err != nil {
		return err
	}
	if h.missions, err = missions.New(db, missions.Params{Logger: h.log, Now: now, Send: h.messages.QueueMission}); err != nil {
		return err
	}
	h.messages.SetMissionHooks(messaging.MissionHooks{
		Delivered: func(vehicle, id string, rev uint64, at time.Time) {
			if err := h.missions.Delivered(id, rev, at); err != nil {
				h.log.Warn("mission delivered", "vehicle", vehicle, "mission", id, "err", err)
			}
		},
		Report: h.missions.CloseFromVehicle,
	})
	h.incidents = incidents.New(db, h.calendar, now)
	h.monitor = monitor.New(db, cfg.Archive.Retention)
	if err := h.registerVehicles(); err != nil {
		return err
	}
	if err := auth.BootstrapAdmin(h.auth, opts.AdminPassword, h.log); err != nil {
		return err
	}
	if h.relay, err = relay.New(relay.Params{
		Logger:                h.log.With("component", "relay"),
		LoopbackOnly:          cfg.WebRTC.LoopbackOnly,
		NAT1To1IPs:            cfg.WebRTC.NAT1To1IPs,
		UDPPort:               cfg.WebRTC.UDPPort,
		UDPPortMin:            cfg.WebRTC.PortMin,
		UDPPortMax:            cfg.WebRTC.PortMax,
		ViewerQueue:           cfg.Relay.ViewerQueue,
		MaxViewers:            cfg.Relay.MaxViewers,
		PLIInterval:           cfg.Relay.PLIInterval,
		GOPCacheBytes:         cfg.Relay.GOPCacheBytes,
		PublisherGrace:        cfg.Relay.PublisherGrace,
		PublisherDisconnected: cfg.Relay.PublisherDisconnected,
		PublisherFailed:       cfg.Relay.PublisherFailed,
		StampParser:           opts.StampParser,
	}); err != nil {
		return err
	}
	h.openReactions()
	h.control = control.New(control.Params{
		Authenticate:      func(r *http.Request) (string, error) { return h.auth.Vehicle(httpapi.Bearer(r)) },
		HubName:           cfg.Name,
		Logger:            h.log.With("component", "control"),
		HeartbeatInterval: cfg.Control.HeartbeatInterval,
		OfflineAfter:      cfg.Control.OfflineAfter,
		OnChange: func(vehicle string, online bool) {
			h.log.Info("vehicle link", "vehicle", vehicle, "online", online)
			h.services.Link(vehicle, online)
			h.dispatch.Link(vehicle, online)
		},
		OnTelemetry: func(vehicle string, t *protocol.Telemetry) {
			h.archive.Telemetry(vehicle, t)
			h.services.Telemetry(vehicle, t)
			h.missions.Telemetry(vehicle, t)
			h.dispatch.Telemetry(vehicle, t)
		},
		Mail: h.messages,
	})
	h.metrics = prometheus.NewRegistry()
	h.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		h.relay.Collector(), live.NewFleetCollector(h.fleet, h.control))
	return nil
}

// openReactions builds what reacts to the vehicles' links and telemetry:
// service states, the profiles' rules, automatic incidents.
func (h *Hub) openReactions() {
	h.services = monitor.NewRecorder(monitor.RecorderParams{
		Monitor: h.monitor,
		Units:   h.fleet,
		Address: func(vehicle string) string { return h.control.Status(vehicle).Remote },
		Now:     h.now,
		Logger:  h.log,
	})
	h.dispatch = profiles.NewDispatch(profiles.DispatchParams{
		Profiles: h.profiles,
		Alerts:   h.palerts,
		Tree:     h.units,
		Cameras:  h.cameraIDs,
		OnDuty:   surveillanceOnDuty{h.rosters},
		Audit:    h.auditLog,
		Log:      h.log,
	})
	h.incWatch = incidents.NewWatcher(incidents.WatchParams{
		Store:    h.incidents,
		Services: h.monitor,
		Online:   func(vehicle string) bool { return h.control.Status(vehicle).Online },
		Overdue: func(vehicle, camera, msg string) error {
			_, err := h.alerts.Raise(alerts.KindIncidentOverdue, vehicle, camera, msg)
			return err
		},
		After: h.cfg.Incidents.AutoAfter,
		Log:   h.log,
	})
}

// registerVehicles puts the configured vehicles and their tokens in the
// database, and notes when each camera was first seen: a camera added to
// the configuration counts for the watch coverage from this start.
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
	vehicles, err := h.fleet.List()
	if err != nil {
		return err
	}
	if _, err := h.watch.NoteCameras(vehicles); err != nil {
		return fmt.Errorf("register cameras for watch coverage: %w", err)
	}
	return nil
}

// vehicleReport files a crew report that came through a vehicle's outbox.
func (h *Hub) vehicleReport(vehicle string, body json.RawMessage) error {
	if h.reportAPI == nil {
		return errors.New("hub: reports not mounted yet")
	}
	return h.reportAPI.VehicleReport(vehicle, body)
}
