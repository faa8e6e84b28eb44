// Package vntime is Vietnam's time zone, Asia/Ho_Chi_Minh: UTC+7 with no
// daylight saving since 1975, fixed so that it needs no tzdata on the
// machine. Everything shown to a user or cut into days is in this zone.
package vntime

import "time"

// Zone is Vietnam time (ICT, UTC+7).
var Zone = time.FixedZone("ICT", 7*3600)

// Day is the Vietnam date of t as YYYY-MM-DD.
func Day(t time.Time) string { return t.In(Zone).Format(time.DateOnly) }

// ParseDay reads a YYYY-MM-DD date as midnight Vietnam time.
func ParseDay(s string) (time.Time, error) { return time.ParseInLocation(time.DateOnly, s, Zone) }
