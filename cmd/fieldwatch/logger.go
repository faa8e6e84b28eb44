package main

import (
	"log/slog"
	"os"
	"strings"
)

// newLogger logs text to stderr at the level FIELDWATCH_LOG sets (debug, info, warn, error; default info).
func newLogger() *slog.Logger {
	var lvl slog.Level
	switch strings.ToLower(os.Getenv("FIELDWATCH_LOG")) {
	case "debug":
		lvl = slog.LevelDebug
	case "warn":
		lvl = slog.LevelWarn
	case "error":
		lvl = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
}
