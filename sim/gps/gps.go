// Package gps drives simulated vehicles along plausible routes of
// Vietnamese customs work (border gates, ports) and reports 1 Hz fixes.
package gps

import (
	"math"
	"time"

	"fieldwatch/protocol"
)

// waypoint is a point of a route (degrees).
type waypoint struct{ lat, lon float64 }

// route is a named polyline driven back and forth, at about altM metres.
type route struct {
	name   string
	altM   float64
	points []waypoint
}

// routes are approximate roads near customs sites.
var routes = []route{
	// Ends at the gate, on the Vietnamese side.
	{"QL1A Lạng Sơn – cửa khẩu Hữu Nghị", 260, []waypoint{
		{21.8537, 106.7610}, {21.8702, 106.7488}, {21.8905, 106.7402}, {21.9103, 106.7331},
		{21.9330, 106.7239}, {21.9512, 106.7170}, {21.9688, 106.7068}}},
	{"QL4A – cửa khẩu Tân Thanh", 280, []waypoint{
		{21.8620, 106.7330}, {21.8815, 106.7120}, {21.9040, 106.6930}, {21.9290, 106.6740},
		{21.9510, 106.6530}, {21.9665, 106.6337}}},
	{"Móng Cái – cầu Bắc Luân", 8, []waypoint{
		{21.5249, 107.9663}, {21.5302, 107.9711}, {21.5368, 107.9752}, {21.5412, 107.9798}, {21.5448, 107.9851}}},
	{"QL9 – cửa khẩu Lao Bảo", 190, []waypoint{
		{16.6340, 106.6305}, {16.6302, 106.6150}, {16.6250, 106.5990}, {16.6198, 106.5840}, {16.6152, 106.5705}}},
	{"QL22 – cửa khẩu Mộc Bài", 12, []waypoint{
		{11.0420, 106.2850}, {11.0545, 106.2640}, {11.0660, 106.2440}, {11.0770, 106.2240}, {11.0833, 106.2085}}},
	{"Cảng Cát Lái", 3, []waypoint{
		{10.7670, 106.7700}, {10.7630, 106.7810}, {10.7590, 106.7920}, {10.7548, 106.8030}}},
}

// Track is one vehicle's route with its timing.
type Track struct {
	r     route
	segs  []float64 // cumulative length at each point, metres
	total float64
	epoch time.Time
	phase float64 // metres of offset, so vehicles on one route differ
}

// Route returns the track of simulated vehicle index (0-based).
func Route(index int) *Track {
	n := len(routes)
	r := routes[(index%n+n)%n]
	t := &Track{r: r, epoch: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	t.segs = make([]float64, len(r.points))
	for i := 1; i < len(r.points); i++ {
		t.segs[i] = t.segs[i-1] + distance(r.points[i-1], r.points[i])
	}
	t.total = t.segs[len(t.segs)-1]
	t.phase = math.Abs(float64(index/n)) * t.total / 3
	return t
}

// Name is the route's name.
func (t *Track) Name() string { return t.r.name }

// speedKmh varies between 30 and 60 km/h, smoothly, over minutes.
func speedKmh(s float64) float64 { return 45 + 15*math.Sin(s/97) }

// odometer is the distance driven by t (seconds since epoch): the integral
// of speedKmh, closed form.
func odometer(s float64) float64 {
	const k = 1000.0 / 3600 // km/h to m/s
	return k * (45*s - 15*97*(math.Cos(s/97)-1))
}

// At returns the fix at time now: deterministic for a given time.
func (t *Track) At(now time.Time) protocol.GPSFix {
	s := now.Sub(t.epoch).Seconds()
	d := math.Mod(odometer(s)+t.phase, 2*t.total)
	if d < 0 { // before the epoch
		d += 2 * t.total
	}
	forward := d <= t.total
	if !forward {
		d = 2*t.total - d
	}
	i := 1
	for i < len(t.segs)-1 && t.segs[i] < d {
		i++
	}
	a, b := t.r.points[i-1], t.r.points[i]
	f := 0.0
	if seg := t.segs[i] - t.segs[i-1]; seg > 0 {
		f = (d - t.segs[i-1]) / seg
	}
	pos := waypoint{a.lat + f*(b.lat-a.lat), a.lon + f*(b.lon-a.lon)}
	from, to := a, b
	if !forward {
		from, to = b, a
	}
	return protocol.GPSFix{
		Lat: pos.lat, Lon: pos.lon, AltM: t.r.altM, SpeedKmh: speedKmh(s), Heading: bearing(from, to),
		AccuracyM: 5, Time: now.UTC().Truncate(time.Second),
	}
}

const earthRadius = 6371000.0

func rad(d float64) float64 { return d * math.Pi / 180 }

// distance is the haversine distance in metres.
func distance(a, b waypoint) float64 {
	dlat, dlon := rad(b.lat-a.lat), rad(b.lon-a.lon)
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(rad(a.lat))*math.Cos(rad(b.lat))*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthRadius * math.Asin(math.Sqrt(h))
}

// bearing is the initial course from a to b, degrees in [0, 360).
func bearing(a, b waypoint) float64 {
	y := math.Sin(rad(b.lon-a.lon)) * math.Cos(rad(b.lat))
	x := math.Cos(rad(a.lat))*math.Sin(rad(b.lat)) - math.Sin(rad(a.lat))*math.Cos(rad(b.lat))*math.Cos(rad(b.lon-a.lon))
	deg := math.Mod(math.Atan2(y, x)*180/math.Pi+360, 360)
	if deg >= 360 {
		deg = 0
	}
	return deg
}
