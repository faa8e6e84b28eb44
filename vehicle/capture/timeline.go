package capture

import "time"

// timeline maps each session's timestamps (which gortsplib starts at zero at
// every connection, with all tracks on one clock) onto one pts line per
// capture that never goes back: a new session starts after the last pts given
// out, by the wall time that passed since, so an outage shows as a gap of
// about its real length. Owned by the Run goroutine.
type timeline struct {
	fresh    bool          // a new session whose offset is not set yet
	offset   time.Duration // session zero on the capture's line
	last     time.Duration // the latest pts given out
	lastWall time.Time     // when a pts was last given out; zero before any
}

// newSession marks the start of a connection.
func (t *timeline) newSession() {
	t.fresh = true
}

// out returns the capture pts of a frame with session pts p, given at now.
func (t *timeline) out(p time.Duration, now time.Time) time.Duration {
	if t.fresh {
		t.fresh = false
		if !t.lastWall.IsZero() {
			t.offset = t.last + max(now.Sub(t.lastWall), time.Millisecond)
		}
	}
	// Session pts are not negative; clamping guards against a camera whose
	// tracks disagree, so a reconnect can never go back in time.
	pts := t.offset + max(p, 0)
	t.last = max(t.last, pts)
	t.lastWall = now
	return pts
}
