package incidents

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"fieldwatch/hub/monitor"
	"fieldwatch/internal/vntime"
)

// Services gives the monitored services' current states.
type Services interface {
	Current() []monitor.Service
}

// WatchParams are what the watcher needs.
type WatchParams struct {
	Store    *Store
	Services Services
	// Online reports whether a vehicle's link is up.
	Online func(vehicle string) bool
	// Overdue raises the overdue alert of an escalated incident.
	Overdue func(vehicle, camera, message string) error
	// After is how long a fault lasts before an incident opens by itself.
	After time.Duration
	// Every is how often the watcher looks (Run).
	Every time.Duration
	Now   func() time.Time // nil: time.Now
	Log   *slog.Logger
}

// ControlService is the monitored service of a vehicle's link.
const ControlService = "control"

// Watcher opens an incident for a camera or a vehicle's link down longer
// than a threshold, closes the automatic ones whose fault cleared, and
// escalates overdue ones.
type Watcher struct{ p WatchParams }

// NewWatcher returns the watcher.
func NewWatcher(p WatchParams) *Watcher {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Log == nil {
		p.Log = slog.Default()
	}
	if p.Every <= 0 {
		p.Every = 10 * time.Second
	}
	return &Watcher{p: p}
}

// Run looks every p.Every until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	t := time.NewTicker(w.p.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.Check()
		}
	}
}

// Check looks once.
func (w *Watcher) Check() {
	now, s, log := w.p.Now(), w.p.Store, w.p.Log
	for _, svc := range w.p.Services.Current() {
		if svc.Host == "hub" {
			continue
		}
		kind, camera := "", ""
		switch {
		case svc.Name == ControlService:
			kind = KindTransmission
		case strings.HasPrefix(svc.Name, "camera "):
			kind, camera = KindCamera, strings.TrimPrefix(svc.Name, "camera ")
		default:
			continue
		}
		if svc.State == monitor.Running {
			if closed, err := s.CloseAuto(kind, svc.Host, camera); err != nil {
				log.Error("incidents: auto close", "err", err)
			} else if len(closed) > 0 {
				log.Info("incident cleared by itself", "vehicle", svc.Host, "kind", kind, "camera", camera)
			}
			continue
		}
		if kind == KindCamera && !w.p.Online(svc.Host) {
			continue // the link is down: that is the transmission incident
		}
		if now.Sub(svc.Since) < w.p.After {
			continue
		}
		title := fmt.Sprintf("Mất kết nối truyền dẫn xe %s", svc.Host)
		if kind == KindCamera {
			title = fmt.Sprintf("Camera %s của xe %s không hoạt động", camera, svc.Host)
		}
		if _, err := s.Open(Incident{Kind: kind, Unit: svc.Unit, Vehicle: svc.Host, Camera: camera, Title: title}, "auto"); err != nil {
			log.Error("incidents: auto open", "err", err)
		}
	}
	esc, err := s.Escalate()
	if err != nil {
		log.Error("incidents: escalate", "err", err)
	}
	for _, in := range esc {
		msg := fmt.Sprintf("sự cố quá hạn khắc phục (hạn %s): %s", in.Due.In(vntime.Zone).Format("02/01/2006"), in.Title)
		if err := w.p.Overdue(in.Vehicle, in.Camera, msg); err != nil {
			log.Error("incident alert", "err", err)
		}
	}
}
