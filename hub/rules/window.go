package rules

import (
	"fmt"
	"time"

	"fieldwatch/internal/vntime"
)

// Zone is where daily hours are read: Vietnam's time.
var Zone = vntime.Zone

// Window is when a profile is in force: from From (zero: already) to To
// (zero: until closed) and, with Daily, only in those hours of each day.
type Window struct {
	From  time.Time `json:"from,omitzero"`
	To    time.Time `json:"to,omitzero"`
	Daily *Daily    `json:"daily,omitempty"`
}

// Daily hours in Zone, "HH:MM". End before Start spans midnight
// (20:00–06:00 is the night).
type Daily struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

func minutes(hhmm string) (int, error) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil || len(hhmm) != 5 {
		return 0, fmt.Errorf("%w: daily hours must be HH:MM, got %q", ErrInvalid, hhmm)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Validate checks the window.
func (w Window) Validate() error {
	if !w.From.IsZero() && !w.To.IsZero() && !w.To.After(w.From) {
		return fmt.Errorf("%w: the window ends before it starts", ErrInvalid)
	}
	if w.Daily != nil {
		s, err := minutes(w.Daily.Start)
		if err != nil {
			return err
		}
		e, err := minutes(w.Daily.End)
		if err != nil {
			return err
		}
		if s == e {
			return fmt.Errorf("%w: daily hours start and end at the same time", ErrInvalid)
		}
	}
	return nil
}

// Ended reports whether the window is over at t.
func (w Window) Ended(t time.Time) bool { return !w.To.IsZero() && !t.Before(w.To) }

// Occurrence returns the opening of the window that contains t: the later
// of From and the day's start of the daily hours. ok is false when t is
// outside the window. An invalid window contains nothing.
func (w Window) Occurrence(t time.Time) (start time.Time, ok bool) {
	if !w.From.IsZero() && t.Before(w.From) || w.Ended(t) {
		return time.Time{}, false
	}
	start = w.From
	if w.Daily != nil {
		s, err1 := minutes(w.Daily.Start)
		e, err2 := minutes(w.Daily.End)
		if err1 != nil || err2 != nil || s == e {
			return time.Time{}, false
		}
		lt := t.In(Zone)
		day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, Zone)
		now := lt.Hour()*60 + lt.Minute()
		var open time.Time
		switch {
		case s < e && now >= s && now < e:
			open = day.Add(time.Duration(s) * time.Minute)
		case s > e && now >= s:
			open = day.Add(time.Duration(s) * time.Minute)
		case s > e && now < e:
			open = day.AddDate(0, 0, -1).Add(time.Duration(s) * time.Minute)
		default:
			return time.Time{}, false
		}
		if open.After(start) {
			start = open
		}
	}
	return start, true
}

// Contains reports whether t is inside the window.
func (w Window) Contains(t time.Time) bool {
	_, ok := w.Occurrence(t)
	return ok
}
