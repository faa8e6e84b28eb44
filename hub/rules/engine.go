package rules

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"fieldwatch/protocol"
)

// Event is one thing that happened, at the hub's clock At. Exactly one of
// Fix, Cameras (with Vehicle), Link (with Vehicle), Report, or none (a
// clock tick) is meaningful.
type Event struct {
	At      time.Time
	Vehicle string
	// Fix is a GPS fix from the vehicle's telemetry.
	Fix *protocol.GPSFix
	// Cameras are the camera states of the vehicle's telemetry.
	Cameras []protocol.CameraState
	// LinkDown is set when the vehicle's control link went down; Cameras
	// then lists every camera of the vehicle, all offline. (A link back up
	// is no event: the next telemetry says which cameras came back.)
	LinkDown bool
	// Report is a suspicious-sign report just filed.
	Report *Report
}

// Report is what the engine reads of a suspicious-sign report.
type Report struct {
	ID      string
	Vehicle string
	Text    string // title, text and action together
}

// Memory is what the engine remembered from earlier events: "" for a key
// it never set.
type Memory interface {
	Get(key string) string
}

// MapMemory is a Memory in a map (tests, and the caller's cache).
type MapMemory map[string]string

// Get returns the value under key.
func (m MapMemory) Get(key string) string { return m[key] }

// Firing is one alert to raise. Its Key (profile|rule|cause) is unique
// per cause: the caller stores it and never raises the same key twice.
type Firing struct {
	Profile  string
	Rule     string
	Type     string
	Cause    string
	Vehicle  string
	Camera   string
	Report   string
	Position *Point
	At       time.Time
	Message  string // Vietnamese
}

// Key identifies the firing's cause.
func (f Firing) Key() string { return f.Profile + "|" + f.Rule + "|" + f.Cause }

// Outcome is what one event did: memory to write and alerts to raise.
type Outcome struct {
	Set   map[string]string
	Fired []Firing
}

func (o *Outcome) set(key, v string) {
	if o.Set == nil {
		o.Set = map[string]string{}
	}
	o.Set[key] = v
}

// Evaluate runs every rule of every watch on one event. It tracks state
// for watches outside their window too (a vehicle that entered an area
// before the window opened does not "enter" when it opens) but fires only
// inside it.
func Evaluate(mem Memory, watches []Watch, ev Event) Outcome {
	var out Outcome
	for _, w := range watches {
		open := w.Window.Contains(ev.At)
		for _, r := range w.Rules {
			for _, f := range evalRule(mem, &out, w, r, ev) {
				if open {
					out.Fired = append(out.Fired, f)
				}
			}
		}
	}
	return out
}

func stateKey(kind string, w Watch, r Rule, subject string) string {
	return kind + "|" + w.Profile + "|" + r.ID + "|" + subject
}

func evalRule(mem Memory, out *Outcome, w Watch, r Rule, ev Event) []Firing {
	base := Firing{Profile: w.Profile, Rule: r.ID, Type: r.Type, Vehicle: ev.Vehicle, At: ev.At}
	switch r.Type {
	case GeofenceEnter, GeofenceLeave:
		if ev.Fix == nil || r.Geofence == nil || !slices.Contains(w.Scope.Vehicles, ev.Vehicle) {
			return nil
		}
		return geofence(mem, out, w, r, ev, base)
	case CameraOffline:
		return cameras(mem, out, w, r, ev, base)
	case ReportMatch:
		if ev.Report == nil {
			return nil
		}
		why := matchReport(w.Scope, *ev.Report)
		if why == "" {
			return nil
		}
		base.Vehicle, base.Report = ev.Report.Vehicle, ev.Report.ID
		base.Cause = "report/" + ev.Report.ID
		base.Message = fmt.Sprintf("Báo cáo nghi vấn khớp hồ sơ «%s» (%s): %s", w.Title, why, clip(ev.Report.Text, 160))
		return []Firing{base}
	case WindowOpen:
		if ev.Fix != nil || ev.Cameras != nil || ev.LinkDown || ev.Report != nil {
			return nil
		}
		start, ok := w.Window.Occurrence(ev.At)
		if !ok || start.IsZero() {
			return nil
		}
		key, occ := stateKey("w", w, r, ""), start.UTC().Format(time.RFC3339)
		if mem.Get(key) == occ {
			return nil
		}
		out.set(key, occ)
		base.Vehicle = ""
		base.Cause = "window/" + occ
		base.Message = fmt.Sprintf("Bắt đầu khung giờ giám sát của hồ sơ «%s» (từ %s)", w.Title, start.In(Zone).Format("15:04 02/01/2006"))
		return []Firing{base}
	}
	return nil
}

// geofence is a Schmitt trigger per vehicle: inside once a fix is the
// margin inside the edge, outside once it is the margin outside; the first
// sure fix only sets the side (no alert: nobody saw it cross).
func geofence(mem Memory, out *Outcome, w Watch, r Rule, ev Event, base Firing) []Firing {
	fx := ev.Fix
	p := Point{fx.Lat, fx.Lon}
	if !p.valid() || math.IsNaN(fx.AccuracyM) || fx.AccuracyM < 0 || fx.AccuracyM > r.maxAccuracy() {
		return nil
	}
	m := math.Max(r.margin(), fx.AccuracyM)
	d := r.Geofence.Distance(p)
	side := ""
	switch {
	case d <= -m:
		side = "in"
	case d >= m:
		side = "out"
	default:
		return nil // in the band: no change
	}
	key := stateKey("z", w, r, ev.Vehicle)
	prev := mem.Get(key)
	if prev == side {
		return nil
	}
	out.set(key, side)
	enter := prev == "out" && side == "in"
	leave := prev == "in" && side == "out"
	if r.Type == GeofenceEnter && !enter || r.Type == GeofenceLeave && !leave {
		return nil
	}
	base.Position = &p
	verb := "đi vào"
	if leave {
		verb = "rời khỏi"
	}
	base.Cause = fmt.Sprintf("%s/%s/%d", strings.TrimPrefix(r.Type, "geofence_"), ev.Vehicle, ev.At.UnixNano())
	base.Message = fmt.Sprintf("Phương tiện %s %s vùng giám sát của hồ sơ «%s»", ev.Vehicle, verb, w.Title)
	return []Firing{base}
}

// cameras fires once per offline episode of each camera in scope.
func cameras(mem Memory, out *Outcome, w Watch, r Rule, ev Event, base Firing) []Firing {
	type obs struct {
		id      string
		offline bool
		why     string
	}
	var seen []obs
	for _, c := range ev.Cameras {
		if !w.Scope.coversCamera(ev.Vehicle, c.ID) {
			continue
		}
		switch {
		case ev.LinkDown:
			seen = append(seen, obs{c.ID, true, "mất tín hiệu do xe mất kết nối đường truyền"})
		default:
			seen = append(seen, obs{c.ID, c.State != protocol.CameraOnline, "mất tín hiệu"})
		}
	}
	var fired []Firing
	for _, o := range seen {
		key := stateKey("c", w, r, ev.Vehicle+"/"+o.id)
		prev, now := mem.Get(key), "on"
		if o.offline {
			now = "off"
		}
		if prev == now {
			continue
		}
		out.set(key, now)
		if !o.offline {
			continue
		}
		f := base
		f.Camera = o.id
		f.Cause = fmt.Sprintf("offline/%s/%s/%d", ev.Vehicle, o.id, ev.At.UnixNano())
		f.Message = fmt.Sprintf("Camera %s của phương tiện %s %s (hồ sơ «%s»)", o.id, ev.Vehicle, o.why, w.Title)
		fired = append(fired, f)
	}
	return fired
}

// matchReport says why a report matches the scope ("" if not): its
// vehicle is in scope, or its text mentions a plate, an enterprise or a
// keyword (case and diacritics aside).
func matchReport(s Scope, rep Report) string {
	if rep.Vehicle != "" && slices.Contains(s.Vehicles, rep.Vehicle) {
		return "phương tiện " + rep.Vehicle
	}
	text := Fold(rep.Text)
	flatText := compact(rep.Text)
	for _, p := range s.Plates {
		if c := compact(p); len(c) >= 4 && strings.Contains(flatText, c) {
			return "biển số " + p
		}
	}
	for _, e := range s.Enterprises {
		if mentions(text, e) {
			return "doanh nghiệp " + e
		}
	}
	for _, k := range s.Keywords {
		if mentions(text, k) {
			return "từ khoá " + k
		}
	}
	return ""
}

func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
