// Package roster generates a unit's duty roster: shifts from templates
// (the 24-hour shift from 08:00 to 08:00 of Decision 888 Art. 10, business
// hours, nights, weekends, holidays) with role slots (shift leader,
// division leader, office staff, surveillance officers), filled from a pool
// of officers with no double booking, a minimum rest between shifts, a cap
// per week, leave respected and, at headquarters, the departments taking
// the days in turn (Art. 5). Night, weekend and holiday shifts are spread
// evenly; every slot it cannot fill is explained. Overrides and swaps take
// effect only once a leader has approved them.
package roster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"fieldwatch/internal/vntime"
)

// Errors.
var (
	ErrInvalid  = errors.New("roster: invalid request")
	ErrOverride = errors.New("roster: override not possible")
)

// Period is a half-open time range.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

func (p Period) overlaps(q Period) bool { return p.From.Before(q.To) && q.From.Before(p.To) }

// Officer is one member of the pool.
type Officer struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Department  string   `json:"department"`
	Roles       []string `json:"roles"`
	Unavailable []Period `json:"unavailable"`
}

// Slot is how many officers of a role a shift needs.
type Slot struct {
	Role  string `json:"role"`
	Count int    `json:"count"`
}

// Which days a template applies to.
const (
	EveryDay       = "every"
	WorkingDays    = "working"
	NonWorkingDays = "non_working"
)

// Template is a shift pattern.
type Template struct {
	Name   string        `json:"name"`
	Start  time.Duration `json:"start"`  // from midnight, e.g. 8h
	Length time.Duration `json:"length"` // e.g. 24h
	Days   string        `json:"days"`
	Slots  []Slot        `json:"slots"`
}

// Days is the working-day calendar.
type Days interface {
	IsWorkingDay(time.Time) bool
	IsHoliday(time.Time) bool
}

// Rules constrain the roster.
type Rules struct {
	// MinRest between the end of one shift and the start of the next.
	MinRest time.Duration `json:"min_rest"`
	// MaxPerWeek caps an officer's shifts in a week (Monday–Sunday); 0 = none.
	MaxPerWeek int `json:"max_per_week"`
	// Departments, when set, take the days in turn (Art. 5: each
	// department one day a week): day i of the period goes to
	// Departments[i mod len], and only its officers are rostered that day.
	Departments []string `json:"departments"`
}

// Request asks for a roster.
type Request struct {
	From, To  time.Time // days [From, To), in Zone
	Zone      *time.Location
	Officers  []Officer
	Templates []Template
	Rules     Rules
	Days      Days
	Seed      uint64
}

// Assignment is one officer in one slot of one shift.
type Assignment struct {
	Shift   string    `json:"shift"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Role    string    `json:"role"`
	Officer string    `json:"officer"`
	Night   bool      `json:"night"`
	Weekend bool      `json:"weekend"`
	Holiday bool      `json:"holiday"`
}

func (a Assignment) period() Period { return Period{a.Start, a.End} }

// Unfilled is a slot nobody could take, and why each candidate could not.
type Unfilled struct {
	Shift   string            `json:"shift"`
	Start   time.Time         `json:"start"`
	Role    string            `json:"role"`
	Reasons map[string]string `json:"reasons"` // officer -> why not
	Summary string            `json:"summary"`
}

// Load is an officer's share.
type Load struct {
	Shifts   int           `json:"shifts"`
	Nights   int           `json:"nights"`
	Weekends int           `json:"weekends"`
	Holidays int           `json:"holidays"`
	Hours    time.Duration `json:"hours"`
}

// Roster is a generated roster.
type Roster struct {
	Assignments []Assignment    `json:"assignments"`
	Unfilled    []Unfilled      `json:"unfilled"`
	Load        map[string]Load `json:"load"`
	Published   bool            `json:"published"`
	// Officers and Rules are what it was made with, for checking overrides.
	Officers map[string]Officer `json:"officers"`
	Rules    Rules              `json:"rules"`
	zone     *time.Location
}

// Zone is the default time zone (Vietnam).
var Zone = vntime.Zone

func (r *Roster) tz() *time.Location {
	if r.zone == nil {
		return Zone
	}
	return r.zone
}

// Reasons a candidate is refused.
const (
	whyRole        = "không có vai trò này"
	whyUnavailable = "nghỉ phép / vắng"
	whyBooked      = "trùng ca khác"
	whyRest        = "chưa đủ thời gian nghỉ giữa hai ca"
	whyWeek        = "đã đủ số ca trong tuần"
	whyDepartment  = "không phải ngày trực của phòng"
)

// night reports whether a shift covers any of 22:00–06:00.
func night(p Period, zone *time.Location) bool {
	for t := p.From; t.Before(p.To); t = t.Add(time.Hour) {
		if h := t.In(zone).Hour(); h >= 22 || h < 6 {
			return true
		}
	}
	return false
}

// Generate fills every slot of every shift of the period it can.
func Generate(req Request) (*Roster, error) {
	if req.Zone == nil {
		req.Zone = Zone
	}
	if req.Days == nil || !req.From.Before(req.To) || len(req.Templates) == 0 {
		return nil, fmt.Errorf("%w: a period, templates and a calendar are required", ErrInvalid)
	}
	ids := map[string]bool{}
	for _, o := range req.Officers {
		if o.ID == "" || ids[o.ID] {
			return nil, fmt.Errorf("%w: officer id %q empty or repeated", ErrInvalid, o.ID)
		}
		ids[o.ID] = true
	}
	for _, t := range req.Templates {
		if t.Length <= 0 || t.Length > 48*time.Hour || t.Start < 0 || t.Start >= 24*time.Hour {
			return nil, fmt.Errorf("%w: template %q times", ErrInvalid, t.Name)
		}
	}
	r := &Roster{Load: map[string]Load{}, Officers: map[string]Officer{}, Rules: req.Rules, zone: req.Zone}
	for _, o := range req.Officers {
		r.Officers[o.ID] = o
		r.Load[o.ID] = Load{}
	}
	rng := rand.New(rand.NewPCG(req.Seed, req.Seed^0x9e3779b97f4a7c15))
	tiebreak := map[string]uint64{}
	for _, o := range req.Officers {
		tiebreak[o.ID] = rng.Uint64()
	}
	byOfficer := map[string][]Assignment{} // in start order
	weekCount := map[string]int{}          // officer|week -> shifts
	from := req.From.In(req.Zone)
	first := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, req.Zone)
	for day, i := first, 0; day.Before(req.To); day, i = day.AddDate(0, 0, 1), i+1 {
		working := req.Days.IsWorkingDay(day)
		dept := ""
		if n := len(req.Rules.Departments); n > 0 {
			dept = req.Rules.Departments[i%n]
		}
		for _, t := range req.Templates {
			if t.Days == WorkingDays && !working || t.Days == NonWorkingDays && working {
				continue
			}
			start := day.Add(t.Start)
			a := Assignment{Shift: t.Name, Start: start, End: start.Add(t.Length), Weekend: !working && !req.Days.IsHoliday(day),
				Holiday: req.Days.IsHoliday(day)}
			a.Night = night(a.period(), req.Zone)
			yr, wk := start.ISOWeek()
			week := fmt.Sprintf("%d-%d", yr, wk)
			taken := map[string]bool{}
			for _, slot := range t.Slots {
				for range slot.Count {
					reasons := map[string]string{}
					best := ""
					for _, o := range req.Officers {
						if taken[o.ID] {
							reasons[o.ID] = whyBooked
							continue
						}
						if why := r.refuse(o, a, slot.Role, dept, byOfficer[o.ID], weekCount[o.ID+"|"+week]); why != "" {
							reasons[o.ID] = why
							continue
						}
						if best == "" || r.less(o.ID, best, a, tiebreak) {
							best = o.ID
						}
					}
					if best == "" {
						r.Unfilled = append(r.Unfilled, Unfilled{Shift: t.Name, Start: start, Role: slot.Role, Reasons: reasons, Summary: summarize(reasons)})
						continue
					}
					as := a
					as.Role, as.Officer = slot.Role, best
					taken[best] = true
					r.Assignments = append(r.Assignments, as)
					byOfficer[best] = append(byOfficer[best], as)
					weekCount[best+"|"+week]++
					r.count(as, 1)
				}
			}
		}
	}
	return r, nil
}

// refuse says why o cannot take slot role of shift a ("" = it can).
// prior are o's assignments so far, in start order.
func (r *Roster) refuse(o Officer, a Assignment, role, dept string, prior []Assignment, inWeek int) string {
	if !slices.Contains(o.Roles, role) {
		return whyRole
	}
	if dept != "" && o.Department != dept {
		return whyDepartment
	}
	for _, u := range o.Unavailable {
		if u.overlaps(a.period()) {
			return whyUnavailable
		}
	}
	for _, p := range prior {
		if p.period().overlaps(a.period()) {
			return whyBooked
		}
		gap := a.Start.Sub(p.End)
		if p.Start.After(a.Start) {
			gap = p.Start.Sub(a.End)
		}
		if gap < r.Rules.MinRest {
			return whyRest
		}
	}
	if r.Rules.MaxPerWeek > 0 && inWeek >= r.Rules.MaxPerWeek {
		return whyWeek
	}
	return ""
}

// less prefers the officer with fewer shifts of the shift's scarcest kind
// (holiday, then weekend, then night), then fewer shifts, then fewer hours.
func (r *Roster) less(x, y string, a Assignment, tiebreak map[string]uint64) bool {
	lx, ly := r.Load[x], r.Load[y]
	keys := func(l Load) []int {
		k := []int{}
		if a.Holiday {
			k = append(k, l.Holidays)
		}
		if a.Weekend {
			k = append(k, l.Weekends)
		}
		if a.Night {
			k = append(k, l.Nights)
		}
		return append(k, l.Shifts, int(l.Hours/time.Hour))
	}
	kx, ky := keys(lx), keys(ly)
	for i := range kx {
		if kx[i] != ky[i] {
			return kx[i] < ky[i]
		}
	}
	return tiebreak[x] < tiebreak[y]
}

func (r *Roster) count(a Assignment, sign int) {
	l := r.Load[a.Officer]
	l.Shifts += sign
	l.Hours += time.Duration(sign) * a.End.Sub(a.Start)
	if a.Night {
		l.Nights += sign
	}
	if a.Weekend {
		l.Weekends += sign
	}
	if a.Holiday {
		l.Holidays += sign
	}
	r.Load[a.Officer] = l
}

func summarize(reasons map[string]string) string {
	count := map[string]int{}
	for _, why := range reasons {
		count[why]++
	}
	var parts []string
	for why, n := range count {
		parts = append(parts, fmt.Sprintf("%d: %s", n, why))
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "không có cán bộ nào trong danh sách"
	}
	return strings.Join(parts, "; ")
}

// ByOfficer returns an officer's assignments in start order.
func (r *Roster) ByOfficer(id string) []Assignment {
	var out []Assignment
	for _, a := range r.Assignments {
		if a.Officer == id {
			out = append(out, a)
		}
	}
	return out
}

// OnDay returns the assignments of shifts starting on day (in the roster's zone).
func (r *Roster) OnDay(day time.Time) []Assignment {
	d := day.In(r.tz()).Format(time.DateOnly)
	var out []Assignment
	for _, a := range r.Assignments {
		if a.Start.In(r.tz()).Format(time.DateOnly) == d {
			out = append(out, a)
		}
	}
	return out
}

// Override replaces an officer in one assignment (a swap is two
// overrides). It takes effect only when Approved by a leader.
type Override struct {
	Shift    string    `json:"shift"`
	Start    time.Time `json:"start"`
	Role     string    `json:"role"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Approved bool      `json:"approved"`
	Rejected bool      `json:"rejected"`
}

// Apply returns a copy of the roster with the approved overrides applied,
// each checked like a generated assignment (role, leave, double booking,
// rest, weekly cap). Unapproved and rejected overrides change nothing.
func (r *Roster) Apply(overrides []Override) (*Roster, error) {
	out := &Roster{Assignments: slices.Clone(r.Assignments), Unfilled: r.Unfilled, Load: map[string]Load{},
		Published: r.Published, Officers: r.Officers, Rules: r.Rules, zone: r.zone}
	for k, v := range r.Load {
		out.Load[k] = v
	}
	for _, ov := range overrides {
		if !ov.Approved || ov.Rejected {
			continue
		}
		i := slices.IndexFunc(out.Assignments, func(a Assignment) bool {
			return a.Shift == ov.Shift && a.Start.Equal(ov.Start) && a.Role == ov.Role && a.Officer == ov.From
		})
		if i < 0 {
			return nil, fmt.Errorf("%w: %s is not on %s %s as %s", ErrOverride, ov.From, ov.Shift, ov.Start.In(r.tz()).Format("02/01 15:04"), ov.Role)
		}
		to, ok := out.Officers[ov.To]
		if !ok {
			return nil, fmt.Errorf("%w: unknown officer %q", ErrOverride, ov.To)
		}
		a := out.Assignments[i]
		var prior []Assignment
		inWeek := 0
		yr, wk := a.Start.ISOWeek()
		for j, b := range out.Assignments {
			if b.Officer == ov.To && j != i {
				prior = append(prior, b)
				if y2, w2 := b.Start.ISOWeek(); y2 == yr && w2 == wk {
					inWeek++
				}
			}
		}
		if why := out.refuse(to, a, a.Role, "", prior, inWeek); why != "" {
			return nil, fmt.Errorf("%w: %s cannot take %s %s: %s", ErrOverride, ov.To, ov.Shift, a.Start.In(r.tz()).Format("02/01 15:04"), why)
		}
		out.count(a, -1)
		a.Officer = ov.To
		out.Assignments[i] = a
		out.count(a, 1)
	}
	return out, nil
}
