package mailbox

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

	"github.com/dgraph-io/badger/v4"
)

// Photos the crew attach to reports on the vehicle's LAN are kept here,
// content-addressed (the id is the SHA-256, as at the hub), until the
// vehicle has uploaded them to the hub.

// MaxPhoto bounds one photo.
const MaxPhoto = 12 << 20

// ErrPhoto: not a JPEG, PNG or WebP image of at most MaxPhoto bytes.
var ErrPhoto = errors.New("mailbox: not a JPEG, PNG or WebP photo of at most 12 MiB")

var photoIDRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

const photoPrefix = "photo/" // photo/<id> -> "" while it waits for the hub

func (m *Mailbox) photoDir() string { return filepath.Join(m.dir, "photos") }

// PhotoPath is where a kept photo's bytes are.
func (m *Mailbox) PhotoPath(id string) string { return filepath.Join(m.photoDir(), id) }

// PutPhoto keeps a photo (fsync'd) and queues it for upload; the same
// bytes twice are kept once.
func (m *Mailbox) PutPhoto(r io.Reader) (string, error) {
	if err := os.MkdirAll(m.photoDir(), 0o755); err != nil {
		return "", fmt.Errorf("mailbox: %w", err)
	}
	tmp, err := os.CreateTemp(m.photoDir(), "upload-*")
	if err != nil {
		return "", fmt.Errorf("mailbox: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, MaxPhoto+1))
	if err != nil {
		return "", fmt.Errorf("mailbox: receive photo: %w", err)
	}
	head := make([]byte, 512)
	k, _ := tmp.ReadAt(head, 0)
	switch http.DetectContentType(head[:k]) {
	case "image/jpeg", "image/png", "image/webp":
	default:
		return "", ErrPhoto
	}
	if n > MaxPhoto {
		return "", ErrPhoto
	}
	id := hex.EncodeToString(h.Sum(nil))
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("mailbox: %w", err)
	}
	if err := os.Rename(tmp.Name(), m.PhotoPath(id)); err != nil {
		return "", fmt.Errorf("mailbox: %w", err)
	}
	if d, err := os.Open(m.photoDir()); err == nil {
		_ = d.Sync()
		d.Close()
	}
	if err := m.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(photoPrefix+id), nil) }); err != nil {
		return "", fmt.Errorf("mailbox: %w", err)
	}
	return id, nil
}

// PendingPhotos lists the photos the hub does not have yet.
func (m *Mailbox) PendingPhotos() ([]string, error) {
	var out []string
	err := m.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(photoPrefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			out = append(out, string(it.Item().Key()[len(photoPrefix):]))
		}
		return nil
	})
	return out, err
}

// PhotoUploaded forgets a photo the hub confirmed, and its file.
func (m *Mailbox) PhotoUploaded(id string) error {
	if !photoIDRE.MatchString(id) {
		return ErrPhoto
	}
	if err := m.db.Update(func(txn *badger.Txn) error { return txn.Delete([]byte(photoPrefix + id)) }); err != nil {
		return fmt.Errorf("mailbox: %w", err)
	}
	if err := os.Remove(m.PhotoPath(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("mailbox: %w", err)
	}
	return nil
}

// HasPhoto reports whether the photo is kept here (or was uploaded: it is
// then no longer pending, and a report may still name it).
func (m *Mailbox) HasPhoto(id string) bool {
	_, err := os.Stat(m.PhotoPath(id))
	return err == nil
}
