package rosters

import (
	"slices"
	"time"
)

// Interval is a half-open span of time [From, To).
type Interval struct{ From, To time.Time }

// DutyIntervals gives each officer's time on shift within [from, to),
// exactly as OnDuty answers instant by instant: it asks at every instant
// where a published roster or one of its effective shifts begins or ends,
// and the answer holds until the next such instant. Adjacent spans of one
// officer are left for the caller to join.
func (s *Service) DutyIntervals(from, to time.Time) (map[string][]Interval, error) {
	rs, err := s.Published(from, to)
	if err != nil {
		return nil, err
	}
	bounds := []time.Time{from}
	add := func(t time.Time) {
		if !t.Before(from) && t.Before(to) {
			bounds = append(bounds, t)
		}
	}
	for _, r := range rs.Rosters {
		add(r.From)
		add(r.To)
		eff, err := rs.Effective(r)
		if err != nil {
			return nil, err
		}
		for _, a := range eff.Assignments {
			if a.End.After(from) && a.Start.Before(to) {
				add(a.Start)
				add(a.End)
			}
		}
	}
	slices.SortFunc(bounds, func(a, b time.Time) int { return a.Compare(b) })
	bounds = slices.CompactFunc(bounds, func(a, b time.Time) bool { return a.Equal(b) })
	out := map[string][]Interval{}
	for i, b := range bounds {
		end := to
		if i+1 < len(bounds) {
			end = bounds[i+1]
		}
		list, err := rs.OnDutyAt("", b)
		if err != nil {
			return nil, err
		}
		for _, d := range list {
			out[d.Officer] = append(out[d.Officer], Interval{From: b, To: end})
		}
	}
	return out, nil
}
