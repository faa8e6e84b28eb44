// Package lograte keeps a noisy source from flooding the log: each kind of
// message is written at most once per interval, with the count of those
// left out since. The RTSP library's warnings (packets lost, write queue
// full, decode errors) go through it instead of the standard logger.
package lograte

import (
	"log/slog"
	"sync"
	"time"
)

// Logger writes each kind of message at most once per Every.
type Logger struct {
	log   *slog.Logger
	every time.Duration
	now   func() time.Time

	mu    sync.Mutex
	kinds map[string]*kind
}

type kind struct {
	last       time.Time
	suppressed int
}

// New returns a Logger writing to log (nil: discarded) at most once per
// every for each kind.
func New(log *slog.Logger, every time.Duration) *Logger {
	return &Logger{log: log, every: every, now: time.Now, kinds: map[string]*kind{}}
}

// Warn writes msg at WARN unless a message of kind was written less than
// an interval ago; then it is counted, and the next one written says how
// many were left out.
func (l *Logger) Warn(kindOf, msg string, args ...any) {
	if l == nil || l.log == nil {
		return
	}
	l.mu.Lock()
	now := l.now()
	k := l.kinds[kindOf]
	if k == nil {
		k = &kind{}
		l.kinds[kindOf] = k
	}
	if !k.last.IsZero() && now.Sub(k.last) < l.every {
		k.suppressed++
		l.mu.Unlock()
		return
	}
	suppressed := k.suppressed
	k.last, k.suppressed = now, 0
	l.mu.Unlock()
	if suppressed > 0 {
		args = append(args, "suppressed", suppressed)
	}
	l.log.Warn(msg, args...)
}
