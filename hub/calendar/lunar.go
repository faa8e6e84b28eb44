package calendar

import (
	"fmt"
	"math"
	"time"
)

// The Vietnamese lunisolar calendar, computed for the UTC+7 meridian
// (which is why it sometimes differs from the Chinese one by a month or a
// day): a month starts on the day of the astronomical new moon, month 11
// holds the winter solstice, and a leap month is the first month of a
// 13-month year with no major solar term. New moons and the sun's
// longitude follow the classic series of Meeus, Astronomical Algorithms.

// vnOffset is the calendar's meridian, in days.
const vnOffset = 7.0 / 24

const synodic = 29.530588853

// LunarDate is a date of the Vietnamese lunar calendar.
type LunarDate struct {
	Day, Month, Year int
	Leap             bool // the month is the year's leap month
}

func (d LunarDate) String() string {
	leap := ""
	if d.Leap {
		leap = " nhuận"
	}
	return fmt.Sprintf("%d/%d%s/%d âm lịch", d.Day, d.Month, leap, d.Year)
}

// julianDay is the Julian day number of a Gregorian date.
func julianDay(y int, m time.Month, d int) int {
	a := (14 - int(m)) / 12
	yy := y + 4800 - a
	mm := int(m) + 12*a - 3
	return d + (153*mm+2)/5 + 365*yy + yy/4 - yy/100 + yy/400 - 32045
}

// fromJulianDay is the Gregorian date of a Julian day number, at midnight UTC.
func fromJulianDay(jd int) time.Time {
	a := jd + 32044
	b := (4*a + 3) / 146097
	c := a - 146097*b/4
	d := (4*c + 3) / 1461
	e := c - 1461*d/4
	m := (5*e + 2) / 153
	day := e - (153*m+2)/5 + 1
	month := m + 3 - 12*(m/10)
	year := 100*b + d - 4800 + m/10
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

func rad(deg float64) float64 { return deg * math.Pi / 180 }

// newMoon is the Julian ephemeris day of the k-th new moon after 1900-01-01.
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2, t3 := t*t, t*t*t
	jde := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3 +
		0.00033*math.Sin(rad(166.56+132.87*t-0.009173*t2))
	m := rad(359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3)   // sun's mean anomaly
	mp := rad(306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3) // moon's mean anomaly
	f := rad(21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3)   // moon's argument of latitude
	corr := (0.1734-0.000393*t)*math.Sin(m) + 0.0021*math.Sin(2*m) - 0.4068*math.Sin(mp) + 0.0161*math.Sin(2*mp) -
		0.0004*math.Sin(3*mp) + 0.0104*math.Sin(2*f) - 0.0051*math.Sin(m+mp) - 0.0074*math.Sin(m-mp) +
		0.0004*math.Sin(2*f+m) - 0.0004*math.Sin(2*f-m) - 0.0006*math.Sin(2*f+mp) + 0.0010*math.Sin(2*f-mp) +
		0.0005*math.Sin(2*mp+m)
	var deltaT float64 // ephemeris minus universal time, in days
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jde + corr - deltaT
}

// newMoonDay is the local day (Julian day number) of the k-th new moon.
func newMoonDay(k int) int { return int(math.Floor(newMoon(k) + 0.5 + vnOffset)) }

// sunSector is which of the 12 major solar terms the sun is in at the
// local midnight beginning day jd (0 = longitude 0°–30°).
func sunSector(jd int) int {
	t := (float64(jd) - 0.5 - vnOffset - 2451545.0) / 36525
	t2 := t * t
	m := rad(357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2)
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2
	dl := (1.914600-0.004817*t-0.000014*t2)*math.Sin(m) + (0.019993-0.000101*t)*math.Sin(2*m) + 0.000290*math.Sin(3*m)
	l := math.Mod(rad(l0+dl), 2*math.Pi)
	if l < 0 {
		l += 2 * math.Pi
	}
	return int(l / math.Pi * 6)
}

// month11 is the first day of lunar month 11 of year y (the month with the
// winter solstice of Gregorian year y).
func month11(y int) int {
	off := julianDay(y, time.December, 31) - 2415021
	k := int(float64(off) / synodic)
	nm := newMoonDay(k)
	if sunSector(nm) >= 9 {
		nm = newMoonDay(k - 1)
	}
	return nm
}

// leapOffset is the index (after month 11 starting at a11) of the leap
// month in a year of 13 months: the first month without a major term.
func leapOffset(a11 int) int {
	k := int(math.Floor((float64(a11)-2415021.076998695)/synodic + 0.5))
	i := 1
	arc := sunSector(newMoonDay(k + i))
	for {
		last := arc
		i++
		arc = sunSector(newMoonDay(k + i))
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// Lunar converts a (Vietnam-time) day to the lunar calendar.
func Lunar(day time.Time) LunarDate {
	y, m, d := day.Date()
	jd := julianDay(y, m, d)
	k := int((float64(jd) - 2415021.076998695) / synodic)
	start := newMoonDay(k + 1)
	if start > jd {
		start = newMoonDay(k)
	}
	a11, b11 := month11(y), 0
	year := y
	if a11 >= start {
		b11, a11 = a11, month11(y-1)
	} else {
		year, b11 = y+1, month11(y+1)
	}
	out := LunarDate{Day: jd - start + 1}
	diff := (start - a11) / 29
	out.Month = diff + 11
	if b11-a11 > 365 {
		leap := leapOffset(a11)
		if diff >= leap {
			out.Month = diff + 10
			out.Leap = diff == leap
		}
	}
	if out.Month > 12 {
		out.Month -= 12
	}
	if out.Month >= 11 && diff < 4 {
		year--
	}
	out.Year = year
	return out
}

// Solar converts a lunar date to the Gregorian day (midnight, Vietnam
// time); ok is false for a leap month the year does not have.
func Solar(l LunarDate) (time.Time, bool) {
	var a11, b11 int
	if l.Month < 11 {
		a11, b11 = month11(l.Year-1), month11(l.Year)
	} else {
		a11, b11 = month11(l.Year), month11(l.Year+1)
	}
	k := int(math.Floor(0.5 + (float64(a11)-2415021.076998695)/synodic))
	off := l.Month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapOffset(a11)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if l.Leap && l.Month != leapMonth {
			return time.Time{}, false
		}
		if l.Leap || off >= leapOff {
			off++
		}
	} else if l.Leap {
		return time.Time{}, false
	}
	d := fromJulianDay(newMoonDay(k+off) + l.Day - 1)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, Zone), true
}
