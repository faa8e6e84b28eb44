package calendar

import (
	"fmt"
	"sync"
	"time"
)

// The Vietnamese lunisolar calendar (âm lịch), computed for the UTC+7
// meridian as Vietnam's calendar has been since 1968 (the Chinese one is
// computed for UTC+8, so the two part when a new moon or a solar term
// falls between 23:00 and midnight in Vietnam: Tết 2007 was on 17 February
// in Vietnam and the 18th in China; Tết 1985 a whole month apart through a
// different leap month). The rules, those of the modern Chinese calendar
// (GB/T 33661-2017) at Vietnam's meridian:
//
//   - a month begins on the civil day of the astronomical new moon;
//   - month 11 is the month holding the day of the winter solstice (the
//     sun at 270°);
//   - when 13 months begin between two months 11, the first of them with
//     no principal solar term (the sun at a multiple of 30°) is the leap
//     month (tháng nhuận) and repeats the previous month's number.
//
// Dates before 1968 are computed with the same rules (proleptically); the
// calendar then in use followed the UTC+8 meridian and may differ. The
// astronomy holds for a few centuries either side of 2000; any date
// converts, but far from it the result is only as good as ΔT's guess.

// LunarDate is a date of the Vietnamese lunar calendar. Year is the
// Gregorian year in which the lunar year begins (Tết).
type LunarDate struct {
	Day, Month, Year int
	Leap             bool // the month is the year's leap month
}

// String writes the date the Vietnamese way, e.g. "10/3/2024 âm lịch" or
// "1/2 nhuận/2023 âm lịch".
func (d LunarDate) String() string {
	leap := ""
	if d.Leap {
		leap = " nhuận"
	}
	return fmt.Sprintf("%d/%d%s/%d âm lịch", d.Day, d.Month, leap, d.Year)
}

// Lunar converts t's civil day in Vietnam to the lunar calendar.
func Lunar(t time.Time) LunarDate {
	y, m, d := t.In(Zone).Date()
	jdn := julianDayNumber(y, m, d)
	s := suiOf(y)
	if jdn >= s.start[len(s.start)-1] { // on or after month 11's start in Nov/Dec
		s = suiOf(y + 1)
	}
	i := len(s.start) - 2
	for s.start[i] > jdn {
		i--
	}
	out := LunarDate{Day: jdn - s.start[i] + 1, Month: s.num[i], Year: s.year, Leap: i == s.leap}
	if out.Month >= 11 {
		out.Year--
	}
	return out
}

// Solar converts a lunar date to its civil day (midnight in Vietnam);
// ok is false for a date the calendar does not have: a month outside
// 1–12, a leap month the year lacks, or day 30 of a 29-day month.
func Solar(l LunarDate) (time.Time, bool) {
	if l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return time.Time{}, false
	}
	y := l.Year
	if l.Month >= 11 {
		y++
	}
	s := suiOf(y)
	for i, n := range s.num {
		if n != l.Month || (i == s.leap) != l.Leap {
			continue
		}
		if l.Day > s.start[i+1]-s.start[i] {
			return time.Time{}, false
		}
		return dayOf(s.start[i] + l.Day - 1), true
	}
	return time.Time{}, false
}

// LeapMonth is the leap month of the lunar year that begins in Gregorian
// year y (0 if it has none). A leap month 11 or 12 counts for the lunar
// year it ends, as the months 11 and 12 do.
func LeapMonth(y int) int {
	// Months 1–10 of year y are in sui y; months 11–12 of year y in sui y+1.
	if s := suiOf(y); s.leap >= 0 && s.num[s.leap] <= 10 {
		return s.num[s.leap]
	}
	if s := suiOf(y + 1); s.leap >= 0 && s.num[s.leap] >= 11 {
		return s.num[s.leap]
	}
	return 0
}

// sui is the span (tuế) from month 11 holding the winter solstice of
// Gregorian year year−1 up to, not including, the month 11 holding that of
// year: months 11 and 12 of lunar year year−1 and months 1–10 of lunar
// year year, with one leap month among them when 13 months begin.
type sui struct {
	year  int
	start []int // first civil day (Julian day number) of each month, and of the next month 11
	num   []int // each month's number
	leap  int   // index of the leap month, or -1
}

var suiCache = struct {
	sync.Mutex
	m map[int]*sui
}{m: map[int]*sui{}}

// suiOf returns the sui ending at the winter solstice of Gregorian year y.
func suiOf(y int) *sui {
	suiCache.Lock()
	defer suiCache.Unlock()
	if s, ok := suiCache.m[y]; ok {
		return s
	}
	s := computeSui(y)
	suiCache.m[y] = s
	return s
}

func computeSui(y int) *sui {
	ws0, k0 := month11(y - 1)
	_, k1 := month11(y)
	n := k1 - k0 // 12 or 13 months
	s := &sui{year: y, start: make([]int, n+1), num: make([]int, n), leap: -1}
	for i := range s.start {
		s.start[i] = newMoonDay(k0 + i)
	}
	if n == 13 {
		// The civil days of the 12 principal terms from this solstice
		// (270°, 300°, ..., 240°); the next solstice opens the next sui.
		terms := make([]int, 12)
		for j := range terms {
			terms[j] = localDay(sunAt(norm360(270+30*float64(j)), ws0+30.44*float64(j)))
		}
		for i := 1; i < n && s.leap < 0; i++ {
			has := false
			for _, d := range terms {
				if d >= s.start[i] && d < s.start[i+1] {
					has = true
					break
				}
			}
			if !has {
				s.leap = i
			}
		}
	}
	num := 11
	for i := range s.num {
		if i > 0 && i != s.leap {
			num = num%12 + 1
		}
		s.num[i] = num
	}
	return s
}

// month11 finds the winter solstice of Gregorian year y (as an instant)
// and the number k of the new moon that begins the month holding it.
func month11(y int) (solstice float64, k int) {
	solstice = sunAt(270, float64(julianDayNumber(y, time.December, 21))) // the JDN of 21 Dec is its noon
	day := localDay(solstice)
	k = newMoonIndex(solstice) // within a day or so of the right one
	for newMoonDay(k) > day {
		k--
	}
	for newMoonDay(k+1) <= day {
		k++
	}
	return solstice, k
}

// julianDayNumber is the Julian day number of a Gregorian date (the
// number of the day whose noon is that Julian Date).
func julianDayNumber(y int, m time.Month, d int) int {
	a := (14 - int(m)) / 12
	yy := y + 4800 - a
	mm := int(m) + 12*a - 3
	return d + (153*mm+2)/5 + 365*yy + yy/4 - yy/100 + yy/400 - 32045
}

// dayOf is the civil day with Julian day number jdn, at midnight in Vietnam.
func dayOf(jdn int) time.Time {
	// The Unix epoch, 1970-01-01, is day 2440588.
	t := time.Unix(int64(jdn-2440588)*86400, 0).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Zone)
}

// dayNumber is the Julian day number of t's civil day in Vietnam.
func dayNumber(t time.Time) int {
	y, m, d := t.In(Zone).Date()
	return julianDayNumber(y, m, d)
}
