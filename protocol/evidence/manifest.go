// Package evidence defines the signed manifest of a recorded segment, the
// per-camera hash chain that links segments, and their verification. The
// vehicle signs, the hub verifies before it stores, and `fieldwatch verify`
// checks an exported bundle offline with the same code.
package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Version of the manifest format; part of the signed bytes.
const Version = 1

// Break says why a segment does not follow its predecessor without a gap.
const (
	BreakNone    = ""        // continues the previous segment seamlessly
	BreakStart   = "start"   // first segment of this camera
	BreakRestart = "restart" // the node restarted (clean stop or crash)
	BreakCamera  = "camera"  // the camera stream was interrupted or changed
	BreakStorage = "storage" // recording stopped because the vehicle's storage failed or was full
)

// Manifest describes one closed segment file. All fields but Signature are
// signed; Prev links it to the previous segment of the same camera.
type Manifest struct {
	Version int    `json:"version"`
	Vehicle string `json:"vehicle"`
	Camera  string `json:"camera"`
	// Seq numbers a camera's segments from 1 with no holes: a missing Seq is a missing segment.
	Seq uint64 `json:"seq"`
	// Start is the wall-clock capture time of the first frame; End is just after the last one.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Frames and AudioFrames count the samples in the file.
	Frames      int `json:"frames"`
	AudioFrames int `json:"audio_frames"`
	// Size and SHA256 (hex) are those of the whole segment file.
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Prev is the Digest of segment Seq-1 of this camera, "" when Seq is 1.
	Prev string `json:"prev"`
	// Break is one of the Break* values.
	Break string `json:"break"`
	// Recovered: the node crashed while writing this segment; on restart it
	// was trimmed to its last whole fragment, cutting Trimmed torn bytes.
	Recovered bool  `json:"recovered"`
	Trimmed   int64 `json:"trimmed"`
	// Video and Audio are RFC 6381 codec strings ("avc1.42e01f", "opus"); Audio may be "".
	Video string `json:"video"`
	Audio string `json:"audio"`
	// Key is the vehicle's ed25519 public key (base64) that made Signature (base64).
	Key       string `json:"key"`
	Signature string `json:"signature"`
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Validate checks the manifest's fields (not its signature or file).
func (m *Manifest) Validate() error {
	switch {
	case m.Version != Version:
		return fmt.Errorf("evidence: manifest version %d, want %d", m.Version, Version)
	case !idRE.MatchString(m.Vehicle):
		return fmt.Errorf("evidence: bad vehicle id %q", m.Vehicle)
	case !idRE.MatchString(m.Camera):
		return fmt.Errorf("evidence: bad camera id %q", m.Camera)
	case m.Seq == 0:
		return errors.New("evidence: seq must start at 1")
	case m.Start.IsZero() || m.End.Before(m.Start):
		return fmt.Errorf("evidence: segment %d: end %s before start %s", m.Seq, m.End, m.Start)
	case m.Frames < 0 || m.AudioFrames < 0 || m.Trimmed < 0 || m.Trimmed > 0 && !m.Recovered:
		return fmt.Errorf("evidence: segment %d: negative counts", m.Seq)
	case m.Size <= 0 || m.Size > MaxSegmentSize:
		return fmt.Errorf("evidence: segment %d: size %d out of range", m.Seq, m.Size)
	case !isHex(m.SHA256, sha256.Size):
		return fmt.Errorf("evidence: segment %d: sha256 is not 64 hex digits", m.Seq)
	case m.Seq == 1 && m.Prev != "" || m.Seq > 1 && !isHex(m.Prev, sha256.Size):
		return fmt.Errorf("evidence: segment %d: bad prev digest", m.Seq)
	case m.Seq == 1 && m.Break != BreakStart:
		return fmt.Errorf("evidence: segment 1 must have break %q", BreakStart)
	}
	switch m.Break {
	case BreakNone, BreakStart, BreakRestart, BreakCamera, BreakStorage:
	default:
		return fmt.Errorf("evidence: segment %d: unknown break %q", m.Seq, m.Break)
	}
	if len(m.Video) > 64 || len(m.Audio) > 64 || strings.ContainsAny(m.Video+m.Audio, "\n=") {
		return fmt.Errorf("evidence: segment %d: bad codec string", m.Seq)
	}
	if _, err := DecodeKey(m.Key); err != nil {
		return fmt.Errorf("evidence: segment %d: %w", m.Seq, err)
	}
	return nil
}

// MaxSegmentSize bounds one segment file (1 GiB): anything bigger is refused.
const MaxSegmentSize = 1 << 30

func isHex(s string, n int) bool {
	if len(s) != 2*n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// SigningBytes is the canonical text that the signature covers.
func (m *Manifest) SigningBytes() []byte {
	var b strings.Builder
	line := func(k, v string) { b.WriteString(k); b.WriteByte('='); b.WriteString(v); b.WriteByte('\n') }
	b.WriteString("fieldwatch-segment\n")
	line("version", strconv.Itoa(m.Version))
	line("vehicle", m.Vehicle)
	line("camera", m.Camera)
	line("seq", strconv.FormatUint(m.Seq, 10))
	line("start", m.Start.UTC().Format(time.RFC3339Nano))
	line("end", m.End.UTC().Format(time.RFC3339Nano))
	line("frames", strconv.Itoa(m.Frames))
	line("audio_frames", strconv.Itoa(m.AudioFrames))
	line("size", strconv.FormatInt(m.Size, 10))
	line("sha256", m.SHA256)
	line("prev", m.Prev)
	line("break", m.Break)
	line("recovered", strconv.FormatBool(m.Recovered))
	line("trimmed", strconv.FormatInt(m.Trimmed, 10))
	line("video", m.Video)
	line("audio", m.Audio)
	line("key", m.Key)
	return []byte(b.String())
}

// Digest is the hex SHA-256 of SigningBytes: what the next segment's Prev holds.
func (m *Manifest) Digest() string {
	sum := sha256.Sum256(m.SigningBytes())
	return hex.EncodeToString(sum[:])
}

// Sign sets Key and Signature with the vehicle's private key.
func (m *Manifest) Sign(priv ed25519.PrivateKey) {
	m.Key = EncodeKey(priv.Public().(ed25519.PublicKey))
	m.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, m.SigningBytes()))
}

// ErrSignature: the signature does not verify with the expected key.
var ErrSignature = errors.New("evidence: bad signature")

// ErrWrongKey: the segment was signed by a key other than the vehicle's registered one.
var ErrWrongKey = errors.New("evidence: signed by a key that is not the vehicle's")

// VerifySignature checks that want (the vehicle's registered key) signed m.
func (m *Manifest) VerifySignature(want ed25519.PublicKey) error {
	if m.Key != EncodeKey(want) {
		return fmt.Errorf("%w: segment %s/%s/%d has key %s, registered %s",
			ErrWrongKey, m.Vehicle, m.Camera, m.Seq, Fingerprint(m.Key), Fingerprint(EncodeKey(want)))
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil || !ed25519.Verify(want, m.SigningBytes(), sig) {
		return fmt.Errorf("%w: segment %s/%s/%d", ErrSignature, m.Vehicle, m.Camera, m.Seq)
	}
	return nil
}

// EncodeKey encodes a public key as base64.
func EncodeKey(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }

// DecodeKey decodes a base64 public key.
func DecodeKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("evidence: public key is not a base64 ed25519 key")
	}
	return ed25519.PublicKey(b), nil
}

// Fingerprint is a short, readable id of a base64 public key (first 16 hex of its SHA-256).
func Fingerprint(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:8])
}

// DecodeManifest decodes a manifest strictly (unknown fields, trailing data
// and more than 8 KiB are errors) and validates it.
func DecodeManifest(data []byte) (*Manifest, error) {
	if len(data) > 8<<10 {
		return nil, errors.New("evidence: manifest larger than 8 KiB")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("evidence: manifest: %w", err)
	}
	if dec.More() {
		return nil, errors.New("evidence: manifest: trailing data")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}
