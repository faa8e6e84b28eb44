package calendar

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// offDays lists a range's non-working days as YYYY-MM-DD.
func offDays(c *Calendar, from, to time.Time) []string {
	var out []string
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if !c.IsWorkingDay(d) {
			out = append(out, d.Format(time.DateOnly))
		}
	}
	return out
}

// The holiday periods of 2024, 2025 and 2026, day by day.
func TestKnownYears(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		from, to time.Time
		off      string
	}{
		{day(2024, 2, 3), day(2024, 2, 18), "2024-02-03 2024-02-04 2024-02-08 2024-02-09 2024-02-10 2024-02-11 2024-02-12 2024-02-13 2024-02-14 2024-02-17 2024-02-18"},
		{day(2024, 4, 13), day(2024, 5, 5), "2024-04-13 2024-04-14 2024-04-18 2024-04-20 2024-04-21 2024-04-27 2024-04-28 2024-04-29 2024-04-30 2024-05-01 2024-05-05"},
		{day(2024, 8, 30), day(2024, 9, 4), "2024-08-31 2024-09-01 2024-09-02 2024-09-03"},
		{day(2025, 1, 1), day(2025, 1, 1), "2025-01-01"},
		{day(2025, 1, 24), day(2025, 2, 9), "2025-01-25 2025-01-26 2025-01-27 2025-01-28 2025-01-29 2025-01-30 2025-01-31 2025-02-01 2025-02-02 2025-02-09"},
		{day(2025, 4, 5), day(2025, 4, 8), "2025-04-05 2025-04-06 2025-04-07"},
		{day(2025, 4, 25), day(2025, 5, 5), "2025-04-27 2025-04-30 2025-05-01 2025-05-02 2025-05-03 2025-05-04"},
		{day(2025, 8, 29), day(2025, 9, 3), "2025-08-30 2025-08-31 2025-09-01 2025-09-02"},
		{day(2026, 2, 13), day(2026, 2, 23), "2026-02-14 2026-02-15 2026-02-16 2026-02-17 2026-02-18 2026-02-19 2026-02-20 2026-02-21 2026-02-22"},
		{day(2026, 4, 24), day(2026, 5, 4), "2026-04-25 2026-04-26 2026-04-27 2026-04-30 2026-05-01 2026-05-02 2026-05-03"},
	}
	for _, tc := range cases {
		if got := strings.Join(offDays(c, tc.from, tc.to), " "); got != tc.off {
			t.Errorf("%s – %s days off:\n got  %s\n want %s", tc.from.Format(time.DateOnly), tc.to.Format(time.DateOnly), got, tc.off)
		}
	}
	if k := c.Kind(day(2026, 4, 26)); k.Kind != Holiday || k.Name != "Giỗ Tổ Hùng Vương" {
		t.Errorf("2026-04-26: %+v", k)
	}
	if k := c.Kind(day(2026, 4, 27)); k.Kind != Compensatory {
		t.Errorf("Hùng Kings on a Sunday gives Monday off: %+v", k)
	}
	if k := c.Kind(day(2025, 2, 8)); k.Kind != WorkedDay {
		t.Errorf("Saturday 8 Feb 2025 is worked: %+v", k)
	}
}

// Deadlines across the breaks.
func TestDeadlines(t *testing.T) {
	c, _ := New(nil)
	// A transmission fault (3 working days) reported the day before the 2025 Tết break is due after it.
	opened := time.Date(2025, 1, 24, 16, 30, 0, 0, Zone)
	if got, want := c.AddWorkingDays(opened, 3), time.Date(2025, 2, 5, 23, 59, 59, 0, Zone); !got.Equal(want) {
		t.Errorf("3 working days from 24 Jan 2025: %s, want %s", got, want)
	}
	// A camera fault (10 working days) across 30/4–1/5 of 2025 (Sat 26 Apr worked).
	opened = time.Date(2025, 4, 24, 10, 0, 0, 0, Zone)
	if got, want := c.AddWorkingDays(opened, 10), time.Date(2025, 5, 12, 23, 59, 59, 0, Zone); !got.Equal(want) {
		t.Errorf("10 working days from 24 Apr 2025: %s, want %s", got, want)
	}
	// An administrator's extra day off moves the deadline by a day.
	if err := c.Set(Override{Date: "2025-05-06", Off: true, Name: "Nghỉ đột xuất", Source: "admin"}); err != nil {
		t.Fatal(err)
	}
	if got, want := c.AddWorkingDays(opened, 10), time.Date(2025, 5, 13, 23, 59, 59, 0, Zone); !got.Equal(want) {
		t.Errorf("after the extra day off: %s, want %s", got, want)
	}
	if err := c.Set(Override{Date: "6/5/2025", Off: true}); err == nil {
		t.Error("a bad date accepted")
	}
}

// AddWorkingDays lands on a working day, and WorkingDaysBetween agrees.
func TestDeadlineProperties(t *testing.T) {
	c, _ := New(nil)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		from := time.Date(2023+rng.IntN(5), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), 0, 0, 0, Zone)
		n := 1 + rng.IntN(20)
		due := c.AddWorkingDays(from, n)
		if !c.IsWorkingDay(due) {
			t.Fatalf("%s + %d lands on %s, not a working day", from, n, due)
		}
		if got := c.WorkingDaysBetween(from, due); got != n {
			t.Fatalf("%s + %d = %s, but %d working days between", from, n, due, got)
		}
	}
}
