package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// newCal is a calendar with built-in announcements only.
func newCal(t *testing.T) *Calendar {
	t.Helper()
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// offDays lists a range's non-working days as "MM-DD".
func offDays(c *Calendar, from, to time.Time) string {
	var out []string
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if !c.IsWorkingDay(d) {
			out = append(out, d.Format("01-02"))
		}
	}
	return strings.Join(out, " ")
}

// The holiday periods of 2024, 2025 and 2026, day by day: every
// non-working day from a week before to a week after each period
// (weekends included), as the government announced them for civil
// servants.
func TestKnownYearsDayByDay(t *testing.T) {
	c := newCal(t)
	for _, tc := range []struct {
		what     string
		from, to time.Time
		off      string
	}{
		{"Tết Dương lịch 2024 (Mon)", day(2023, 12, 29), day(2024, 1, 3), "12-30 12-31 01-01"},
		{"Tết 2024: 8–14 Feb", day(2024, 2, 1), day(2024, 2, 21), "02-03 02-04 02-08 02-09 02-10 02-11 02-12 02-13 02-14 02-17 02-18"},
		{"Giỗ Tổ and 30/4–1/5 2024: Mon 29 Apr off, Sat 4 May worked", day(2024, 4, 13), day(2024, 5, 12),
			"04-13 04-14 04-18 04-20 04-21 04-27 04-28 04-29 04-30 05-01 05-05 05-11 05-12"},
		{"Quốc khánh 2024: 31 Aug–3 Sep", day(2024, 8, 26), day(2024, 9, 8), "08-31 09-01 09-02 09-03 09-07 09-08"},

		{"Tết Dương lịch 2025 (Wed)", day(2024, 12, 30), day(2025, 1, 3), "01-01"},
		{"Tết 2025: 25 Jan–2 Feb", day(2025, 1, 18), day(2025, 2, 9),
			"01-18 01-19 01-25 01-26 01-27 01-28 01-29 01-30 01-31 02-01 02-02 02-08 02-09"},
		{"Giỗ Tổ 2025 (Mon 7 Apr)", day(2025, 4, 4), day(2025, 4, 9), "04-05 04-06 04-07"},
		{"30/4–1/5 2025: 30 Apr–4 May, Sat 26 Apr worked", day(2025, 4, 19), day(2025, 5, 11),
			"04-19 04-20 04-27 04-30 05-01 05-02 05-03 05-04 05-10 05-11"},
		{"Quốc khánh 2025: 30 Aug–2 Sep", day(2025, 8, 25), day(2025, 9, 7), "08-30 08-31 09-01 09-02 09-06 09-07"},

		{"Tết Dương lịch 2026: 1–4 Jan, Sat 10 Jan worked", day(2025, 12, 29), day(2026, 1, 11), "01-01 01-02 01-03 01-04 01-11"},
		{"Tết 2026: 14–22 Feb", day(2026, 2, 7), day(2026, 3, 1),
			"02-07 02-08 02-14 02-15 02-16 02-17 02-18 02-19 02-20 02-21 02-22 02-28 03-01"},
		{"Giỗ Tổ (Sun 26 Apr, nghỉ bù 27th) and 30/4–1/5 2026", day(2026, 4, 18), day(2026, 5, 10),
			"04-18 04-19 04-25 04-26 04-27 04-30 05-01 05-02 05-03 05-09 05-10"},
		{"Quốc khánh 2026: 29 Aug–2 Sep, Sat 22 Aug worked", day(2026, 8, 15), day(2026, 9, 6),
			"08-15 08-16 08-23 08-29 08-30 08-31 09-01 09-02 09-05 09-06"},
	} {
		if got := offDays(c, tc.from, tc.to); got != tc.off {
			t.Errorf("%s: days off\n got  %s\n want %s", tc.what, got, tc.off)
		}
	}
}

// The years' lists of days that are not ordinary, with kind and name.
func TestHolidaysList(t *testing.T) {
	c := newCal(t)
	const (
		H = KindHoliday
		C = KindCompensatory
		D = KindDayOff
		W = KindWorked
	)
	want := map[int][]string{
		2024: {
			"01-01 " + H + " " + nameNewYear,
			"02-08 " + H + " " + nameTet, "02-09 " + H + " " + nameTet, "02-10 " + H + " " + nameTet,
			"02-11 " + H + " " + nameTet, "02-12 " + H + " " + nameTet,
			"02-13 " + C + " Nghỉ bù Tết Nguyên đán", "02-14 " + C + " Nghỉ bù Tết Nguyên đán",
			"04-18 " + H + " " + nameHungKings,
			"04-29 " + D + " Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)",
			"04-30 " + H + " " + nameVictory, "05-01 " + H + " " + nameLabour,
			"05-04 " + W + " Làm bù cho thứ Hai 29/4/2024",
			"09-02 " + H + " " + nameNational, "09-03 " + H + " " + nameNational,
		},
		2025: {
			"01-01 " + H + " " + nameNewYear,
			"01-27 " + H + " " + nameTet, "01-28 " + H + " " + nameTet, "01-29 " + H + " " + nameTet,
			"01-30 " + H + " " + nameTet, "01-31 " + H + " " + nameTet,
			"04-07 " + H + " " + nameHungKings,
			"04-26 " + W + " Làm bù cho thứ Sáu 02/5/2025",
			"04-30 " + H + " " + nameVictory, "05-01 " + H + " " + nameLabour,
			"05-02 " + D + " Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)",
			"09-01 " + H + " " + nameNational, "09-02 " + H + " " + nameNational,
		},
		2026: {
			"01-01 " + H + " " + nameNewYear,
			"01-02 " + D + " Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)",
			"01-10 " + W + " Làm bù cho thứ Sáu 02/01/2026",
			"02-16 " + H + " " + nameTet, "02-17 " + H + " " + nameTet, "02-18 " + H + " " + nameTet,
			"02-19 " + H + " " + nameTet, "02-20 " + H + " " + nameTet,
			"04-26 " + H + " " + nameHungKings, "04-27 " + C + " Nghỉ bù Giỗ Tổ Hùng Vương",
			"04-30 " + H + " " + nameVictory, "05-01 " + H + " " + nameLabour,
			"08-22 " + W + " Làm bù cho thứ Hai 31/8/2026",
			"08-31 " + D + " Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)",
			"09-01 " + H + " " + nameNational, "09-02 " + H + " " + nameNational,
		},
	}
	for year, w := range want {
		var got []string
		for _, d := range c.Holidays(year) {
			got = append(got, fmt.Sprintf("%s %s %s", d.Date.Format("01-02"), d.Kind, d.Name))
			if d.Kind == D || d.Kind == W {
				if d.Source == "" {
					t.Errorf("%s: no source", d.Date.Format(time.DateOnly))
				}
			}
			if d.Date.Location() != Zone || d.Date.Hour() != 0 {
				t.Errorf("%s: not midnight in Vietnam", d.Date)
			}
		}
		if g, w := strings.Join(got, "\n"), strings.Join(w, "\n"); g != w {
			t.Errorf("%d:\n got\n%s\n want\n%s", year, g, w)
		}
	}
}

// Earlier years, whose announcements equal the rules: Tết's five days two
// before the first day and three from it, nghỉ bù after a weekend, and
// Quốc khánh's second day beside the weekend.
func TestRulesMatchEarlierYears(t *testing.T) {
	c := newCal(t)
	for _, tc := range []struct {
		what     string
		from, to time.Time
		off      string
	}{
		{"Tết 2020: 23–29 Jan", day(2020, 1, 22), day(2020, 1, 30), "01-23 01-24 01-25 01-26 01-27 01-28 01-29"},
		{"Tết 2021: 10–16 Feb", day(2021, 2, 9), day(2021, 2, 17), "02-10 02-11 02-12 02-13 02-14 02-15 02-16"},
		{"Tết 2022: 29 Jan–6 Feb", day(2022, 1, 28), day(2022, 2, 7), "01-29 01-30 01-31 02-01 02-02 02-03 02-04 02-05 02-06"},
		{"Tết 2023: 20–26 Jan", day(2023, 1, 19), day(2023, 1, 27), "01-20 01-21 01-22 01-23 01-24 01-25 01-26"},
		{"Quốc khánh 2021 (Thu): 2–5 Sep", day(2021, 9, 1), day(2021, 9, 6), "09-02 09-03 09-04 09-05"},
		{"Quốc khánh 2022 (Fri): 1–4 Sep", day(2022, 8, 31), day(2022, 9, 5), "09-01 09-02 09-03 09-04"},
		{"Quốc khánh 2023 (Sat): 1–4 Sep", day(2023, 8, 31), day(2023, 9, 5), "09-01 09-02 09-03 09-04"},
	} {
		if got := offDays(c, tc.from, tc.to); got != tc.off {
			t.Errorf("%s: days off\n got  %s\n want %s", tc.what, got, tc.off)
		}
	}
}

// For every year 1990–2100: eleven statutory days, each holiday on a
// weekend followed by its own nghỉ bù on a weekday, none on another
// holiday.
func TestStatutoryProperties(t *testing.T) {
	for y := 1990; y <= 2100; y++ {
		m := statutory(y)
		holidays, onWeekend, comps := 0, 0, 0
		for jdn, d := range m {
			if d.Date.Year() != y || dayNumber(d.Date) != jdn {
				t.Fatalf("%d: %v misplaced", y, d)
			}
			switch d.Kind {
			case KindHoliday:
				holidays++
				if weekend(jdn) {
					onWeekend++
				}
			case KindCompensatory:
				comps++
				if weekend(jdn) {
					t.Errorf("%d: nghỉ bù on a weekend: %s", y, d.Date.Format(time.DateOnly))
				}
			}
		}
		if holidays != 11 || comps != onWeekend {
			t.Errorf("%d: %d holidays (want 11), %d on weekends, %d nghỉ bù", y, holidays, onWeekend, comps)
		}
	}
}

func TestNationalDaySecond(t *testing.T) {
	for year, want := range map[int]int{
		2021: 3, // Thu
		2022: 1, // Fri
		2023: 1, // Sat
		2024: 3, // Mon
		2025: 1, // Tue
		2026: 1, // Wed
		2029: 3, // Sun
	} {
		if got := nationalDaySecond(year); got != want {
			t.Errorf("%d (2 Sep a %s): %d Sep, want %d", year, day(year, 9, 2).Weekday(), got, want)
		}
	}
}

// Every built-in entry is a valid date that changes the day: a day off on
// a working day, a working day on a day off.
func TestBuiltinOverrides(t *testing.T) {
	if len(builtin) != len(builtinOverrides) {
		t.Fatalf("%d built-in dates for %d entries: a date twice", len(builtin), len(builtinOverrides))
	}
	for jdn, o := range builtin {
		yd := statutory(dayOf(jdn).Year())
		_, isStatutory := yd[jdn]
		off := isStatutory || weekend(jdn)
		if o.Off == off || o.Source == "" || o.Name == "" {
			t.Errorf("%+v: changes nothing, or lacks a name or source", o)
		}
	}
}
