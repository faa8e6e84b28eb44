package watch

import (
	"fmt"
	"time"
)

// Assignment binds an officer to camera groups for a period: a roster
// shift instance (Shift names the 08:00–08:00 duty day) or an explicit
// from/to.
type Assignment struct {
	ID      string    `json:"id"`
	Unit    string    `json:"unit"`
	Officer string    `json:"officer"`
	Groups  []string  `json:"groups"`
	Shift   string    `json:"shift,omitempty"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	// Auto marks assignments made by the automatic spread; a new spread of
	// the same unit and shift replaces them, never manual ones.
	Auto    bool      `json:"auto"`
	Created time.Time `json:"created"`
	By      string    `json:"by"`
}

// Period is the assignment's interval.
func (a Assignment) Period() Interval { return Interval{a.From, a.To} }

// MaxPeriod bounds an explicit assignment.
const MaxPeriod = 7 * 24 * time.Hour

// Validate checks the assignment's shape.
func (a Assignment) Validate() error {
	switch {
	case a.Unit == "" || a.Officer == "":
		return fmt.Errorf("%w: assignment needs a unit and an officer", ErrInvalid)
	case len(a.Groups) == 0 || len(a.Groups) > 100:
		return fmt.Errorf("%w: assignment needs 1–100 groups", ErrInvalid)
	case !a.From.Before(a.To) || a.To.Sub(a.From) > MaxPeriod:
		return fmt.Errorf("%w: assignment period: from before to, at most 7 days", ErrInvalid)
	}
	return nil
}

// ShiftStartHour is when the 24-hour duty shift changes (Decision 888 Art. 10).
const ShiftStartHour = 8

// ShiftPeriod is the 24-hour shift of a duty day ("2026-12-07" runs from
// 08:00 on the 7th to 08:00 on the 8th in zone).
func ShiftPeriod(day string, zone *time.Location) (Interval, error) {
	d, err := time.ParseInLocation(time.DateOnly, day, zone)
	if err != nil {
		return Interval{}, fmt.Errorf("%w: shift %q: want YYYY-MM-DD", ErrInvalid, day)
	}
	from := time.Date(d.Year(), d.Month(), d.Day(), ShiftStartHour, 0, 0, 0, zone)
	return Interval{from, from.AddDate(0, 0, 1)}, nil
}

// ShiftOf names the duty day instant t falls in.
func ShiftOf(t time.Time, zone *time.Location) string {
	return t.In(zone).Add(-ShiftStartHour * time.Hour).Format(time.DateOnly)
}
