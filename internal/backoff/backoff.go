// Package backoff spaces retries: exponential growth from a base delay to a
// ceiling, with jitter so that many vehicles coming back after one outage
// do not retry in step. The uplink, the control channel, the syncer and the
// camera capture all retry with it.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Policy is how delays grow.
type Policy struct {
	// Base is the delay before the first retry (attempt 0); it doubles per
	// attempt up to Max. A Max below Base caps Base too.
	Base, Max time.Duration
	// Jitter is the random share of each delay: the delay is drawn from
	// [d·(1−Jitter), d]. 0 means none, 0.5 the upper half, 1 full jitter.
	Jitter float64
	// Floor is added to every delay, so full jitter never gives zero.
	Floor time.Duration
}

// Delay is the wait before retry number attempt (from 0).
func (p Policy) Delay(attempt int) time.Duration {
	d := min(p.Base, p.Max)
	for range min(attempt, 62) {
		if d >= p.Max || d <= 0 {
			break
		}
		d *= 2
	}
	d = min(d, p.Max)
	if j := time.Duration(float64(d) * min(max(p.Jitter, 0), 1)); j > 0 {
		d = d - j + rand.N(j+1)
	}
	return d + p.Floor
}

// Backoff counts attempts of one retry loop.
type Backoff struct {
	Policy
	attempt int
}

// New returns a backoff with policy p.
func New(p Policy) *Backoff { return &Backoff{Policy: p} }

// Next returns the delay before the next attempt and counts it.
func (b *Backoff) Next() time.Duration {
	d := b.Delay(b.attempt)
	b.attempt++
	return d
}

// Reset starts over after a success.
func (b *Backoff) Reset() { b.attempt = 0 }
