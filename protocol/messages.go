package protocol

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"time"
)

// Limits on lists and strings in bodies.
const (
	maxCameras = 32
	maxText    = 512
)

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

func checkID(what, id string) error {
	if !idRE.MatchString(id) {
		return fmt.Errorf("%s %q: lower-case letters, digits, - and _, at most 64", what, id)
	}
	return nil
}

func checkText(what, s string) error {
	if len(s) > maxText {
		return fmt.Errorf("%s: longer than %d bytes", what, maxText)
	}
	return nil
}

func checkNonNeg(what string, vs ...float64) error {
	for _, v := range vs {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: %v is not a non-negative number", what, v)
		}
	}
	return nil
}

// CameraInfo names a camera in a Hello.
type CameraInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Hello is the vehicle's first message on a new connection.
type Hello struct {
	Vehicle  string       `json:"vehicle"`
	Software string       `json:"software"`
	Protocol int          `json:"protocol"`
	Cameras  []CameraInfo `json:"cameras"`
}

// Validate implements Validator.
func (h *Hello) Validate() error {
	if err := checkID("vehicle", h.Vehicle); err != nil {
		return err
	}
	if h.Protocol != Version {
		return fmt.Errorf("%w: vehicle speaks %d, hub %d", ErrVersion, h.Protocol, Version)
	}
	if len(h.Cameras) > maxCameras {
		return fmt.Errorf("cameras: more than %d", maxCameras)
	}
	for _, c := range h.Cameras {
		if err := checkID("camera", c.ID); err != nil {
			return err
		}
		if err := checkText("camera name", c.Name); err != nil {
			return err
		}
	}
	return checkText("software", h.Software)
}

// Welcome is the hub's answer to a Hello.
type Welcome struct {
	Hub                 string    `json:"hub"`
	ServerTime          time.Time `json:"server_time"`
	HeartbeatIntervalMs int       `json:"heartbeat_interval_ms"`
}

// Validate implements Validator.
func (w *Welcome) Validate() error {
	if w.HeartbeatIntervalMs < 100 || w.HeartbeatIntervalMs > 60000 {
		return fmt.Errorf("heartbeat_interval_ms %d out of 100..60000", w.HeartbeatIntervalMs)
	}
	return checkText("hub", w.Hub)
}

// Heartbeat keeps the channel alive; the hub answers with HeartbeatAck.
type Heartbeat struct {
	Seq uint64 `json:"seq"`
}

// Validate implements Validator.
func (*Heartbeat) Validate() error { return nil }

// HeartbeatAck echoes a heartbeat's sequence (the vehicle measures RTT).
type HeartbeatAck struct {
	Seq uint64 `json:"seq"`
}

// Validate implements Validator.
func (*HeartbeatAck) Validate() error { return nil }

// GPSFix is a position.
type GPSFix struct {
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	AltM      float64   `json:"alt_m"`
	SpeedKmh  float64   `json:"speed_kmh"`
	Heading   float64   `json:"heading"`
	AccuracyM float64   `json:"accuracy_m"`
	Time      time.Time `json:"time"`
}

// LinkState is the vehicle's view of its uplink.
type LinkState struct {
	State      string  `json:"state"` // up, down
	RTTMs      float64 `json:"rtt_ms"`
	UplinkKbps float64 `json:"uplink_kbps"`
	LossPct    float64 `json:"loss_pct"`
}

// DiskState is the recording disk.
type DiskState struct {
	Path       string `json:"path"`
	TotalBytes uint64 `json:"total_bytes"`
	FreeBytes  uint64 `json:"free_bytes"`
}

// CameraState is one camera as the vehicle sees it.
type CameraState struct {
	ID          string  `json:"id"`
	State       string  `json:"state"` // online, offline, error
	Publishing  bool    `json:"publishing"`
	Error       string  `json:"error"`
	Width       int     `json:"width"`
	Height      int     `json:"height"`
	BitrateKbps float64 `json:"bitrate_kbps"`
}

// Telemetry is the vehicle's periodic report.
type Telemetry struct {
	Time          time.Time     `json:"time"`
	GPS           *GPSFix       `json:"gps"`
	Link          LinkState     `json:"link"`
	CPUPercent    float64       `json:"cpu_percent"`
	MemUsedBytes  uint64        `json:"mem_used_bytes"`
	MemTotalBytes uint64        `json:"mem_total_bytes"`
	Disk          DiskState     `json:"disk"`
	Cameras       []CameraState `json:"cameras"`
}

// Validate implements Validator.
func (t *Telemetry) Validate() error {
	if t.Time.IsZero() {
		return errors.New("time missing")
	}
	if g := t.GPS; g != nil {
		if g.Lat < -90 || g.Lat > 90 || g.Lon < -180 || g.Lon > 180 || math.IsNaN(g.Lat) || math.IsNaN(g.Lon) {
			return fmt.Errorf("gps: position %v,%v out of range", g.Lat, g.Lon)
		}
		if err := checkNonNeg("gps", g.SpeedKmh, g.AccuracyM); err != nil {
			return err
		}
		if g.Heading < 0 || g.Heading >= 360 {
			return fmt.Errorf("gps: heading %v out of 0..360", g.Heading)
		}
	}
	switch t.Link.State {
	case "up", "down":
	default:
		return fmt.Errorf("link.state %q: want up or down", t.Link.State)
	}
	if err := checkNonNeg("link", t.Link.RTTMs, t.Link.UplinkKbps, t.Link.LossPct); err != nil {
		return err
	}
	if err := checkNonNeg("cpu_percent", t.CPUPercent); err != nil {
		return err
	}
	if t.MemUsedBytes > t.MemTotalBytes || t.Disk.FreeBytes > t.Disk.TotalBytes {
		return errors.New("used or free above total")
	}
	if err := checkText("disk.path", t.Disk.Path); err != nil {
		return err
	}
	if len(t.Cameras) > maxCameras {
		return fmt.Errorf("cameras: more than %d", maxCameras)
	}
	for _, c := range t.Cameras {
		if err := checkID("camera", c.ID); err != nil {
			return err
		}
		switch c.State {
		case "online", "offline", "error":
		default:
			return fmt.Errorf("camera %s: state %q", c.ID, c.State)
		}
		if c.Width < 0 || c.Height < 0 || c.Width > 16384 || c.Height > 16384 {
			return fmt.Errorf("camera %s: size %dx%d", c.ID, c.Width, c.Height)
		}
		if err := checkNonNeg("camera bitrate", c.BitrateKbps); err != nil {
			return err
		}
		if err := checkText("camera error", c.Error); err != nil {
			return err
		}
	}
	return nil
}

// Error tells the peer why something was refused.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Validate implements Validator.
func (e *Error) Validate() error {
	if e.Code == "" {
		return errors.New("code missing")
	}
	return checkText("message", e.Message)
}
