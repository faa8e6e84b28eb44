package missions

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"

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
	for id, m := range s.open {
		if m.Vehicle != vehicle || !m.ActiveAt(now) {
			continue
		}
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
			if last, ok := s.last[id]; !ok || at.Sub(last.Time) >= s.p.MinGap || Distance(last, pt) >= s.p.MinMove && at.After(last.Time) {
				p = &pt
			}
		}
		if p == nil && len(events) == 0 {
			continue
		}
		err := s.db.Badger().Update(func(txn *badger.Txn) error {
			for _, e := range events {
				if err := s.putEvent(txn, id, e); err != nil {
					return err
				}
			}
			if p == nil {
				return nil
			}
			data, err := json.Marshal(p)
			if err != nil {
				return err
			}
			return txn.Set([]byte(fmt.Sprintf("%s%s/%020d", trackPrefix, id, p.Time.UnixNano())), data)
		})
		if err != nil {
			s.log.Error("mission track", "mission", id, "err", err)
			continue
		}
		if p != nil {
			s.last[id] = *p
		}
	}
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

// streamEnds are the stream-end events of a mission that stops at t. s.mu is held.
func (s *Store) streamEnds(vehicle string, t time.Time) []Event {
	var out []Event
	for _, cam := range s.publishing(vehicle) {
		out = append(out, Event{Time: t, Kind: EventStreamEnd, Text: cam})
	}
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
