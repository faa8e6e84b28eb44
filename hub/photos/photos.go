// Package photos keeps the photos and camera snapshots attached to
// reports: content-addressed files (the id is the SHA-256 of the bytes, so
// a phone that uploads its queue twice stores one photo), written and
// fsync'd before they are acknowledged, with a record of who sent them
// from which unit.
package photos

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/internal/errkind"
)

// Errors.
var (
	ErrType    = errkind.New(errkind.Unsupported, "unsupported_media_type", "photos: not a JPEG, PNG or WebP image")
	ErrTooBig  = errkind.New(errkind.TooLarge, "too_large", "photos: photo too large")
	ErrUnknown = errkind.New(errkind.NotFound, "not_found", "photos: no such photo")
)

// MaxSize bounds one photo.
const MaxSize = 12 << 20

// Photo is a stored photo's record.
type Photo struct {
	ID      string    `json:"id"` // SHA-256, hex
	Type    string    `json:"type"`
	Size    int64     `json:"size"`
	By      string    `json:"by"`
	Unit    string    `json:"unit"`
	Created time.Time `json:"created"`
}

// Store keeps photos under a directory and their records in the hub
// database; the records change only by applying the domain's command.
type Store struct {
	dir    string
	db     *store.DB
	now    func() time.Time
	submit command.Submitter
	mu     sync.Mutex // serialises Apply
}

var idRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Params configure the store.
type Params struct {
	Dir string           // where the photo files go
	Now func() time.Time // nil: time.Now
	// Submit sees the store's commands applied; nil applies them to the
	// store at once.
	Submit command.Submitter
}

// New returns the store.
func New(db *store.DB, p Params) (*Store, error) {
	if err := os.MkdirAll(p.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("photos: %w", err)
	}
	s := &Store{dir: p.Dir, db: db, now: p.Now, submit: p.Submit}
	if s.now == nil {
		s.now = time.Now
	}
	if s.submit == nil {
		s.submit = command.Local(s)
	}
	return s, nil
}

func (s *Store) path(id string) string { return filepath.Join(s.dir, id[:2], id) }

// Put reads a photo (at most MaxSize bytes), checks it is an image, and
// stores it durably. Storing the same bytes again returns the first record.
func (s *Store) Put(r io.Reader, by, unit string) (Photo, error) {
	tmp, err := os.CreateTemp(s.dir, "upload-*")
	if err != nil {
		return Photo{}, fmt.Errorf("photos: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, MaxSize+1))
	if err != nil {
		return Photo{}, fmt.Errorf("photos: receive: %w", err)
	}
	if n > MaxSize {
		return Photo{}, fmt.Errorf("%w: more than %d MiB", ErrTooBig, MaxSize>>20)
	}
	head := make([]byte, 512)
	m, _ := tmp.ReadAt(head, 0)
	typ := http.DetectContentType(head[:m])
	switch typ {
	case "image/jpeg", "image/png", "image/webp":
	default:
		return Photo{}, fmt.Errorf("%w (looks like %s)", ErrType, typ)
	}
	id := hex.EncodeToString(h.Sum(nil))
	if p, err := s.Get(id); err == nil {
		return p, nil
	}
	if err := tmp.Sync(); err != nil {
		return Photo{}, fmt.Errorf("photos: %w", err)
	}
	dst := s.path(id)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return Photo{}, fmt.Errorf("photos: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return Photo{}, fmt.Errorf("photos: %w", err)
	}
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	// The file is on disk before the record that names it.
	p := Photo{ID: id, Type: typ, Size: n, By: by, Unit: unit, Created: s.now()}
	if err := s.submit.Submit(Stored{Photo: p}); err != nil {
		return Photo{}, fmt.Errorf("photos: %w", err)
	}
	return s.Get(id)
}

// Get returns a photo's record.
func (s *Store) Get(id string) (Photo, error) {
	var p Photo
	if !idRE.MatchString(id) {
		return p, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	if err := s.db.Get(recPrefix+id, &p); err != nil {
		return p, fmt.Errorf("%w: %s", ErrUnknown, id)
	}
	return p, nil
}

// Open opens a stored photo's bytes.
func (s *Store) Open(id string) (*os.File, error) {
	if !idRE.MatchString(id) {
		return nil, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	f, err := os.Open(s.path(id))
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrUnknown, id)
	}
	return f, nil
}
