package watch

import (
	"slices"
	"time"
)

// Interval is the half-open time range [From, To).
type Interval struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Empty reports whether the interval holds no instant.
func (i Interval) Empty() bool { return !i.From.Before(i.To) }

// Duration is the interval's length (0 when empty).
func (i Interval) Duration() time.Duration {
	if i.Empty() {
		return 0
	}
	return i.To.Sub(i.From)
}

// Contains reports whether t lies in [From, To).
func (i Interval) Contains(t time.Time) bool { return !t.Before(i.From) && t.Before(i.To) }

// Overlaps reports whether the two intervals share an instant.
func (i Interval) Overlaps(j Interval) bool { return i.From.Before(j.To) && j.From.Before(i.To) }

// Intersect is the common part of i and j (possibly empty).
func (i Interval) Intersect(j Interval) Interval {
	out := Interval{From: later(i.From, j.From), To: earlier(i.To, j.To)}
	if out.Empty() {
		return Interval{}
	}
	return out
}

// Set is a sorted list of disjoint, non-adjacent, non-empty intervals.
// Build one with Union; the operations below keep the invariant.
type Set []Interval

// Union merges intervals (in any order, overlapping or not) into a Set.
func Union(parts ...Interval) Set {
	var in []Interval
	for _, p := range parts {
		if !p.Empty() {
			in = append(in, p)
		}
	}
	slices.SortFunc(in, func(a, b Interval) int { return a.From.Compare(b.From) })
	var out Set
	for _, p := range in {
		if n := len(out); n > 0 && !p.From.After(out[n-1].To) {
			out[n-1].To = later(out[n-1].To, p.To)
			continue
		}
		out = append(out, p)
	}
	return out
}

// Or is the union of two sets.
func (s Set) Or(t Set) Set { return Union(append(slices.Clone(s), t...)...) }

// And is the intersection of two sets.
func (s Set) And(t Set) Set {
	var out []Interval
	i, j := 0, 0
	for i < len(s) && j < len(t) {
		if x := s[i].Intersect(t[j]); !x.Empty() {
			out = append(out, x)
		}
		if s[i].To.Before(t[j].To) {
			i++
		} else {
			j++
		}
	}
	return Union(out...)
}

// Minus is what of s lies outside t.
func (s Set) Minus(t Set) Set {
	var out []Interval
	for _, a := range s {
		cur := a
		for _, b := range t {
			if !b.To.After(cur.From) {
				continue
			}
			if !b.From.Before(cur.To) {
				break
			}
			if b.From.After(cur.From) {
				out = append(out, Interval{cur.From, b.From})
			}
			cur.From = later(cur.From, b.To)
			if cur.Empty() {
				break
			}
		}
		if !cur.Empty() {
			out = append(out, cur)
		}
	}
	return Union(out...)
}

// Duration is the total length of the set.
func (s Set) Duration() time.Duration {
	var d time.Duration
	for _, i := range s {
		d += i.Duration()
	}
	return d
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
