// Package backoff spaces retries: exponential growth from a first delay to
// a ceiling, with full jitter so that many vehicles coming back after one
// outage do not retry in step.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Backoff gives successive retry delays. The zero value is not usable:
// set Min and Max.
type Backoff struct {
	Min, Max time.Duration
	// Jitter is the random share of each delay, 0..1 (0: none, 1: full
	// jitter, the delay drawn from [0, d]).
	Jitter  float64
	attempt int
}

// New returns a backoff from min to max with half of each delay random.
func New(min, max time.Duration) *Backoff { return &Backoff{Min: min, Max: max, Jitter: 0.5} }

// Next returns the delay before the next attempt and counts it.
func (b *Backoff) Next() time.Duration {
	d := b.Min
	for i := 0; i < b.attempt && d < b.Max; i++ {
		d *= 2
	}
	if d > b.Max {
		d = b.Max
	}
	b.attempt++
	if b.Jitter > 0 && d > 0 {
		j := time.Duration(float64(d) * b.Jitter)
		d = d - j + rand.N(j+1)
	}
	return d
}

// Reset starts over after a success.
func (b *Backoff) Reset() { b.attempt = 0 }

// Attempts is how many delays were given since the last reset.
func (b *Backoff) Attempts() int { return b.attempt }
