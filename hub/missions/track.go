package missions

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"fieldwatch/protocol"
)

// Point is one kept GPS fix of a mission's track.
type Point struct {
	Time     time.Time `json:"time"`
	Lat      float64   `json:"lat"`
	Lon      float64   `json:"lon"`
	SpeedKmh float64   `json:"speed_kmh"`
}

// Telemetry takes a vehicle's telemetry: while one of its missions runs,
// its GPS fixes go on the mission's track (thinned) and its cameras' live
// streams starting and stopping go in the mission's log.
func (s *Store) Telemetry(vehicle string, t *protocol.Telemetry) {
	if t == nil {
		return
	}
	now := s.p.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := s.streamChanges(vehicle, t.Cameras)
	s.cache.Lock()
	type running struct {
		id   string
		last Point
		has  bool
	}
	var list []running
	for id, m := range s.open {
		if m.Vehicle == vehicle && m.ActiveAt(now) {
			last, ok := s.last[id]
			list = append(list, running{id, last, ok})
		}
	}
	s.cache.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	for _, r := range list {
		var events []Event
		for cam, on := range changed {
			kind := EventStreamEnd
			if on {
				kind = EventStreamStart
			}
			events = append(events, Event{Time: now, Kind: kind, Text: cam})
		}
		sort.Slice(events, func(i, j int) bool { return events[i].Text < events[j].Text })
		var p *Point
		if f := t.GPS; f != nil {
			at := f.Time
			if at.IsZero() {
				at = now
			}
			pt := Point{Time: at, Lat: f.Lat, Lon: f.Lon, SpeedKmh: f.SpeedKmh}
			if !r.has || at.Sub(r.last.Time) >= s.p.MinGap || Distance(r.last, pt) >= s.p.MinMove && at.After(r.last.Time) {
				p = &pt
			}
		}
		if p == nil && len(events) == 0 {
			continue
		}
		if err := s.submit.Submit(Tracked{ID: r.id, Point: p, Events: events}); err != nil {
			s.log.Error("mission track", "mission", r.id, "err", err)
		}
	}
}

// openIDs lists the planned and running missions.
func (s *Store) openIDs() []string {
	s.cache.Lock()
	defer s.cache.Unlock()
	out := make([]string, 0, len(s.open))
	for id := range s.open {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// live lists the cameras of the mission's vehicle live at the last
// telemetry. s.mu is held.
func (s *Store) live(id string) []string {
	m, err := s.Get(id)
	if err != nil {
		return nil
	}
	return s.publishing(m.Vehicle)
}

// streamChanges records which cameras publish now and returns those that
// changed (true: started). s.mu is held.
func (s *Store) streamChanges(vehicle string, cams []protocol.CameraState) map[string]bool {
	prev := s.streams[vehicle]
	cur := map[string]bool{}
	for _, c := range cams {
		if c.Publishing {
			cur[c.ID] = true
		}
	}
	changed := map[string]bool{}
	for cam := range cur {
		if !prev[cam] {
			changed[cam] = true
		}
	}
	for cam := range prev {
		if !cur[cam] {
			changed[cam] = false
		}
	}
	s.streams[vehicle] = cur
	return changed
}

// publishing lists the vehicle's cameras live at the last telemetry. s.mu is held.
func (s *Store) publishing(vehicle string) []string {
	var out []string
	for cam, on := range s.streams[vehicle] {
		if on {
			out = append(out, cam)
		}
	}
	sort.Strings(out)
	return out
}

// Track returns a mission's kept fixes in time order.
func (s *Store) Track(id string) ([]Point, error) {
	out := []Point{}
	err := s.db.Each(trackPrefix+id+"/", func(key string, raw []byte) error {
		var p Point
		if err := json.Unmarshal(raw, &p); err != nil {
			return fmt.Errorf("decode %s: %w", key, err)
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("missions: track %s: %w", id, err)
	}
	return out, nil
}

// Distance is the great-circle distance between two fixes, in metres.
func Distance(a, b Point) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// GeoJSON is a mission's track as a GeoJSON Feature with a LineString
// (RFC 7946: positions are [longitude, latitude]).
func GeoJSON(m *Mission, track []Point) map[string]any {
	coords := make([][2]float64, len(track))
	times := make([]time.Time, len(track))
	for i, p := range track {
		coords[i] = [2]float64{p.Lon, p.Lat}
		times[i] = p.Time
	}
	return map[string]any{
		"type":       "Feature",
		"geometry":   map[string]any{"type": "LineString", "coordinates": coords},
		"properties": map[string]any{"mission": m.ID, "vehicle": m.Vehicle, "state": m.State, "times": times},
	}
}
