// Package archive is the hub's evidence archive: it receives the vehicles'
// signed segments (resumable, idempotent uploads), verifies hash, chain and
// signature before it accepts one, stores the files durably (fsync before
// acknowledging), indexes them by vehicle, camera and time in Badger, and
// answers timelines with covered ranges and explained gaps. It enforces
// retention and legal holds and keeps per-day transfer statistics.
package archive

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fieldwatch/hub/alerts"
	"fieldwatch/hub/store"
)

// Errors a client can act on.
var (
	ErrNoKey        = errors.New("archive: vehicle has no registered signing key")
	ErrKeyConflict  = errors.New("archive: vehicle already has a different signing key")
	ErrOffset       = errors.New("archive: upload offset does not match what the hub has")
	ErrRejected     = errors.New("archive: segment rejected")
	ErrConflict     = errors.New("archive: a different segment is already stored under this number")
	ErrTooLarge     = errors.New("archive: upload larger than the segment")
	ErrHubStorage   = errors.New("archive: the hub could not store the segment")
	ErrUnknownRange = errors.New("archive: no recording in this range")
	ErrInterrupted  = errors.New("archive: upload interrupted; resume from Upload-Offset")
)

// Config configures the archive.
type Config struct {
	Dir       string
	Retention time.Duration
	// SweepInterval is how often retention runs.
	SweepInterval time.Duration
	Now           func() time.Time
	// OpenPart opens a partial upload file for appending; nil = the real filesystem (tests inject a full disk).
	OpenPart func(path string) (PartFile, error)
}

// PartFile is a partial upload on disk.
type PartFile interface {
	io.WriteSeeker
	Stat() (os.FileInfo, error)
	Sync() error
	Truncate(size int64) error
	Close() error
}

func openPart(path string) (PartFile, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
}

// Archive is the evidence archive.
type Archive struct {
	cfg    Config
	db     *store.DB
	alerts *alerts.Store
	log    *slog.Logger

	locks   sync.Map // segment id -> *sync.Mutex: one upload of a segment at a time
	started sync.Map // segment id -> time.Time its upload began
	keyMu   sync.Mutex
}

// New opens the archive in cfg.Dir.
func New(cfg Config, db *store.DB, al *alerts.Store, log *slog.Logger) (*Archive, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OpenPart == nil {
		cfg.OpenPart = openPart
	}
	if log == nil {
		log = slog.Default()
	}
	for _, d := range []string{"incoming", "segments"} {
		if err := os.MkdirAll(filepath.Join(cfg.Dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
	}
	return &Archive{cfg: cfg, db: db, alerts: al, log: log.With("component", "archive")}, nil
}

func (a *Archive) lock(id string) func() {
	m, _ := a.locks.LoadOrStore(id, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

func (a *Archive) alert(kind, vehicle, camera, msg string) {
	a.log.Warn("alert", "kind", kind, "vehicle", vehicle, "camera", camera, "message", msg)
	if a.alerts == nil {
		return
	}
	if _, err := a.alerts.Raise(kind, vehicle, camera, msg); err != nil {
		a.log.Error("raise alert", "err", err)
	}
}

// syncDir makes a directory entry durable (after a create or rename).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
