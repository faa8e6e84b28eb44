// Package rules is the alert engine of targeted surveillance (Decision 888
// Art. 13: electronic alerts built per focus profile): given the profiles
// in force and one event (a GPS fix, camera states, a link change, a
// report, the clock), it says which alerts fire. It is pure and
// deterministic: what it remembers between events (which side of a
// geofence a vehicle is on, which camera is down, which window opening was
// announced) is read from and written to a Memory the caller keeps, so the
// caller can persist the memory and the alerts in one transaction.
package rules

import (
	"fmt"
	"slices"
	"strings"
)

// Rule types.
const (
	GeofenceEnter = "geofence_enter" // a vehicle in scope enters the area
	GeofenceLeave = "geofence_leave" // a vehicle in scope leaves the area
	CameraOffline = "camera_offline" // a camera in scope goes offline (or its vehicle's link)
	ReportMatch   = "report_match"   // a suspicious-sign report matches the scope
	WindowOpen    = "window_open"    // the profile's time window opens (each day once)
)

// Types lists the rule types.
var Types = []string{GeofenceEnter, GeofenceLeave, CameraOffline, ReportMatch, WindowOpen}

// Defaults of the geofence hysteresis.
const (
	// DefaultMarginM: a vehicle is inside once a fix is this far inside the
	// edge and outside once a fix is this far outside; fixes in the band
	// between change nothing, so GPS jitter along the edge cannot fire.
	DefaultMarginM = 25.0
	// DefaultMaxAccuracyM: fixes whose stated accuracy is worse are ignored.
	DefaultMaxAccuracyM = 50.0
)

// Rule is one alert rule of a profile.
type Rule struct {
	// ID names the rule within its profile (alerts and dedup keys use it).
	ID       string    `json:"id"`
	Type     string    `json:"type"`
	Geofence *Geofence `json:"geofence,omitempty"`
	// MarginM is the half-width of the hysteresis band at the geofence's
	// edge (default DefaultMarginM); a fix's own accuracy widens it.
	MarginM float64 `json:"margin_m,omitempty"`
	// MaxAccuracyM: GPS fixes less accurate than this are ignored
	// (default DefaultMaxAccuracyM).
	MaxAccuracyM float64 `json:"max_accuracy_m,omitempty"`
}

func (r Rule) margin() float64 {
	if r.MarginM > 0 {
		return r.MarginM
	}
	return DefaultMarginM
}

func (r Rule) maxAccuracy() float64 {
	if r.MaxAccuracyM > 0 {
		return r.MaxAccuracyM
	}
	return DefaultMaxAccuracyM
}

// Scope is what a profile watches, as far as the rules are concerned.
type Scope struct {
	Vehicles    []string `json:"vehicles"`
	Cameras     []string `json:"cameras"` // "vehicle/camera"
	Plates      []string `json:"plates"`
	Enterprises []string `json:"enterprises"`
	Keywords    []string `json:"keywords"`
}

// coversCamera: the camera is named, or its whole vehicle is in scope.
func (s Scope) coversCamera(vehicle, camera string) bool {
	return slices.Contains(s.Vehicles, vehicle) || slices.Contains(s.Cameras, vehicle+"/"+camera)
}

// Validate checks a rule against the scope and window of its profile.
func (r Rule) Validate(s Scope, w Window) error {
	if r.ID == "" || len(r.ID) > 40 || strings.ContainsAny(r.ID, "|/ ") {
		return fmt.Errorf("%w: rule id must be 1–40 characters without '|', '/' or spaces", ErrInvalid)
	}
	if r.MarginM < 0 || r.MarginM > 1000 || r.MaxAccuracyM < 0 || r.MaxAccuracyM > 1000 || r.MarginM != r.MarginM || r.MaxAccuracyM != r.MaxAccuracyM {
		return fmt.Errorf("%w: rule %s: margin and accuracy must be 0–1000 m", ErrInvalid, r.ID)
	}
	switch r.Type {
	case GeofenceEnter, GeofenceLeave:
		if r.Geofence == nil {
			return fmt.Errorf("%w: rule %s: a geofence rule needs a geofence", ErrInvalid, r.ID)
		}
		if err := r.Geofence.Validate(); err != nil {
			return fmt.Errorf("rule %s: %w", r.ID, err)
		}
		if len(s.Vehicles) == 0 {
			return fmt.Errorf("%w: rule %s: a geofence rule needs vehicles in scope", ErrInvalid, r.ID)
		}
	case CameraOffline:
		if len(s.Vehicles) == 0 && len(s.Cameras) == 0 {
			return fmt.Errorf("%w: rule %s: camera_offline needs cameras or vehicles in scope", ErrInvalid, r.ID)
		}
	case ReportMatch:
		if len(s.Vehicles)+len(s.Plates)+len(s.Enterprises)+len(s.Keywords) == 0 {
			return fmt.Errorf("%w: rule %s: report_match needs vehicles, plates, enterprises or keywords in scope", ErrInvalid, r.ID)
		}
	case WindowOpen:
		if w.From.IsZero() && w.Daily == nil {
			return fmt.Errorf("%w: rule %s: window_open needs a start or daily hours", ErrInvalid, r.ID)
		}
	default:
		return fmt.Errorf("%w: rule %s: unknown type %q", ErrInvalid, r.ID, r.Type)
	}
	if r.Type != GeofenceEnter && r.Type != GeofenceLeave && r.Geofence != nil {
		return fmt.Errorf("%w: rule %s: only geofence rules take a geofence", ErrInvalid, r.ID)
	}
	return nil
}

// Watch is one profile in force (approved, not closed) as the engine sees
// it; the engine fires only while its window contains the event's time.
type Watch struct {
	Profile string
	Title   string
	Scope   Scope
	Window  Window
	Rules   []Rule
}
