package calendar

import "math"

// The astronomy under the lunar calendar: the instants of new moons and of
// the sun reaching a given apparent longitude, after J. Meeus,
// Astronomical Algorithms (2nd ed., 1998): chapter 49 for the true new
// moon, chapters 25 and 32 with the abridged VSOP87 series of Appendix III
// for the sun, chapter 22 for nutation. Instants are Julian Ephemeris Days
// (dynamical time, TT); localDay turns one into a civil day of Vietnam
// with ΔT after Espenak and Meeus (NASA, 2006).
//
// Checked while writing against an independent ephemeris (the
// astronomy-engine library, 1900–2100): new moons agree within a minute
// (Meeus's worked example 49.a to the second), the sun's longitude within
// 50 s of time (12 s on average). A month's first day or a solar term's
// day is in doubt only when the instant falls within a minute or so of
// midnight in Vietnam: the calendars built on both agree on every month
// of 1968–2076, and part in 1938, 1944, 1967, 2077 and 2085 only, each
// time over a new moon or a term less than a minute from midnight.

const (
	j2000      = 2451545.0     // JDE of 2000-01-01 12:00 TT
	synodic    = 29.530588861  // mean synodic month, days
	newMoon0   = 2451550.09766 // JDE of mean new moon k = 0 (2000-01-06)
	unixEpoch  = 2440587.5     // JD of 1970-01-01 00:00 UTC
	vnMeridian = 7.0 / 24      // the calendar's meridian, UTC+7, in days
)

func sinDeg(x float64) float64 { return math.Sin(x * math.Pi / 180) }
func cosDeg(x float64) float64 { return math.Cos(x * math.Pi / 180) }

// norm360 brings an angle into [0, 360).
func norm360(x float64) float64 {
	x = math.Mod(x, 360)
	if x < 0 {
		x += 360
	}
	return x
}

// newMoonJDE is the instant of true new moon number k (k = 0 is the new
// moon of 2000-01-06; negative k are earlier), Meeus chapter 49.
func newMoonJDE(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2, t3, t4 := t*t, t*t*t, t*t*t*t
	jde := newMoon0 + synodic*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4

	e := 1 - 0.002516*t - 0.0000074*t2                                               // eccentricity of Earth's orbit
	m := 2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3                      // sun's mean anomaly
	mp := 201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4 // moon's mean anomaly
	f := 160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4  // moon's argument of latitude
	om := 124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3                    // longitude of the ascending node

	periodic := -0.40720*sinDeg(mp) +
		0.17241*e*sinDeg(m) +
		0.01608*sinDeg(2*mp) +
		0.01039*sinDeg(2*f) +
		0.00739*e*sinDeg(mp-m) -
		0.00514*e*sinDeg(mp+m) +
		0.00208*e*e*sinDeg(2*m) -
		0.00111*sinDeg(mp-2*f) -
		0.00057*sinDeg(mp+2*f) +
		0.00056*e*sinDeg(2*mp+m) -
		0.00042*sinDeg(3*mp) +
		0.00042*e*sinDeg(m+2*f) +
		0.00038*e*sinDeg(m-2*f) -
		0.00024*e*sinDeg(2*mp-m) -
		0.00017*sinDeg(om) -
		0.00007*sinDeg(mp+2*m) +
		0.00004*sinDeg(2*mp-2*f) +
		0.00004*sinDeg(3*m) +
		0.00003*sinDeg(mp+m-2*f) +
		0.00003*sinDeg(2*mp+2*f) -
		0.00003*sinDeg(mp+m+2*f) +
		0.00003*sinDeg(mp-m+2*f) -
		0.00002*sinDeg(mp-m-2*f) -
		0.00002*sinDeg(3*mp+m) +
		0.00002*sinDeg(4*mp)

	planetary := 0.000325*sinDeg(299.77+0.107408*kf-0.009173*t2) +
		0.000165*sinDeg(251.88+0.016321*kf) +
		0.000164*sinDeg(251.83+26.651886*kf) +
		0.000126*sinDeg(349.42+36.412478*kf) +
		0.000110*sinDeg(84.66+18.206239*kf) +
		0.000062*sinDeg(141.74+53.303771*kf) +
		0.000060*sinDeg(207.14+2.453732*kf) +
		0.000056*sinDeg(154.84+7.306860*kf) +
		0.000047*sinDeg(34.52+27.261239*kf) +
		0.000042*sinDeg(207.19+0.121824*kf) +
		0.000040*sinDeg(291.34+1.844379*kf) +
		0.000037*sinDeg(161.72+24.198154*kf) +
		0.000035*sinDeg(239.56+25.513099*kf) +
		0.000023*sinDeg(331.55+3.592518*kf)

	return jde + periodic + planetary
}

// newMoonIndex is the k of the mean new moon nearest to jde.
func newMoonIndex(jde float64) int { return int(math.Round((jde - newMoon0) / synodic)) }

// sunLongitude is the sun's apparent geocentric longitude at jde, in
// degrees of the true equinox of date: the Earth's heliocentric longitude
// from VSOP87 (Appendix III), turned geocentric, moved to the FK5 frame,
// plus nutation in longitude, less aberration (Meeus chapter 25).
func sunLongitude(jde float64) float64 {
	tau := (jde - j2000) / 365250 // Julian millennia
	t := tau * 10                 // Julian centuries
	var l, p float64 = 0, 1
	for _, series := range earthL {
		var s float64
		for _, x := range series {
			s += x.a * math.Cos(x.b+x.c*tau)
		}
		l += s * p
		p *= tau
	}
	lon := l/1e8*180/math.Pi + 180 - 0.09033/3600

	// Nutation in longitude, the four largest terms (0.5" accuracy).
	om := 125.04452 - 1934.136261*t
	ls := 280.4665 + 36000.7698*t
	lm := 218.3165 + 481267.8813*t
	nutation := (-17.20*sinDeg(om) - 1.32*sinDeg(2*ls) - 0.23*sinDeg(2*lm) + 0.21*sinDeg(2*om)) / 3600

	// Aberration: 20.4898" over the distance in AU.
	m := 357.52911 + 35999.05029*t
	r := 1.000140 - 0.016708*cosDeg(m) - 0.000139*cosDeg(2*m)
	return norm360(lon + nutation - 20.4898/3600/r)
}

// sunAt is the instant near guess (within a few weeks) when the sun's
// apparent longitude is lon degrees.
func sunAt(lon, guess float64) float64 {
	jde := guess
	for range 50 {
		d := math.Mod(lon-sunLongitude(jde)+540, 360) - 180 // in (-180, 180]
		step := d / 360 * 365.2422
		jde += step
		if math.Abs(step) < 1e-7 { // about 0.01 s
			break
		}
	}
	return jde
}

// deltaT is TT − UT in seconds for a decimal year: the polynomials of
// Espenak and Meeus (NASA eclipse site, 2006), which fit the observed
// values to a second or two since 1900; after 2005 they are predictions
// (they ran some 5 s ahead of the observed 69 s in 2025, harmless here).
func deltaT(y float64) float64 {
	switch {
	case y < 1860:
		u := (y - 1820) / 100
		return -20 + 32*u*u
	case y < 1900:
		t := y - 1860
		return 7.62 + 0.5737*t - 0.251754*t*t + 0.01680668*t*t*t - 0.0004473624*t*t*t*t + t*t*t*t*t/233174
	case y < 1920:
		t := y - 1900
		return -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t - 0.000197*t*t*t*t
	case y < 1941:
		t := y - 1920
		return 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case y < 1961:
		t := y - 1950
		return 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case y < 1986:
		t := y - 1975
		return 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case y < 2005:
		t := y - 2000
		return 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t + 0.000651814*t*t*t*t + 0.00002373599*t*t*t*t*t
	case y < 2050:
		t := y - 2000
		return 62.92 + 0.32217*t + 0.005589*t*t
	case y < 2150:
		u := (y - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-y)
	}
	u := (y - 1820) / 100
	return -20 + 32*u*u
}

// utc turns a dynamical instant into a Julian Date of universal time.
func utc(jde float64) float64 { return jde - deltaT(2000+(jde-j2000)/365.25)/86400 }

// localDay is the civil day in Vietnam (as a Julian day number) on which
// the instant jde falls.
func localDay(jde float64) int { return int(math.Floor(utc(jde) + 0.5 + vnMeridian)) }

// newMoonDay is the civil day in Vietnam of new moon k: the first day of
// a lunar month.
func newMoonDay(k int) int { return localDay(newMoonJDE(k)) }
