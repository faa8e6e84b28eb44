// Package archive is the hub's evidence archive: it receives the vehicles'
// signed segments (resumable, idempotent uploads), verifies hash, chain and
// signature before it accepts one, stores the files durably (fsync before
// acknowledging), indexes them by vehicle, camera and time in Badger, and
// answers timelines with covered ranges and explained gaps. It enforces
// retention and legal holds and keeps per-day transfer statistics.
//
// Every change to its state is one of its commands (commands.go), applied
// in one Badger transaction. API serves the vehicles' sync (key, resumable
// segment upload, lost segments, forwarded photos) and the users' archive
// (timeline, playback, export, segment records, holds, transfer statistics);
// Run is its retention loop.
package archive

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fieldwatch/hub/alerts"
	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/internal/errkind"
)

// Errors a client can act on. The vehicle's syncer acts on their statuses:
// 409 offset_mismatch resumes from Upload-Offset, 408 retries, 412 registers
// the key, 422 gives the segment up, 507 backs off.
var (
	ErrNoKey = errkind.WithPublic(errkind.Precondition, "no_key", "archive: vehicle has no registered signing key",
		"register the vehicle's signing key first")
	ErrKeyConflict = errkind.New(errkind.Conflict, "key_conflict", "archive: vehicle already has a different signing key")
	ErrOffset      = errkind.New(errkind.Conflict, "offset_mismatch", "archive: upload offset does not match what the hub has")
	ErrRejected    = errkind.New(errkind.Rejected, "rejected", "archive: segment rejected")
	ErrConflict    = errkind.New(errkind.Rejected, "rejected", "archive: a different segment is already stored under this number")
	ErrTooLarge    = errkind.New(errkind.Rejected, "rejected", "archive: upload larger than the segment")
	ErrHubStorage  = errkind.WithPublic(errkind.StorageFull, "hub_storage", "archive: the hub could not store the segment",
		"the hub could not store the segment; try again later")
	ErrUnknownRange = errkind.New(errkind.NotFound, "no_recording", "archive: no recording in this range")
	ErrInterrupted  = errkind.New(errkind.Interrupted, "interrupted", "archive: upload interrupted; resume from Upload-Offset")
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
	// Submit sees the archive's commands applied; nil = applied at once to this archive.
	Submit command.Submitter
}

// Alerter raises alerts for an operator (a rejected segment, a full disk, a key conflict).
type Alerter interface {
	Raise(kind, vehicle, camera, message string) (alerts.Alert, error)
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
	alerts Alerter
	log    *slog.Logger
	submit command.Submitter

	locks   sync.Map // segment id -> *sync.Mutex: one upload of a segment at a time
	started sync.Map // segment id -> time.Time its upload began
	keyMu   sync.Mutex
	applyMu sync.Mutex // one command applied at a time: transfer statistics are read, changed and written

	alarmMu sync.Mutex
	alarms  map[string]string // vehicle -> its last storage alarm
}

// New opens the archive in cfg.Dir; al may be nil (alerts are only logged).
func New(cfg Config, db *store.DB, al Alerter, log *slog.Logger) (*Archive, error) {
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
	a := &Archive{cfg: cfg, db: db, alerts: al, log: log.With("component", "archive"), submit: cfg.Submit}
	if a.submit == nil {
		a.submit = command.Local(a)
	}
	return a, nil
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
