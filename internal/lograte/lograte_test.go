package lograte

import (
	"context"
	"log/slog"
	"testing"
	"time"
)

type records struct{ got []slog.Record }

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.got = append(r.got, rec)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

// A flood of one kind is written once per interval with the count left
// out; another kind is not held back by it.
func TestOncePerIntervalPerKind(t *testing.T) {
	var rec records
	l := New(slog.New(&rec), time.Second)
	now := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	for range 1000 {
		l.Warn("queue", "rtsp: write queue is full")
	}
	l.Warn("lost", "rtsp: packets lost", "lost", 3)
	now = now.Add(time.Second)
	l.Warn("queue", "rtsp: write queue is full")
	if len(rec.got) != 3 {
		t.Fatalf("%d records, want 3", len(rec.got))
	}
	var suppressed int64
	rec.got[2].Attrs(func(a slog.Attr) bool {
		if a.Key == "suppressed" {
			suppressed = a.Value.Int64()
		}
		return true
	})
	if suppressed != 999 {
		t.Fatalf("suppressed %d, want 999", suppressed)
	}
	var nilLogger *Logger
	nilLogger.Warn("x", "nothing") // a nil Logger discards
}
