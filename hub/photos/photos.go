// Package photos keeps the photos and camera snapshots attached to
// reports: content-addressed files (the id is the SHA-256 of the bytes, so
// a phone that uploads its queue twice stores one photo), written and
// fsync'd before they are acknowledged, with a record of who sent them
// from which unit.
package photos

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"fieldwatch/hub/store"
)

// Errors.
var (
	ErrType    = errors.New("photos: not a JPEG, PNG or WebP image")
	ErrTooBig  = errors.New("photos: photo too large")
	ErrUnknown = errors.New("photos: no such photo")
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

// Store keeps photos under dir.
type Store struct {
	dir string
	db  *store.DB
}

var idRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// New returns the store.
func New(dir string, db *store.DB) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("photos: %w", err)
	}
	return &Store{dir: dir, db: db}, nil
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
	p := Photo{ID: id, Type: typ, Size: n, By: by, Unit: unit, Created: time.Now()}
	if err := s.db.Put("photo/"+id, p, 0); err != nil {
		return Photo{}, fmt.Errorf("photos: %w", err)
	}
	return p, nil
}

// Get returns a photo's record.
func (s *Store) Get(id string) (Photo, error) {
	var p Photo
	if !idRE.MatchString(id) {
		return p, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	if err := s.db.Get("photo/"+id, &p); err != nil {
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
