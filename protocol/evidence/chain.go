package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
)

// ErrHash: the file's size or SHA-256 differs from its manifest.
var ErrHash = errors.New("evidence: file does not match its manifest")

// ErrChain: a segment's Prev is not the digest of the segment before it.
var ErrChain = errors.New("evidence: hash chain broken")

// Link checks that next follows prev in one camera's chain.
func Link(prev, next *Manifest) error {
	if prev.Vehicle != next.Vehicle || prev.Camera != next.Camera {
		return fmt.Errorf("%w: %s/%s/%d cannot follow %s/%s/%d", ErrChain,
			next.Vehicle, next.Camera, next.Seq, prev.Vehicle, prev.Camera, prev.Seq)
	}
	if next.Seq != prev.Seq+1 {
		return fmt.Errorf("%w: segment %d cannot follow %d", ErrChain, next.Seq, prev.Seq)
	}
	if next.Prev != prev.Digest() {
		return fmt.Errorf("%w: segment %d does not name segment %d as its predecessor", ErrChain, next.Seq, prev.Seq)
	}
	if next.Start.Before(prev.End.Add(-MaxOverlap)) {
		return fmt.Errorf("%w: segment %d starts at %s, before segment %d ends at %s", ErrChain,
			next.Seq, next.Start, prev.Seq, prev.End)
	}
	return nil
}

// MaxOverlap is how far a segment may start before its predecessor's end
// (one frame of rounding between timestamp clocks).
const MaxOverlap = 100e6 // 100 ms

// VerifyChain checks a run of one camera's manifests, in Seq order, with no holes.
func VerifyChain(ms []Manifest) error {
	for i := 1; i < len(ms); i++ {
		if err := Link(&ms[i-1], &ms[i]); err != nil {
			return err
		}
	}
	return nil
}

// Hasher checks a segment file against its manifest as it streams by.
type Hasher struct {
	h hash.Hash
	n int64
}

// NewHasher starts a check.
func NewHasher() *Hasher { return &Hasher{h: sha256.New()} }

// Write implements io.Writer.
func (h *Hasher) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	return h.h.Write(p)
}

// Sum is the hex SHA-256 of what was written.
func (h *Hasher) Sum() string { return hex.EncodeToString(h.h.Sum(nil)) }

// Check compares what was written with m.
func (h *Hasher) Check(m *Manifest) error {
	if h.n != m.Size {
		return fmt.Errorf("%w: segment %d is %d bytes, manifest says %d", ErrHash, m.Seq, h.n, m.Size)
	}
	if sum := h.Sum(); sum != m.SHA256 {
		return fmt.Errorf("%w: segment %d has sha256 %s, manifest says %s", ErrHash, m.Seq, sum[:16], m.SHA256[:16])
	}
	return nil
}

// VerifyFile reads a whole file and checks its size and hash against m.
func VerifyFile(r io.Reader, m *Manifest) error {
	h := NewHasher()
	if _, err := io.Copy(h, io.LimitReader(r, MaxSegmentSize+1)); err != nil {
		return fmt.Errorf("evidence: read segment %d: %w", m.Seq, err)
	}
	return h.Check(m)
}
