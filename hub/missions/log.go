package missions

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Event kinds of a mission's own log.
const (
	EventCreated     = "created"
	EventUpdated     = "updated"
	EventSent        = "sent"      // a revision queued for the vehicle
	EventDelivered   = "delivered" // the vehicle applied it
	EventStarted     = "started"
	EventEnded       = "ended" // the window closed
	EventClosed      = "closed"
	EventCancelled   = "cancelled"
	EventStreamStart = "stream.start"
	EventStreamEnd   = "stream.end"
)

// Entry kinds the log merges in from elsewhere.
const (
	EntryGPS         = "gps"
	EntryInstruction = "instruction"
	EntryReport      = "report"
)

// Event is one line of a mission's own log.
type Event struct {
	Time time.Time `json:"time"`
	Kind string    `json:"kind"`
	By   string    `json:"by,omitempty"`
	Text string    `json:"text,omitempty"`
}

// Entry is one line of the merged mission log.
type Entry struct {
	Time time.Time `json:"time"`
	Kind string    `json:"kind"`
	By   string    `json:"by,omitempty"`
	Text string    `json:"text,omitempty"`
	// Ref is the instruction's or report's id.
	Ref string   `json:"ref,omitempty"`
	Lat *float64 `json:"lat,omitempty"`
	Lon *float64 `json:"lon,omitempty"`
}

// Events returns a mission's own log in time order.
func (s *Store) Events(id string) ([]Event, error) {
	out := []Event{}
	err := s.db.Each(logPrefix+id+"/", func(key string, raw []byte) error {
		var e Event
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("decode %s: %w", key, err)
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("missions: log %s: %w", id, err)
	}
	return out, nil
}

// Window is the span whose instructions and reports belong to the
// mission: from its start (or its window's, if it never started) to its
// close (or now, while it runs).
func (m *Mission) Window(now time.Time) (from, to time.Time) {
	from, to = m.From, m.To
	if !m.Started.IsZero() && m.Started.Before(from) {
		from = m.Started
	}
	if !m.Closed.IsZero() {
		to = m.Closed
	} else if m.Open() && now.Before(to) {
		to = now
	}
	return from, to
}

// LogGap spaces the GPS lines of the merged log (the whole track is at
// /track): a line when the vehicle moved LogMove metres or LogGap passed.
const (
	LogGap  = 5 * time.Minute
	LogMove = 500.0
)

// Merge builds the mission log: its events, its track thinned to
// LogGap/LogMove, and the given instruction and report entries, in time
// order (stable: equal times keep that order).
func Merge(events []Event, track []Point, other []Entry) []Entry {
	out := make([]Entry, 0, len(events)+len(other)+8)
	for _, e := range events {
		out = append(out, Entry{Time: e.Time, Kind: e.Kind, By: e.By, Text: e.Text})
	}
	var last *Point
	for i := range track {
		p := track[i]
		if last != nil && p.Time.Sub(last.Time) < LogGap && Distance(*last, p) < LogMove && i != len(track)-1 {
			continue
		}
		lat, lon := p.Lat, p.Lon
		out = append(out, Entry{Time: p.Time, Kind: EntryGPS, Text: fmt.Sprintf("%.5f, %.5f · %.0f km/h", p.Lat, p.Lon, p.SpeedKmh), Lat: &lat, Lon: &lon})
		last = &track[i]
	}
	out = append(out, other...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}
