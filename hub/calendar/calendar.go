package calendar

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Day kinds.
const (
	Workday      = "workday"
	Weekend      = "weekend"
	Holiday      = "holiday"      // a public holiday of the Labour Code
	Compensatory = "compensatory" // a day off for a holiday that fell on a weekend
	DayOff       = "day_off"      // an announced day off (a bridge day, swapped for a weekend worked)
	WorkedDay    = "worked"       // an announced working weekend day (or a day off cancelled)
)

// ErrDate: a date is not YYYY-MM-DD.
var ErrDate = errors.New("calendar: invalid date")

// Override is an announced change: a day off or a working day.
type Override struct {
	Date   string `json:"date"` // YYYY-MM-DD
	Off    bool   `json:"off"`
	Name   string `json:"name"`
	Source string `json:"source"` // the announcement, or who set it
}

// Store keeps an administrator's overrides. The hub keeps it in Badger.
type Store interface {
	Overrides() ([]Override, error)
	PutOverride(Override) error
	DeleteOverride(date string) error
}

// Day is a day's kind and name.
type Day struct {
	Date time.Time `json:"date"`
	Kind string    `json:"kind"`
	Name string    `json:"name"`
}

// Calendar answers working-day questions.
type Calendar struct {
	store Store

	mu        sync.Mutex
	overrides map[string]Override
	years     map[int]map[string]Day // statutory days off of a year, by date
}

// builtins are the government's announced breaks and swaps for civil
// servants in years already announced (2026's match the Labour Code's
// rules and need none); what they do not say follows the rules. An
// administrator enters later years' announcements with Set.
var builtins = []Override{
	// 2024 (as announced for civil servants): Tết 8–14 Feb; 29 Apr off, worked Sat 4 May.
	{Date: "2024-02-08", Off: true, Name: "Nghỉ Tết Nguyên đán (hoán đổi)", Source: "Thông báo lịch nghỉ năm 2024"},
	{Date: "2024-02-15", Off: false, Name: "Làm việc (Tết kết thúc 14/2)", Source: "Thông báo lịch nghỉ năm 2024"},
	{Date: "2024-04-29", Off: true, Name: "Nghỉ hoán đổi 30/4", Source: "Thông báo lịch nghỉ năm 2024"},
	{Date: "2024-05-04", Off: false, Name: "Làm bù cho ngày 29/4", Source: "Thông báo lịch nghỉ năm 2024"},
	// 2025 (as announced for civil servants): Tết 25 Jan – 2 Feb with 27 Jan swapped for Sat 8 Feb;
	// 2 May swapped for Sat 26 Apr.
	{Date: "2025-01-27", Off: true, Name: "Nghỉ Tết Nguyên đán (hoán đổi)", Source: "Thông báo lịch nghỉ năm 2025"},
	{Date: "2025-02-03", Off: false, Name: "Làm việc (Tết kết thúc 2/2)", Source: "Thông báo lịch nghỉ năm 2025"},
	{Date: "2025-02-08", Off: false, Name: "Làm bù cho ngày 27/1", Source: "Thông báo lịch nghỉ năm 2025"},
	{Date: "2025-05-02", Off: true, Name: "Nghỉ hoán đổi 30/4 – 1/5", Source: "Thông báo lịch nghỉ năm 2025"},
	{Date: "2025-04-26", Off: false, Name: "Làm bù cho ngày 2/5", Source: "Thông báo lịch nghỉ năm 2025"},
}

// New returns a calendar with the built-in announcements and the
// store's overrides (store may be nil).
func New(store Store) (*Calendar, error) {
	c := &Calendar{store: store, overrides: map[string]Override{}, years: map[int]map[string]Day{}}
	for _, o := range builtins {
		c.overrides[o.Date] = o
	}
	if store != nil {
		list, err := store.Overrides()
		if err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		for _, o := range list {
			c.overrides[o.Date] = o
		}
	}
	return c, nil
}

// Set records an override (an administrator entering an announcement).
func (c *Calendar) Set(o Override) error {
	if _, err := time.ParseInLocation(time.DateOnly, o.Date, Zone); err != nil {
		return fmt.Errorf("%w: %q", ErrDate, o.Date)
	}
	if c.store != nil {
		if err := c.store.PutOverride(o); err != nil {
			return fmt.Errorf("calendar: %w", err)
		}
	}
	c.mu.Lock()
	c.overrides[o.Date] = o
	c.mu.Unlock()
	return nil
}

// Unset removes an administrator's override (a built-in one comes back).
func (c *Calendar) Unset(date string) error {
	if c.store != nil {
		if err := c.store.DeleteOverride(date); err != nil {
			return fmt.Errorf("calendar: %w", err)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.overrides, date)
	for _, o := range builtins {
		if o.Date == date {
			c.overrides[date] = o
		}
	}
	return nil
}

// Kind says what a day is, and its name.
func (c *Calendar) Kind(t time.Time) Day {
	t = t.In(Zone)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Zone)
	key := d.Format(time.DateOnly)
	c.mu.Lock()
	o, overridden := c.overrides[key]
	statutory := c.yearLocked(d.Year())[key]
	c.mu.Unlock()
	switch {
	case overridden && o.Off && statutory.Kind != "":
		return statutory
	case overridden && o.Off:
		return Day{Date: d, Kind: DayOff, Name: o.Name}
	case overridden:
		return Day{Date: d, Kind: WorkedDay, Name: o.Name}
	case statutory.Kind != "":
		return statutory
	case d.Weekday() == time.Saturday || d.Weekday() == time.Sunday:
		return Day{Date: d, Kind: Weekend, Name: ""}
	}
	return Day{Date: d, Kind: Workday}
}

// IsWorkingDay reports whether t's day (Vietnam time) is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	k := c.Kind(t).Kind
	return k == Workday || k == WorkedDay
}

// IsHoliday reports whether t's day is a public holiday or a day off for one.
func (c *Calendar) IsHoliday(t time.Time) bool {
	k := c.Kind(t).Kind
	return k == Holiday || k == Compensatory || k == DayOff
}

// AddWorkingDays is a deadline of n working days from t: counting starts
// the working day after t's day (a fault reported on Monday with 3 working
// days is due on Thursday), and the deadline is the end of that day,
// 23:59:59 Vietnam time, as a notice "within N working days" is read.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	t = t.In(Zone)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Zone)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d.Add(24*time.Hour - time.Second)
}

// WorkingDaysBetween counts the working days after a's day up to and
// including b's day (0 when b is not after a).
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	a, b = a.In(Zone), b.In(Zone)
	d := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, Zone)
	end := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, Zone)
	n := 0
	for d.Before(end) {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// Holidays lists a year's days that are not ordinary: public holidays,
// days off for them, announced days off and worked weekend days.
func (c *Calendar) Holidays(year int) []Day {
	var out []Day
	for d := time.Date(year, 1, 1, 0, 0, 0, 0, Zone); d.Year() == year; d = d.AddDate(0, 0, 1) {
		if k := c.Kind(d); k.Kind != Workday && k.Kind != Weekend {
			out = append(out, k)
		}
	}
	return out
}

// yearLocked computes the statutory days off of a year (Labour Code 2019
// Art. 112): 1 Jan; Tết, the last day of the lunar year and the first four
// of the new one; Hùng Kings on 10/3 lunar; 30 Apr; 1 May; 2 Sep and the
// day next to it (1 Sep, or 3 Sep when 2 Sep is a Monday); and, per
// Art. 111, a compensatory day off on the first working day after a
// holiday that falls on a weekend.
func (c *Calendar) yearLocked(year int) map[string]Day {
	if m, ok := c.years[year]; ok {
		return m
	}
	m := map[string]Day{}
	add := func(d time.Time, name string) { m[d.Format(time.DateOnly)] = Day{Date: d, Kind: Holiday, Name: name} }
	add(time.Date(year, 1, 1, 0, 0, 0, 0, Zone), "Tết Dương lịch")
	if tet, ok := Solar(LunarDate{Day: 1, Month: 1, Year: year}); ok {
		for i := -1; i <= 3; i++ {
			add(tet.AddDate(0, 0, i), "Tết Nguyên đán")
		}
	}
	if hung, ok := Solar(LunarDate{Day: 10, Month: 3, Year: year}); ok {
		add(hung, "Giỗ Tổ Hùng Vương")
	}
	add(time.Date(year, 4, 30, 0, 0, 0, 0, Zone), "Ngày Chiến thắng")
	add(time.Date(year, 5, 1, 0, 0, 0, 0, Zone), "Ngày Quốc tế Lao động")
	national := time.Date(year, 9, 2, 0, 0, 0, 0, Zone)
	add(national, "Quốc khánh")
	if national.Weekday() == time.Monday {
		add(national.AddDate(0, 0, 1), "Quốc khánh")
	} else {
		add(national.AddDate(0, 0, -1), "Quốc khánh")
	}
	var weekendHolidays []time.Time
	for _, d := range m {
		if wd := d.Date.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekendHolidays = append(weekendHolidays, d.Date)
		}
	}
	sort.Slice(weekendHolidays, func(i, j int) bool { return weekendHolidays[i].Before(weekendHolidays[j]) })
	for _, h := range weekendHolidays {
		d := h
		for {
			d = d.AddDate(0, 0, 1)
			wd := d.Weekday()
			if _, taken := m[d.Format(time.DateOnly)]; !taken && wd != time.Saturday && wd != time.Sunday {
				break
			}
		}
		m[d.Format(time.DateOnly)] = Day{Date: d, Kind: Compensatory, Name: "Nghỉ bù " + m[h.Format(time.DateOnly)].Name}
	}
	c.years[year] = m
	return m
}
