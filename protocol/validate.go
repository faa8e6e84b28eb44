package protocol

import (
	"errors"
	"fmt"
	"math"
	"regexp"
)

// Limits on lists and strings in bodies.
const (
	MaxCameras = 32  // cameras in a Hello or a Telemetry
	MaxText    = 512 // bytes of a free-text field
	maxPixels  = 16384
)

// IDPattern spells vehicle and camera ids.
const IDPattern = `^[a-z0-9][a-z0-9_-]{0,63}$`

var idRE = regexp.MustCompile(IDPattern)

// ValidID reports whether s is a well-spelled vehicle or camera id.
func ValidID(s string) bool { return idRE.MatchString(s) }

func checkID(field, id string) error {
	if !ValidID(id) {
		return fmt.Errorf("%s %q: want %s", field, clip(id), IDPattern)
	}
	return nil
}

func checkText(field, s string) error {
	if len(s) > MaxText {
		return fmt.Errorf("%s: longer than %d bytes", field, MaxText)
	}
	return nil
}

// checkRange requires lo <= v <= hi (JSON carries no NaN or infinity, but
// a Go caller could).
func checkRange(field string, v, lo, hi float64) error {
	if math.IsNaN(v) || v < lo || v > hi {
		return fmt.Errorf("%s %v out of %v..%v", field, v, lo, hi)
	}
	return nil
}

// Validate checks the hello's ids, version and list lengths. A version
// mismatch wraps ErrVersion.
func (h Hello) Validate() error {
	if err := checkID("vehicle", h.Vehicle); err != nil {
		return err
	}
	if h.Protocol != Version {
		return fmt.Errorf("%w: hello.protocol %d (this side speaks %d)", ErrVersion, h.Protocol, Version)
	}
	if err := checkText("software", h.Software); err != nil {
		return err
	}
	if len(h.Cameras) > MaxCameras {
		return fmt.Errorf("cameras: %d, at most %d", len(h.Cameras), MaxCameras)
	}
	seen := make(map[string]bool, len(h.Cameras))
	for i, c := range h.Cameras {
		if err := checkID(fmt.Sprintf("cameras[%d].id", i), c.ID); err != nil {
			return err
		}
		if seen[c.ID] {
			return fmt.Errorf("cameras[%d].id %q: listed twice", i, c.ID)
		}
		seen[c.ID] = true
		if err := checkText(fmt.Sprintf("cameras[%d].name", i), c.Name); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks the welcome's interval and server time.
func (w Welcome) Validate() error {
	if w.HeartbeatIntervalMs < 100 || w.HeartbeatIntervalMs > 60000 {
		return fmt.Errorf("heartbeat_interval_ms %d out of 100..60000", w.HeartbeatIntervalMs)
	}
	if w.ServerTime.IsZero() {
		return errors.New("server_time missing")
	}
	return checkText("hub", w.Hub)
}

// Validate implements Body; every sequence number is valid.
func (Heartbeat) Validate() error { return nil }

// Validate implements Body; every sequence number is valid.
func (HeartbeatAck) Validate() error { return nil }

// Validate checks a fix's ranges.
func (g GPSFix) Validate() error {
	for _, c := range []struct {
		field     string
		v, lo, hi float64
	}{
		{"gps.lat", g.Lat, -90, 90},
		{"gps.lon", g.Lon, -180, 180},
		{"gps.alt_m", g.AltM, -1000, 10000},
		{"gps.speed_kmh", g.SpeedKmh, 0, 500},
		{"gps.accuracy_m", g.AccuracyM, 0, 1e6},
	} {
		if err := checkRange(c.field, c.v, c.lo, c.hi); err != nil {
			return err
		}
	}
	if math.IsNaN(g.Heading) || g.Heading < 0 || g.Heading >= 360 {
		return fmt.Errorf("gps.heading %v out of [0, 360)", g.Heading)
	}
	if g.Time.IsZero() {
		return errors.New("gps.time missing")
	}
	return nil
}

// Validate checks every part of a report.
func (t Telemetry) Validate() error {
	if t.Time.IsZero() {
		return errors.New("time missing")
	}
	if t.GPS != nil {
		if err := t.GPS.Validate(); err != nil {
			return err
		}
	}
	if t.Link.State != LinkUp && t.Link.State != LinkDown {
		return fmt.Errorf("link.state %q: want %s or %s", clip(t.Link.State), LinkUp, LinkDown)
	}
	if err := checkRange("link.rtt_ms", t.Link.RTTMs, 0, 3.6e6); err != nil {
		return err
	}
	if err := checkRange("link.uplink_kbps", t.Link.UplinkKbps, 0, 1e7); err != nil {
		return err
	}
	if err := checkRange("link.loss_pct", t.Link.LossPct, 0, 100); err != nil {
		return err
	}
	if err := checkRange("cpu_percent", t.CPUPercent, 0, 100); err != nil {
		return err
	}
	if t.MemUsedBytes > t.MemTotalBytes {
		return fmt.Errorf("mem_used_bytes %d above mem_total_bytes %d", t.MemUsedBytes, t.MemTotalBytes)
	}
	if t.Disk.FreeBytes > t.Disk.TotalBytes {
		return fmt.Errorf("disk.free_bytes %d above disk.total_bytes %d", t.Disk.FreeBytes, t.Disk.TotalBytes)
	}
	if err := checkText("disk.path", t.Disk.Path); err != nil {
		return err
	}
	if len(t.Cameras) > MaxCameras {
		return fmt.Errorf("cameras: %d, at most %d", len(t.Cameras), MaxCameras)
	}
	for i, c := range t.Cameras {
		if err := c.validate(fmt.Sprintf("cameras[%d]", i)); err != nil {
			return err
		}
	}
	if s := t.Sync; s != nil {
		if s.BacklogSegments < 0 || s.BacklogBytes < 0 || s.Lost < 0 {
			return errors.New("sync: negative backlog")
		}
		if err := checkRange("sync.rate_kbps", s.RateKbps, 0, 1e7); err != nil {
			return err
		}
		if err := checkRange("sync.limit_kbps", s.LimitKbps, 0, 1e7); err != nil {
			return err
		}
		if err := checkText("sync.last_error", s.LastError); err != nil {
			return err
		}
	}
	if s := t.Storage; s != nil {
		if s.BudgetBytes < 0 || s.UsedBytes < 0 || s.UnsyncedBytes < 0 {
			return errors.New("storage: negative sizes")
		}
		switch s.Alarm {
		case StorageOK, StorageLow, StorageFull:
		default:
			return fmt.Errorf("storage.alarm %q: want \"\", %s or %s", clip(s.Alarm), StorageLow, StorageFull)
		}
		if err := checkText("storage.message", s.Message); err != nil {
			return err
		}
	}
	return nil
}

func (c CameraState) validate(at string) error {
	if err := checkID(at+".id", c.ID); err != nil {
		return err
	}
	switch c.State {
	case CameraOnline, CameraOffline, CameraError:
	default:
		return fmt.Errorf("%s.state %q: want %s, %s or %s", at, clip(c.State), CameraOnline, CameraOffline, CameraError)
	}
	if c.Width < 0 || c.Height < 0 || c.Width > maxPixels || c.Height > maxPixels {
		return fmt.Errorf("%s: size %dx%d out of 0..%d", at, c.Width, c.Height, maxPixels)
	}
	if err := checkRange(at+".bitrate_kbps", c.BitrateKbps, 0, 1e7); err != nil {
		return err
	}
	return checkText(at+".error", c.Error)
}

// Validate checks the error's code and message length.
func (e Error) Validate() error {
	if err := checkID("code", e.Code); err != nil {
		return err
	}
	return checkText("message", e.Message)
}
