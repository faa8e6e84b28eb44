package calendar

import (
	"slices"
	"time"
)

// Kinds of day, as Day.Kind holds them (plain strings: the hub's API and
// console show them as they are).
const (
	KindWorkday      = "workday"
	KindWeekend      = "weekend"      // Saturday or Sunday
	KindHoliday      = "holiday"      // a public holiday, Labour Code 2019 Art. 112
	KindCompensatory = "compensatory" // the working day off for a holiday on a weekend, Art. 111(3)
	KindDayOff       = "day_off"      // an announced day off: a bridge day swapped for a Saturday, or an extra one
	KindWorked       = "worked"       // an announced working day: a make-up Saturday, or a day off cancelled
)

// The holidays' names, as the law names them.
const (
	nameNewYear   = "Tết Dương lịch"
	nameTet       = "Tết Nguyên đán"
	nameHungKings = "Giỗ Tổ Hùng Vương"
	nameVictory   = "Ngày Chiến thắng"
	nameLabour    = "Ngày Quốc tế Lao động"
	nameNational  = "Quốc khánh"
	compPrefix    = "Nghỉ bù "
)

// defaultTetDaysBefore is how many of Tết's five days fall before the
// first day of the lunar year when no announcement says otherwise: the
// last two days of the old year and the first three of the new, as the
// government placed them every year from 2020 to 2025 (2024: "5 ngày nghỉ
// Tết Âm lịch và 2 ngày nghỉ bù", 8–14 Feb).
const defaultTetDaysBefore = 2

// statutory computes a Gregorian year's public holidays by the Labour Code
// 2019 and its compensatory days, by day number:
//
//   - Art. 112(1): Tết Dương lịch 1 Jan; Tết Âm lịch, 5 days placed each
//     year by the Prime Minister (here: tetDaysBefore, default 2 before the
//     first day and 3 from it); Ngày Chiến thắng 30 Apr; Ngày Quốc tế Lao
//     động 1 May; Quốc khánh 2 Sep and one day next to it (see
//     nationalDaySecond); Giỗ Tổ Hùng Vương on 10/3 lunar.
//   - Art. 111(3): a holiday on the weekly rest day (Saturday or Sunday)
//     gives a day off on the next working day.
//
// Tết always falls between 21 Jan and 20 Feb, so all five days are in
// the year of their first day.
func statutory(year int) map[int]Day {
	m := map[int]Day{}
	add := func(jdn int, name string) { m[jdn] = Day{Date: dayOf(jdn), Kind: KindHoliday, Name: name} }
	add(julianDayNumber(year, time.January, 1), nameNewYear)
	if tet, ok := Solar(LunarDate{Day: 1, Month: 1, Year: year}); ok {
		first := dayNumber(tet)
		before := tetDaysBefore(year)
		for d := first - before; d < first-before+5; d++ {
			add(d, nameTet)
		}
	}
	if hung, ok := Solar(LunarDate{Day: 10, Month: 3, Year: year}); ok {
		add(dayNumber(hung), nameHungKings)
	}
	add(julianDayNumber(year, time.April, 30), nameVictory)
	add(julianDayNumber(year, time.May, 1), nameLabour)
	add(julianDayNumber(year, time.September, 2), nameNational)
	add(julianDayNumber(year, time.September, nationalDaySecond(year)), nameNational)

	var onWeekend []int
	for d := range m {
		if weekend(d) {
			onWeekend = append(onWeekend, d)
		}
	}
	slices.Sort(onWeekend)
	for _, h := range onWeekend {
		d := h + 1
		for weekend(d) || m[d].Kind != "" {
			d++
		}
		m[d] = Day{Date: dayOf(d), Kind: KindCompensatory, Name: compPrefix + m[h].Name}
	}
	return m
}

// tetDaysBefore is how many of year's five Tết days fall before its first
// day: announced, or the default.
func tetDaysBefore(year int) int {
	if n, ok := announcedTetDaysBefore[year]; ok {
		return n
	}
	return defaultTetDaysBefore
}

// nationalDaySecond is the September day that joins 2 Sep as Quốc khánh
// (Labour Code 2019 Art. 112(1)(đ): "ngày 02 tháng 9 dương lịch và 01 ngày
// liền kề trước hoặc sau", placed each year by the Prime Minister). The
// announcements took the side that joins the weekend: 3 Sep when 2 Sep is
// a Monday (2024) or a Thursday (2021); 1 Sep when it is a Tuesday (2025),
// a Friday (2022) or a Saturday (2023). A Wednesday has no such side; 2026,
// the one announced, took 1 Sep. A Sunday gives the same days off either
// way (Sat 1 to Tue 4 Sep); 3 Sep is taken so the law's day is a weekday.
func nationalDaySecond(year int) int {
	switch time.Date(year, time.September, 2, 0, 0, 0, 0, Zone).Weekday() {
	case time.Monday, time.Thursday, time.Sunday:
		return 3
	}
	return 1
}

// weekend reports whether day number jdn is a Saturday or a Sunday.
func weekend(jdn int) bool {
	wd := time.Weekday((jdn + 1) % 7)
	return wd == time.Saturday || wd == time.Sunday
}
