package calendar

import (
	"fieldwatch/hub/command"
	"fmt"
	"log/slog"
	"sync"
	"time"
	"unicode/utf8"
)

// Day is what a civil day is: its kind (one of the Kind constants), the
// holiday's or the announcement's name, and for an announced day its
// source (the government's document, or the administrator who entered it).
type Day struct {
	Date   time.Time `json:"date"` // midnight, Vietnam time
	Kind   string    `json:"kind"`
	Name   string    `json:"name"`
	Source string    `json:"source,omitempty"`
}

// Override is an announced change to one day: a day off (Off), such as a
// bridge day or an extra day off, or a working day (!Off), such as a
// Saturday worked in exchange. An administrator's Override of a date
// replaces a built-in one; a day off on a public holiday changes nothing.
type Override struct {
	Date   string `json:"date"` // YYYY-MM-DD
	Off    bool   `json:"off"`
	Name   string `json:"name"`   // e.g. "Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)"
	Source string `json:"source"` // the announcement, or who entered it
}

// maxText bounds an Override's Name and Source, in runes.
const maxText = 300

// Calendar answers working-day questions for any year: the rules of
// statutory(), the built-in announcements and an administrator's entries,
// which it reads from its Store a year at a time. Safe for concurrent use;
// one lock guards the cache and orders writes to the store.
type Calendar struct {
	store Store
	log   *slog.Logger
	now   func() time.Time
	sub   command.Submitter

	mu    sync.Mutex
	years map[int]*yearDays
}

// yearDays is a Gregorian year as loaded: its statutory days and the
// administrator's entries, by day number.
type yearDays struct {
	statutory map[int]Day
	admin     map[int]Override
}

// Option configures New.
type Option func(*Calendar)

// WithLogger sets the logger for store failures met while answering (the
// calendar then answers from the rules and built-in announcements alone).
// The default (and nil) is slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(c *Calendar) {
		if l != nil {
			c.log = l
		}
	}
}

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *Calendar) {
		if now != nil {
			c.now = now
		}
	}
}

// WithSubmitter hands the calendar's commands to s (default: applied to
// the calendar at once).
func WithSubmitter(s command.Submitter) Option { return func(c *Calendar) { c.sub = s } }

// New returns a calendar keeping an administrator's entries in store (a
// MemStore when nil). It reads the years around now at once, so that an
// unreadable store fails here rather than on a deadline.
func New(store Store, opts ...Option) (*Calendar, error) {
	if store == nil {
		store = &MemStore{}
	}
	c := &Calendar{store: store, log: slog.Default(), now: time.Now, years: map[int]*yearDays{}}
	for _, o := range opts {
		o(c)
	}
	if c.sub == nil {
		c.sub = command.Local(c)
	}
	c.log = c.log.With("component", "calendar")
	now := c.now().In(Zone).Year()
	c.mu.Lock()
	defer c.mu.Unlock()
	for y := now - 1; y <= now+1; y++ {
		if _, err := c.yearLocked(y); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Set enters, for by, an announced day off or working day (an administrator
// entering the government's announcement, or an extra day off). It
// replaces the date's previous entry, built-in or not.
func (c *Calendar) Set(o Override, by string) error {
	jdn, err := parseDate(o.Date)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(o.Name) > maxText || utf8.RuneCountInString(o.Source) > maxText {
		return ErrName
	}
	o.Date = dayOf(jdn).Format(time.DateOnly)
	return c.sub.Submit(SetCmd{Override: o, By: by, At: c.now().UTC()})
}

// Unset removes, for by, an administrator's entry for date; a built-in
// announcement of that date applies again.
func (c *Calendar) Unset(date, by string) error {
	jdn, err := parseDate(date)
	if err != nil {
		return err
	}
	return c.sub.Submit(UnsetCmd{Date: dayOf(jdn).Format(time.DateOnly), By: by, At: c.now().UTC()})
}

// Apply applies one of the calendar's commands: one write to the store,
// then the cached year.
func (c *Calendar) Apply(cmd command.Command) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch cmd := cmd.(type) {
	case SetCmd:
		jdn, err := parseDate(cmd.Override.Date)
		if err != nil {
			return err
		}
		if err := c.store.Put(cmd.Override); err != nil {
			return fmt.Errorf("calendar: store %s: %w", cmd.Override.Date, err)
		}
		if yd, ok := c.years[dayOf(jdn).Year()]; ok {
			yd.admin[jdn] = cmd.Override
		}
		return nil
	case UnsetCmd:
		jdn, err := parseDate(cmd.Date)
		if err != nil {
			return err
		}
		if err := c.store.Delete(cmd.Date); err != nil {
			return fmt.Errorf("calendar: store %s: %w", cmd.Date, err)
		}
		if yd, ok := c.years[dayOf(jdn).Year()]; ok {
			delete(yd.admin, jdn)
		}
		return nil
	}
	return fmt.Errorf("calendar: %s is not a command of this domain", cmd.CommandKind())
}

// Kind says what t's civil day (in Vietnam) is, and its name.
func (c *Calendar) Kind(t time.Time) Day {
	c.mu.Lock()
	defer c.mu.Unlock()
	var f failure
	d := c.dayLocked(dayNumber(t), &f)
	c.report(f)
	return d
}

// IsWorkingDay reports whether t's civil day is a working day: Monday to
// Friday less holidays and days off, plus announced working days.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return working(c.Kind(t).Kind) }

// IsHoliday reports whether t's civil day is a public holiday, a day off
// in compensation for one, or an announced day off.
func (c *Calendar) IsHoliday(t time.Time) bool {
	switch c.Kind(t).Kind {
	case KindHoliday, KindCompensatory, KindDayOff:
		return true
	}
	return false
}

// AddWorkingDays is the deadline of a task given n working days at t: the
// end of the n-th working day after t's civil day, 23:59:59 Vietnam time.
//
// Counting follows the Civil Code 2015 (Art. 147(2): a period in days
// starts on the day after the day it is counted from; Art. 148: it ends
// at 24:00 of its last day) in working days, as Decision 247 counts: the
// day a fault is reported never counts, whatever the hour, nor does any
// day off. So a transmission fault (3 working days) reported on a Monday
// at 08:00 or at 23:00 is due on Thursday at 23:59:59; reported on a
// Friday, or over a weekend, on the next Wednesday. The end of the day,
// not the office's closing hour, because the law sets none for these
// notices and the enterprise's repair and its report through the system
// can come at any hour; the deadline is the last whole second before
// 24:00.
//
// n ≤ 0 gives the end of t's own day when it is a working day, else of
// the next working day (Art. 148: a period ending on a day off ends with
// the next working day).
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	var f failure
	d := dayNumber(t)
	if n <= 0 {
		for !working(c.dayLocked(d, &f).Kind) {
			d++
		}
	}
	for n > 0 {
		d++
		if working(c.dayLocked(d, &f).Kind) {
			n--
		}
	}
	c.report(f)
	y, m, dd := dayOf(d).Date()
	return time.Date(y, m, dd, 23, 59, 59, 0, Zone)
}

// WorkingDaysBetween counts the working days after a's civil day up to and
// including b's, so that WorkingDaysBetween(t, AddWorkingDays(t, n)) == n
// for n ≥ 1. It is negative when b's day is before a's (the working days
// after b's day up to a's, counted negative) and 0 on the same day.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	from, to, sign := dayNumber(a), dayNumber(b), 1
	if to < from {
		from, to, sign = to, from, -1
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var f failure
	n := 0
	for d := from + 1; d <= to; d++ {
		if working(c.dayLocked(d, &f).Kind) {
			n++
		}
	}
	c.report(f)
	return sign * n
}

// Holidays lists a year's days that are not ordinary, in date order:
// public holidays, compensatory days, announced days off and announced
// working days.
func (c *Calendar) Holidays(year int) []Day {
	c.mu.Lock()
	defer c.mu.Unlock()
	var f failure
	var out []Day
	end := julianDayNumber(year+1, time.January, 1)
	for d := julianDayNumber(year, time.January, 1); d < end; d++ {
		if k := c.dayLocked(d, &f); k.Kind != KindWorkday && k.Kind != KindWeekend {
			out = append(out, k)
		}
	}
	c.report(f)
	return out
}

// failure is the first store failure met during one call, logged once.
type failure struct {
	year int
	err  error
}

func (c *Calendar) report(f failure) {
	if f.err != nil {
		c.log.Error("store unreadable: answering from the rules and built-in announcements", "year", f.year, "err", f.err)
	}
}

// dayLocked is what day number jdn is. A year the store cannot give is
// answered without the administrator's entries, and read again next time.
func (c *Calendar) dayLocked(jdn int, f *failure) Day {
	date := dayOf(jdn)
	yd, err := c.yearLocked(date.Year())
	if err != nil && f.err == nil {
		f.year, f.err = date.Year(), err
	}
	st, isStatutory := yd.statutory[jdn]
	o, ok := yd.admin[jdn]
	if !ok {
		o, ok = builtin[jdn]
	}
	switch {
	case ok && o.Off && isStatutory:
		return st
	case ok && o.Off:
		return Day{Date: date, Kind: KindDayOff, Name: o.Name, Source: o.Source}
	case ok:
		return Day{Date: date, Kind: KindWorked, Name: o.Name, Source: o.Source}
	case isStatutory:
		return st
	case weekend(jdn):
		return Day{Date: date, Kind: KindWeekend}
	}
	return Day{Date: date, Kind: KindWorkday}
}

// yearLocked returns a year, loading it on first use. On a store error it
// returns the year without entries (not cached) and the error.
func (c *Calendar) yearLocked(year int) (*yearDays, error) {
	if yd, ok := c.years[year]; ok {
		return yd, nil
	}
	yd := &yearDays{statutory: statutory(year), admin: map[int]Override{}}
	list, err := c.store.List(year)
	if err != nil {
		return yd, fmt.Errorf("calendar: read %d: %w", year, err)
	}
	for _, o := range list {
		jdn, err := parseDate(o.Date)
		if err != nil || dayOf(jdn).Year() != year {
			c.log.Warn("ignoring a stored entry with a bad date", "date", o.Date)
			continue
		}
		yd.admin[jdn] = o
	}
	c.years[year] = yd
	return yd, nil
}

func working(kind string) bool { return kind == KindWorkday || kind == KindWorked }

// parseDate reads a YYYY-MM-DD date as a day number.
func parseDate(s string) (int, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, Zone)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrDate, s)
	}
	return julianDayNumber(t.Date()), nil
}
