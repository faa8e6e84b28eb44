package archive

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"fieldwatch/hub/alerts"
	"fieldwatch/protocol/evidence"
)

// UploadStatus is where an upload stands: bytes the hub holds durably, and
// whether the segment is verified and archived.
type UploadStatus struct {
	Offset   int64 `json:"offset"`
	Complete bool  `json:"complete"`
}

func segID(m *evidence.Manifest) string {
	return m.Vehicle + "/" + m.Camera + "/" + strconv.FormatUint(m.Seq, 10)
}

func (a *Archive) partPath(m *evidence.Manifest) string {
	return filepath.Join(a.cfg.Dir, "incoming", m.Vehicle, m.Camera, fmt.Sprintf("%020d-%s.part", m.Seq, m.SHA256[:16]))
}

// check validates a manifest and its signature against the registered key,
// and compares it with what is stored under its number.
func (a *Archive) check(m *evidence.Manifest) (stored bool, err error) {
	if err := m.Validate(); err != nil {
		return false, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	pub, err := a.publicKey(m.Vehicle)
	if err != nil {
		return false, err
	}
	if err := m.VerifySignature(pub); err != nil {
		a.reject(m, err)
		return false, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	cur, err := a.get(m.Vehicle, m.Camera, m.Seq)
	if err != nil || cur == nil {
		return false, err
	}
	if cur.Manifest.Digest() == m.Digest() {
		return true, nil
	}
	if cur.Lost && cur.Manifest.SHA256 == m.SHA256 {
		return false, nil // the file of a segment reported lost turned up after all: accept it
	}
	err = fmt.Errorf("%w: segment %s is stored with sha256 %s; this one has %s", ErrConflict, segID(m),
		cur.Manifest.SHA256[:16], m.SHA256[:16])
	a.reject(m, err)
	return false, err
}

// reject alerts on a segment that failed verification and counts the error.
func (a *Archive) reject(m *evidence.Manifest, err error) {
	a.alert(alerts.KindTamper, m.Vehicle, m.Camera, fmt.Sprintf("segment %d rejected: %v", m.Seq, err))
	a.transferError(m, err.Error())
}

// Status says how much of a segment the hub holds.
func (a *Archive) Status(m *evidence.Manifest) (UploadStatus, error) {
	stored, err := a.check(m)
	if err != nil {
		return UploadStatus{}, err
	}
	if stored {
		return UploadStatus{Offset: m.Size, Complete: true}, nil
	}
	defer a.lock(segID(m))()
	fi, err := os.Stat(a.partPath(m))
	if errors.Is(err, os.ErrNotExist) {
		return UploadStatus{}, nil
	}
	if err != nil {
		return UploadStatus{}, fmt.Errorf("%w: %w", ErrHubStorage, err)
	}
	return UploadStatus{Offset: fi.Size()}, nil
}

// Upload appends body at offset to a segment's partial file. When the file
// is whole it is verified (size, SHA-256, chain with its stored neighbours),
// synced, moved into the archive and indexed; only then is it Complete. A
// replayed upload of a stored segment is a no-op. A cut mid-body keeps what
// arrived, synced: the next upload resumes from there.
func (a *Archive) Upload(m *evidence.Manifest, offset int64, body io.Reader) (UploadStatus, error) {
	stored, err := a.check(m)
	if err != nil {
		return UploadStatus{}, err
	}
	if stored {
		return UploadStatus{Offset: m.Size, Complete: true}, nil
	}
	defer a.lock(segID(m))()
	// Another request may have completed this segment while this one waited for the lock.
	if cur, err := a.get(m.Vehicle, m.Camera, m.Seq); err == nil && cur != nil && !cur.Lost && cur.Manifest.Digest() == m.Digest() {
		return UploadStatus{Offset: m.Size, Complete: true}, nil
	}
	part := a.partPath(m)
	if offset > 0 {
		// A resume: never create an empty partial for it.
		fi, err := os.Stat(part)
		if errors.Is(err, os.ErrNotExist) {
			return UploadStatus{}, fmt.Errorf("%w: hub has 0 bytes of segment %s, upload starts at %d", ErrOffset, segID(m), offset)
		} else if err != nil {
			return UploadStatus{}, a.storageErr(m, err)
		} else if fi.Size() != offset {
			return UploadStatus{Offset: fi.Size()}, fmt.Errorf("%w: hub has %d bytes of segment %s, upload starts at %d", ErrOffset, fi.Size(), segID(m), offset)
		}
	}
	if err := os.MkdirAll(filepath.Dir(part), 0o755); err != nil {
		return UploadStatus{}, a.storageErr(m, err)
	}
	f, err := a.cfg.OpenPart(part)
	if err != nil {
		return UploadStatus{}, a.storageErr(m, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return UploadStatus{}, a.storageErr(m, err)
	}
	have := fi.Size()
	if offset != have {
		return UploadStatus{Offset: have}, fmt.Errorf("%w: hub has %d bytes of segment %s, upload starts at %d", ErrOffset, have, segID(m), offset)
	}
	// An upload from the first byte is hashed as it arrives; a resumed one is hashed from disk at the end.
	var hasher *evidence.Hasher
	var dst io.Writer = f
	if have == 0 {
		a.transferStarted(m)
		hasher = evidence.NewHasher()
		dst = io.MultiWriter(f, hasher)
	}
	if _, err := f.Seek(have, io.SeekStart); err != nil {
		return UploadStatus{Offset: have}, a.storageErr(m, err)
	}
	n, copyErr := io.CopyBuffer(dst, io.LimitReader(body, m.Size-have+1), make([]byte, 256<<10))
	have += n
	if have > m.Size {
		f.Close()
		os.Remove(part)
		a.transferError(m, "upload larger than the segment")
		return UploadStatus{}, fmt.Errorf("%w: segment %s is %d bytes", ErrTooLarge, segID(m), m.Size)
	}
	if err := f.Sync(); err != nil {
		return UploadStatus{Offset: have}, a.storageErr(m, err)
	}
	if copyErr != nil {
		var pe *os.PathError
		if errors.As(copyErr, &pe) || errors.Is(copyErr, syscall.ENOSPC) { // the disk failed, not the client
			_ = f.Truncate(have) // keep only whole, synced bytes
			return UploadStatus{Offset: have}, a.storageErr(m, copyErr)
		}
		return UploadStatus{Offset: have}, fmt.Errorf("%w: %s cut at %d bytes: %v", ErrInterrupted, segID(m), have, copyErr)
	}
	if have < m.Size {
		return UploadStatus{Offset: have}, nil
	}
	f.Close()
	return a.accept(m, part, hasher)
}

// accept verifies a whole partial file and moves it into the archive. h,
// when not nil, has hashed every byte of the file as it arrived.
func (a *Archive) accept(m *evidence.Manifest, part string, h *evidence.Hasher) (UploadStatus, error) {
	received := a.cfg.Now()
	var err error
	if h != nil {
		err = h.Check(m)
	} else {
		f, oerr := os.Open(part)
		if oerr != nil {
			return UploadStatus{}, a.storageErr(m, oerr)
		}
		err = evidence.VerifyFile(f, m)
		f.Close()
	}
	if err == nil {
		err = a.checkChain(m)
	}
	if err != nil {
		os.Remove(part)
		a.reject(m, err)
		return UploadStatus{}, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	rel := filepath.Join("segments", m.Vehicle, m.Camera, m.Start.UTC().Format("2006-01-02"), fmt.Sprintf("%020d.mp4", m.Seq))
	dst := filepath.Join(a.cfg.Dir, rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return UploadStatus{}, a.storageErr(m, err)
	}
	if err := os.Rename(part, dst); err != nil {
		return UploadStatus{}, a.storageErr(m, err)
	}
	// Syncing the destination directory commits the rename (one journal transaction).
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return UploadStatus{}, a.storageErr(m, err)
	}
	t := a.transferAt(m)
	cmd := StoreSegment{Record: Record{Manifest: *m, Path: rel, ReceivedAt: t.At}, Received: received, Transfer: t}
	if err := a.submit.Submit(cmd); err != nil {
		return UploadStatus{}, a.storageErr(m, err)
	}
	return UploadStatus{Offset: m.Size, Complete: true}, nil
}

// checkChain links m with the stored segments before and after it.
func (a *Archive) checkChain(m *evidence.Manifest) error {
	if m.Seq > 1 {
		prev, err := a.get(m.Vehicle, m.Camera, m.Seq-1)
		if err != nil {
			return err
		}
		if prev != nil {
			if err := evidence.Link(&prev.Manifest, m); err != nil {
				return err
			}
		}
	}
	next, err := a.get(m.Vehicle, m.Camera, m.Seq+1)
	if err != nil {
		return err
	}
	if next != nil {
		return evidence.Link(m, &next.Manifest)
	}
	return nil
}

// Lost records the signed manifest of a segment the vehicle overwrote before
// the hub had it, so its absence is explained and the chain still verifies.
func (a *Archive) Lost(m *evidence.Manifest) error {
	stored, err := a.check(m)
	if err != nil || stored {
		return err
	}
	defer a.lock(segID(m))()
	if err := a.checkChain(m); err != nil {
		a.reject(m, err)
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	if err := a.submit.Submit(RecordLost{Record: Record{Manifest: *m, Lost: true, ReceivedAt: a.cfg.Now()}}); err != nil {
		return a.storageErr(m, err)
	}
	a.alert(alerts.KindUnsyncedEvicted, m.Vehicle, m.Camera, fmt.Sprintf(
		"segment %d (%s – %s) was overwritten on the vehicle before it reached the hub",
		m.Seq, m.Start.Format("2006-01-02 15:04:05Z07:00"), m.End.Format("15:04:05")))
	return nil
}

// storageErr reports a failure of the hub's own storage.
func (a *Archive) storageErr(m *evidence.Manifest, err error) error {
	msg := err.Error()
	if errors.Is(err, syscall.ENOSPC) {
		msg = "hub disk full: " + msg
	}
	a.alert(alerts.KindHubStorage, m.Vehicle, m.Camera, fmt.Sprintf("segment %d not stored: %s", m.Seq, msg))
	a.transferError(m, msg)
	return fmt.Errorf("%w: %w", ErrHubStorage, err)
}
