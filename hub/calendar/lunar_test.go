package calendar

import (
	"fmt"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, Zone) }

func TestTet(t *testing.T) {
	for _, tc := range []struct {
		want time.Time
		why  string
	}{
		{day(2020, 1, 25), ""}, {day(2021, 2, 12), ""}, {day(2022, 2, 1), ""}, {day(2023, 1, 22), ""},
		{day(2024, 2, 10), ""}, {day(2025, 1, 29), ""}, {day(2026, 2, 17), ""}, {day(2027, 2, 6), ""},
		{day(2028, 1, 26), ""},
		// Where Vietnam and China part:
		{day(2030, 2, 2), "new moon at 23:07 in Vietnam on 2 Feb, 00:07 on the 3rd in China (China's New Year: 3 Feb)"},
		{day(2007, 2, 17), "new moon at 23:14 in Vietnam, 00:14 on the 18th in China"},
		{day(1985, 1, 21), "no leap month at the end of 1984 at UTC+7: a month before China's 20 Feb"},
		{day(1968, 1, 29), "the first Tết of the UTC+7 calendar; the South, still on UTC+8, had it on the 30th"},
	} {
		got, ok := Solar(LunarDate{Day: 1, Month: 1, Year: tc.want.Year()})
		if !ok || !got.Equal(tc.want) {
			t.Errorf("Tết %d: %s, want %s %s", tc.want.Year(), got.Format(time.DateOnly), tc.want.Format(time.DateOnly), tc.why)
		}
		if l := Lunar(tc.want); l != (LunarDate{Day: 1, Month: 1, Year: tc.want.Year()}) {
			t.Errorf("%s is %v, want Tết", tc.want.Format(time.DateOnly), l)
		}
	}
}

func TestHungKings(t *testing.T) {
	for _, want := range []time.Time{day(2024, 4, 18), day(2025, 4, 7), day(2026, 4, 26)} {
		got, ok := Solar(LunarDate{Day: 10, Month: 3, Year: want.Year()})
		if !ok || !got.Equal(want) {
			t.Errorf("Giỗ Tổ %d: %s, want %s", want.Year(), got.Format(time.DateOnly), want.Format(time.DateOnly))
		}
	}
}

// Tết and the leap month of every year 1990–2050. Computed by this package
// and checked while writing against the same rules run on an independent
// ephemeris (astronomy-engine: every month's first day and every leap
// month agree for 1968–2076), and against China's published New Years and
// leap months, which equal these but for 2007 and 2030 (above).
var tetAndLeap = map[int]struct {
	tet  string
	leap int
}{
	1990: {"01-27", 5}, 1991: {"02-15", 0}, 1992: {"02-04", 0}, 1993: {"01-23", 3}, 1994: {"02-10", 0},
	1995: {"01-31", 8}, 1996: {"02-19", 0}, 1997: {"02-07", 0}, 1998: {"01-28", 5}, 1999: {"02-16", 0},
	2000: {"02-05", 0}, 2001: {"01-24", 4}, 2002: {"02-12", 0}, 2003: {"02-01", 0}, 2004: {"01-22", 2},
	2005: {"02-09", 0}, 2006: {"01-29", 7}, 2007: {"02-17", 0}, 2008: {"02-07", 0}, 2009: {"01-26", 5},
	2010: {"02-14", 0}, 2011: {"02-03", 0}, 2012: {"01-23", 4}, 2013: {"02-10", 0}, 2014: {"01-31", 9},
	2015: {"02-19", 0}, 2016: {"02-08", 0}, 2017: {"01-28", 6}, 2018: {"02-16", 0}, 2019: {"02-05", 0},
	2020: {"01-25", 4}, 2021: {"02-12", 0}, 2022: {"02-01", 0}, 2023: {"01-22", 2}, 2024: {"02-10", 0},
	2025: {"01-29", 6}, 2026: {"02-17", 0}, 2027: {"02-06", 0}, 2028: {"01-26", 5}, 2029: {"02-13", 0},
	2030: {"02-02", 0}, 2031: {"01-23", 3}, 2032: {"02-11", 0}, 2033: {"01-31", 11}, 2034: {"02-19", 0},
	2035: {"02-08", 0}, 2036: {"01-28", 6}, 2037: {"02-15", 0}, 2038: {"02-04", 0}, 2039: {"01-24", 5},
	2040: {"02-12", 0}, 2041: {"02-01", 0}, 2042: {"01-22", 2}, 2043: {"02-10", 0}, 2044: {"01-30", 7},
	2045: {"02-17", 0}, 2046: {"02-06", 0}, 2047: {"01-26", 5}, 2048: {"02-14", 0}, 2049: {"02-02", 0},
	2050: {"01-23", 3},
}

func TestTetAndLeapMonths(t *testing.T) {
	for y := 1990; y <= 2050; y++ {
		want := tetAndLeap[y]
		tet, _ := Solar(LunarDate{Day: 1, Month: 1, Year: y})
		if got := tet.Format("01-02"); got != want.tet {
			t.Errorf("Tết %d: %s, want %s", y, got, want.tet)
		}
		if got := LeapMonth(y); got != want.leap {
			t.Errorf("leap month of %d: %d, want %d", y, got, want.leap)
		}
	}
}

func TestLeapMonths(t *testing.T) {
	for _, tc := range []struct {
		day  time.Time
		want LunarDate
	}{
		{day(2023, 3, 21), LunarDate{Day: 30, Month: 2, Year: 2023}},
		{day(2023, 3, 22), LunarDate{Day: 1, Month: 2, Year: 2023, Leap: true}},
		{day(2023, 4, 20), LunarDate{Day: 1, Month: 3, Year: 2023}},
		{day(2025, 7, 25), LunarDate{Day: 1, Month: 6, Year: 2025, Leap: true}},
		// A leap month 11 belongs to the lunar year it ends, as month 11 does.
		{day(2033, 12, 22), LunarDate{Day: 1, Month: 11, Year: 2033, Leap: true}},
		{day(2034, 1, 20), LunarDate{Day: 1, Month: 12, Year: 2033}},
	} {
		if got := Lunar(tc.day); got != tc.want {
			t.Errorf("%s is %v, want %v", tc.day.Format(time.DateOnly), got, tc.want)
		}
	}
	for _, l := range []LunarDate{
		{Day: 1, Month: 5, Year: 2024, Leap: true}, // 2024 has no leap month
		{Day: 1, Month: 3, Year: 2023, Leap: true}, // 2023's is the 2nd
		{Day: 30, Month: 12, Year: 2024},           // Tết 2025 came after 29 tháng Chạp
		{Day: 1, Month: 13, Year: 2024},
		{Day: 0, Month: 1, Year: 2024},
	} {
		if got, ok := Solar(l); ok {
			t.Errorf("%v exists: %s", l, got.Format(time.DateOnly))
		}
	}
}

// Every day of 1990–2050 converts to a lunar date and back, and
// consecutive days are consecutive lunar dates.
func TestLunarRoundTrip(t *testing.T) {
	prev := Lunar(day(1989, 12, 31))
	for d := day(1990, 1, 1); d.Year() <= 2050; d = d.AddDate(0, 0, 1) {
		l := Lunar(d)
		back, ok := Solar(l)
		if !ok || !back.Equal(d) {
			t.Fatalf("%s → %v → %s", d.Format(time.DateOnly), l, back.Format(time.DateOnly))
		}
		switch {
		case l.Day == prev.Day+1 && l.Month == prev.Month && l.Leap == prev.Leap && l.Year == prev.Year:
		case l.Day == 1 && (prev.Day == 29 || prev.Day == 30):
		default:
			t.Fatalf("%s: %v follows %v", d.Format(time.DateOnly), l, prev)
		}
		prev = l
	}
}

// The day is Vietnam's whatever t's location: 17:30 UTC on 16 Feb 2026 is
// already Tết in Vietnam.
func TestLunarInVietnamTime(t *testing.T) {
	if got := Lunar(time.Date(2026, 2, 16, 17, 30, 0, 0, time.UTC)); got != (LunarDate{Day: 1, Month: 1, Year: 2026}) {
		t.Errorf("got %v", got)
	}
}

func TestLunarString(t *testing.T) {
	for l, want := range map[LunarDate]string{
		{Day: 10, Month: 3, Year: 2024}:            "10/3/2024 âm lịch",
		{Day: 1, Month: 2, Year: 2023, Leap: true}: "1/2 nhuận/2023 âm lịch",
	} {
		if got := fmt.Sprint(l); got != want {
			t.Errorf("%#v: %q, want %q", l, got, want)
		}
	}
}
