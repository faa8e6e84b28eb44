package rules

import (
	"fieldwatch/internal/errkind"
	"fmt"
	"math"
)

// ErrInvalid: a rule, geofence or window that cannot be used.
var ErrInvalid = errkind.New(errkind.Invalid, "bad_request", "rules: invalid")

// Point is a position in degrees, WGS 84, written [lat, lon].
type Point [2]float64

// Lat is the latitude in degrees.
func (p Point) Lat() float64 { return p[0] }

// Lon is the longitude in degrees.
func (p Point) Lon() float64 { return p[1] }

func (p Point) valid() bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && math.Abs(p[0]) <= 90 && math.Abs(p[1]) <= 180
}

// Circle is a round area: a centre and a radius in metres.
type Circle struct {
	Center  Point   `json:"center"`
	RadiusM float64 `json:"radius_m"`
}

// Geofence is an area: a polygon ([lat, lon] corners, not closed: the last
// corner joins the first) or a circle, exactly one of the two.
type Geofence struct {
	Polygon []Point `json:"polygon,omitempty"`
	Circle  *Circle `json:"circle,omitempty"`
}

// Limits of a geofence.
const (
	MaxPolygonPoints = 500
	MaxRadiusM       = 200_000
	minRadiusM       = 10
	// maxSpanDeg bounds a polygon's extent: the flat-earth distance used
	// inside is good to well under a metre at that size.
	maxSpanDeg = 2.0
)

// Validate checks the geofence's shape.
func (g Geofence) Validate() error {
	switch {
	case g.Circle != nil && len(g.Polygon) > 0:
		return fmt.Errorf("%w: a geofence is a polygon or a circle, not both", ErrInvalid)
	case g.Circle != nil:
		if !g.Circle.Center.valid() {
			return fmt.Errorf("%w: circle centre out of range", ErrInvalid)
		}
		if math.IsNaN(g.Circle.RadiusM) || g.Circle.RadiusM < minRadiusM || g.Circle.RadiusM > MaxRadiusM {
			return fmt.Errorf("%w: circle radius must be %d–%d m", ErrInvalid, minRadiusM, MaxRadiusM)
		}
		return nil
	case len(g.Polygon) == 0:
		return fmt.Errorf("%w: a geofence needs a polygon or a circle", ErrInvalid)
	case len(g.Polygon) < 3 || len(g.Polygon) > MaxPolygonPoints:
		return fmt.Errorf("%w: a polygon needs 3 to %d corners", ErrInvalid, MaxPolygonPoints)
	}
	minLat, maxLat, minLon, maxLon := 90.0, -90.0, 180.0, -180.0
	for i, p := range g.Polygon {
		if !p.valid() {
			return fmt.Errorf("%w: polygon corner %d out of range", ErrInvalid, i+1)
		}
		minLat, maxLat = math.Min(minLat, p[0]), math.Max(maxLat, p[0])
		minLon, maxLon = math.Min(minLon, p[1]), math.Max(maxLon, p[1])
	}
	if maxLat-minLat > maxSpanDeg || maxLon-minLon > maxSpanDeg {
		return fmt.Errorf("%w: polygon wider than %.0f degrees", ErrInvalid, maxSpanDeg)
	}
	if math.Abs(g.area()) < 1 {
		return fmt.Errorf("%w: polygon has no area", ErrInvalid)
	}
	return nil
}

const earthRadius = 6371000.0

func rad(d float64) float64 { return d * math.Pi / 180 }

// haversine is the great-circle distance in metres.
func haversine(a, b Point) float64 {
	dlat, dlon := rad(b[0]-a[0]), rad(b[1]-a[1])
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(rad(a[0]))*math.Cos(rad(b[0]))*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

// flat projects q to metres east and north of origin (equirectangular).
func flat(origin, q Point) (x, y float64) {
	return rad(q[1]-origin[1]) * math.Cos(rad(origin[0])) * earthRadius, rad(q[0]-origin[0]) * earthRadius
}

// area is the polygon's signed area in m² (shoelace, around its first corner).
func (g Geofence) area() float64 {
	s := 0.0
	for i := range g.Polygon {
		x1, y1 := flat(g.Polygon[0], g.Polygon[i])
		x2, y2 := flat(g.Polygon[0], g.Polygon[(i+1)%len(g.Polygon)])
		s += x1*y2 - x2*y1
	}
	return s / 2
}

// Distance is how far p is from the geofence's edge in metres: negative
// inside, positive outside.
func (g Geofence) Distance(p Point) float64 {
	if g.Circle != nil {
		return haversine(g.Circle.Center, p) - g.Circle.RadiusM
	}
	inside := false
	best := math.Inf(1)
	n := len(g.Polygon)
	for i := range n {
		ax, ay := flat(p, g.Polygon[i])
		bx, by := flat(p, g.Polygon[(i+1)%n])
		// Ray casting to the east from p (the origin of the projection).
		if (ay > 0) != (by > 0) && ax+(0-ay)*(bx-ax)/(by-ay) > 0 {
			inside = !inside
		}
		best = math.Min(best, segmentDistance(ax, ay, bx, by))
	}
	if inside {
		return -best
	}
	return best
}

// segmentDistance is the distance from the origin to the segment a–b.
func segmentDistance(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l := dx*dx + dy*dy
	t := 0.0
	if l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}
