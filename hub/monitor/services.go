package monitor

import (
	"fmt"
	"log/slog"
	"time"

	"fieldwatch/protocol"
)

// Service names (Decision 3035, Appendix II).
const (
	SvcControl  = "control"
	SvcRecorder = "recorder"
	SvcSync     = "sync"
	SvcStorage  = "storage"
)

// hubServiceNames are the hub's own services.
var hubServiceNames = []string{"http", "relay", "archive", SvcControl, "scheduler"}

// VehicleUnits tells which unit a vehicle belongs to.
type VehicleUnits interface {
	UnitOf(vehicle string) (string, error)
}

// Recorder turns what the hub learns of its vehicles (control channel up
// or down, telemetry) and of itself into services' states.
type Recorder struct {
	m       *Monitor
	units   VehicleUnits
	address func(vehicle string) string
	now     func() time.Time
	log     *slog.Logger
}

// RecorderParams build a Recorder.
type RecorderParams struct {
	Monitor *Monitor
	// Units gives a vehicle's unit.
	Units VehicleUnits
	// Address gives the address a vehicle's control channel comes from.
	Address func(vehicle string) string
	Now     func() time.Time // nil = time.Now
	Logger  *slog.Logger
}

// NewRecorder builds a Recorder.
func NewRecorder(p RecorderParams) *Recorder {
	r := &Recorder{m: p.Monitor, units: p.Units, address: p.Address, now: p.Now, log: p.Logger}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	return r
}

func (r *Recorder) where(vehicle string) (unit, addr string) {
	if r.units != nil {
		if u, err := r.units.UnitOf(vehicle); err == nil {
			unit = u
		}
	}
	if r.address != nil {
		addr = r.address(vehicle)
	}
	return unit, addr
}

func (r *Recorder) report(s Service, now time.Time) {
	if err := r.m.Report(s, now); err != nil {
		r.log.Error("service state", "err", err)
	}
}

// Link marks a vehicle's control channel up or down (the control
// channel's OnChange).
func (r *Recorder) Link(vehicle string, online bool) {
	unit, addr := r.where(vehicle)
	state, msg := Running, ""
	if !online {
		state, msg = Stopped, "mất kết nối điều khiển"
	}
	r.report(Service{Host: vehicle, Name: SvcControl, Unit: unit, Address: addr, State: state, Message: msg}, r.now())
}

// Telemetry turns a vehicle's telemetry into its services' states (the
// control channel's OnTelemetry).
func (r *Recorder) Telemetry(vehicle string, t *protocol.Telemetry) {
	now := r.now()
	unit, addr := r.where(vehicle)
	report := func(name, state, msg string) {
		r.report(Service{Host: vehicle, Name: name, Unit: unit, Address: addr, State: state, Message: msg}, now)
	}
	report(SvcControl, Running, "")
	for _, c := range t.Cameras {
		switch c.State {
		case protocol.CameraOnline:
			report("camera "+c.ID, Running, fmt.Sprintf("%dx%d", c.Width, c.Height))
		case protocol.CameraError:
			report("camera "+c.ID, Error, c.Error)
		default:
			report("camera "+c.ID, Stopped, c.Error)
		}
		switch {
		case c.Publishing:
			report("uplink "+c.ID, Running, fmt.Sprintf("%.0f kbit/s", c.BitrateKbps))
		case c.State == protocol.CameraOnline && t.Link.State == protocol.LinkUp:
			report("uplink "+c.ID, Error, "camera online but not streaming to the hub")
		default:
			report("uplink "+c.ID, Stopped, "")
		}
	}
	if st := t.Storage; st != nil {
		switch {
		case !st.Recording:
			report(SvcRecorder, Error, st.Message)
		default:
			report(SvcRecorder, Running, "")
		}
		switch st.Alarm {
		case protocol.StorageFull:
			report(SvcStorage, Error, st.Message)
		case protocol.StorageLow:
			report(SvcStorage, Stopped, st.Message)
		default:
			report(SvcStorage, Running, fmt.Sprintf("%d/%d MB", st.UsedBytes>>20, st.BudgetBytes>>20))
		}
	}
	if sy := t.Sync; sy != nil {
		switch {
		case sy.LastError != "" && sy.BacklogSegments > 0:
			report(SvcSync, Error, sy.LastError)
		default:
			report(SvcSync, Running, fmt.Sprintf("backlog %d", sy.BacklogSegments))
		}
	}
}

// Hub reports the hub's own services: state at address addr, with msg.
func (r *Recorder) Hub(state, addr, msg string) {
	now := r.now()
	for _, name := range hubServiceNames {
		r.report(Service{Host: "hub", Name: name, Unit: "", Address: addr, State: state, Message: msg}, now)
	}
}
