package uplink

import (
	"math/rand/v2"
	"time"
)

// backoff is capped exponential backoff with full jitter: uniform in
// (0, min(base*2^attempt, max)].
func backoff(base, maxDelay time.Duration, attempt int) time.Duration {
	d := min(base<<min(attempt, 16), maxDelay)
	return time.Duration(rand.Int64N(int64(d))) + time.Millisecond
}
