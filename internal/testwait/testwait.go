// Package testwait waits in tests for a condition, never for a fixed time:
// it polls with a growing interval and fails the test at a deadline that is
// a ceiling for a busy machine, not a performance goal.
package testwait

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// Scale multiplies every deadline; FIELDWATCH_TEST_SCALE sets it (default
// 1) for very slow machines.
var Scale = func() float64 {
	if f, err := strconv.ParseFloat(os.Getenv("FIELDWATCH_TEST_SCALE"), 64); err == nil && f > 0 {
		return f
	}
	return 1
}()

// Deadline scales d.
func Deadline(d time.Duration) time.Duration { return time.Duration(float64(d) * Scale) }

// For polls cond until it is true and returns how long that took, or fails
// the test with what was awaited once the (scaled) deadline d has passed.
func For(t testing.TB, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	end := start.Add(Deadline(d))
	wait := time.Millisecond
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", Deadline(d), what)
		}
		time.Sleep(wait)
		if wait < 50*time.Millisecond {
			wait *= 2
		}
	}
	return time.Since(start)
}
