// Package bundle writes the evidence export of an archive range (a zip
// with the clip, the original signed segments and their manifests) and
// verifies one offline: hashes, signatures, the hash chain, and that the
// clip is exactly what the signed segments hold.
package bundle

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fieldwatch/internal/clipmux"
	"fieldwatch/internal/vntime"
	"fieldwatch/protocol/evidence"
)

// Input is what goes into a bundle.
type Input struct {
	Vehicle, Camera string
	Start           time.Time
	Duration        time.Duration
	// PublicKey is the vehicle's registered signing key (base64).
	PublicKey  string
	ExportedBy string
	ExportedAt time.Time
	Sources    []clipmux.Source // in Seq order; lost ones (no Path) are listed, not included
}

// Manifest is manifest.json.
type Manifest struct {
	Vehicle         string              `json:"vehicle"`
	Camera          string              `json:"camera"`
	Start           time.Time           `json:"start"`
	DurationSeconds float64             `json:"duration_seconds"`
	PublicKey       string              `json:"public_key"`
	KeyFingerprint  string              `json:"key_fingerprint"`
	ExportedBy      string              `json:"exported_by"`
	ExportedAt      time.Time           `json:"exported_at"`
	Pieces          []Piece             `json:"pieces"`
	Segments        []evidence.Manifest `json:"segments"`
}

// Piece is where a covered range sits in clip.mp4.
type Piece struct {
	MediaSeconds float64   `json:"media_seconds"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
}

func segName(m *evidence.Manifest) string {
	return fmt.Sprintf("segments/%s-%08d.mp4", m.Camera, m.Seq)
}

// Write writes the bundle as a zip to w.
func Write(w io.Writer, in Input) error {
	plan, err := clipmux.NewPlan(in.Sources, in.Start, in.Duration)
	if err != nil {
		return err
	}
	man := Manifest{Vehicle: in.Vehicle, Camera: in.Camera, Start: in.Start, DurationSeconds: in.Duration.Seconds(),
		PublicKey: in.PublicKey, KeyFingerprint: evidence.Fingerprint(in.PublicKey), ExportedBy: in.ExportedBy,
		ExportedAt: in.ExportedAt, Segments: []evidence.Manifest{}}
	for _, p := range plan.Pieces() {
		man.Pieces = append(man.Pieces, Piece{MediaSeconds: p.Media.Seconds(), Start: p.Start, End: p.End})
	}
	for _, s := range in.Sources {
		if s.Manifest.End.After(in.Start) && s.Manifest.Start.Before(in.Start.Add(in.Duration)) {
			man.Segments = append(man.Segments, s.Manifest)
		}
	}
	zw := zip.NewWriter(w)
	add := func(name string, method uint16) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: in.ExportedAt})
	}
	readme, err := add("README.txt", zip.Deflate)
	if err != nil {
		return err
	}
	io.WriteString(readme, readmeText(&man))
	mj, err := add("manifest.json", zip.Deflate)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(mj)
	enc.SetIndent("", "  ")
	if err := enc.Encode(man); err != nil {
		return err
	}
	clip, err := add("clip.mp4", zip.Store)
	if err != nil {
		return err
	}
	if _, err := plan.Write(clip); err != nil {
		return err
	}
	for _, s := range in.Sources {
		if s.Path == "" || !s.Manifest.End.After(in.Start) || !s.Manifest.Start.Before(in.Start.Add(in.Duration)) {
			continue
		}
		f, err := os.Open(s.Path)
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		zf, err := add(segName(&s.Manifest), zip.Store)
		if err == nil {
			_, err = io.Copy(zf, f)
		}
		f.Close()
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
	}
	return zw.Close()
}

func readmeText(m *Manifest) string {
	zone := vntime.Zone
	t := m.Start.In(zone).Format("02/01/2006 15:04:05")
	return fmt.Sprintf(`GÓI CHỨNG CỨ GHI HÌNH — fieldwatch
Xe: %s, camera: %s, từ %s (giờ Việt Nam), %.0f giây.
Xuất bởi %s lúc %s.

clip.mp4        đoạn video (xem bằng trình duyệt hoặc VLC)
segments/       các đoạn ghi gốc, mỗi đoạn được xe ký số (ed25519) và nối chuỗi băm
manifest.json   mã băm SHA-256, chuỗi băm, chữ ký và khoá công khai của xe (vân tay %s)

Kiểm tra tính toàn vẹn (không cần mạng):  fieldwatch verify <tệp.zip>

EVIDENCE BUNDLE — vehicle %s, camera %s, from %s UTC, %.0f s.
clip.mp4 is the video; segments/ holds the original segments signed by the vehicle's key and chained by
hash; manifest.json lists hashes, the chain, signatures and the vehicle's public key (fingerprint %s).
Verify offline with:  fieldwatch verify <file.zip>
`, m.Vehicle, m.Camera, t, m.DurationSeconds, m.ExportedBy, m.ExportedAt.In(zone).Format("02/01/2006 15:04:05"),
		m.KeyFingerprint, m.Vehicle, m.Camera, m.Start.UTC().Format(time.RFC3339), m.DurationSeconds, m.KeyFingerprint)
}

// Report is the result of a verification.
type Report struct {
	Segments       int
	Frames         int
	Chain          bool
	KeyFingerprint string
	Start, End     time.Time
	Notes          []string // facts worth knowing that are not failures (gaps, lost segments)
}

// ErrInvalid: the bundle does not verify.
var ErrInvalid = errors.New("bundle: does not verify")

// limits guard against hostile archives.
const (
	maxEntries  = 20000
	maxManifest = 64 << 20
	maxReadme   = 1 << 20
	maxClip     = 8 << 30
	// maxRatio bounds how much a compressed entry may expand (Write stores
	// media and deflates only the text files, which expand well under this).
	maxRatio = 100
	// ratioFloor: entries smaller than this may expand freely (tiny files compress oddly well).
	ratioFloor = 64 << 10
	// The clip is a remux of the listed segments: one init instead of one per
	// segment, the same samples, parameter sets carried in-band when they change.
	// It may not be larger than the segments plus this much.
	clipMargin           = 64 << 10
	clipMarginPerSegment = 4 << 10
)

// checkEntry refuses an entry whose header promises more expansion than a
// bundle written by Write can have. Go's reader enforces the header's sizes
// when reading, so these bounds hold for the bytes read later too.
func checkEntry(f *zip.File) error {
	u, c := f.UncompressedSize64, f.CompressedSize64
	switch f.Method {
	case zip.Store:
		if u != c {
			return fmt.Errorf("stored entry %q claims %d bytes in %d", f.Name, u, c)
		}
	case zip.Deflate:
		if u > ratioFloor && u/maxRatio > c {
			return fmt.Errorf("entry %q expands %d bytes to %d (compression ratio above %d:1, a zip bomb?)", f.Name, c, u, maxRatio)
		}
	default:
		return fmt.Errorf("entry %q: unsupported compression method %d", f.Name, f.Method)
	}
	return nil
}

// Verify checks the bundle at path.
//
// The bundle must hold exactly what Write puts in it: README.txt,
// manifest.json, clip.mp4 and the listed segments, each name once (zip
// tools disagree on which of two same-named entries they show), no entry
// larger than the manifest allows. Entries are streamed, not held in memory.
func Verify(path string) (Report, error) {
	var rep Report
	zr, err := zip.OpenReader(path)
	if err != nil {
		return rep, fmt.Errorf("%w: not a zip: %v", ErrInvalid, err)
	}
	defer zr.Close()
	if len(zr.File) > maxEntries {
		return rep, fmt.Errorf("%w: %d entries", ErrInvalid, len(zr.File))
	}
	if err := checkLayout(path, zr.File); err != nil {
		return rep, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if f.Name != "README.txt" && f.Name != "manifest.json" && f.Name != "clip.mp4" &&
			!(strings.HasPrefix(f.Name, "segments/") && !strings.Contains(f.Name[9:], "/") && !strings.Contains(f.Name, "..")) {
			return rep, fmt.Errorf("%w: unexpected entry %q", ErrInvalid, f.Name)
		}
		if files[f.Name] != nil {
			return rep, fmt.Errorf("%w: duplicate entry %q (zip tools disagree on which one they show)", ErrInvalid, f.Name)
		}
		if err := checkEntry(f); err != nil {
			return rep, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		files[f.Name] = f
	}
	if f := files["README.txt"]; f != nil && f.UncompressedSize64 > maxReadme {
		return rep, fmt.Errorf("%w: README.txt: %d bytes, more than %d", ErrInvalid, f.UncompressedSize64, maxReadme)
	}
	raw, err := readEntry(files["manifest.json"], maxManifest)
	if err != nil {
		return rep, fmt.Errorf("%w: manifest.json: %v", ErrInvalid, err)
	}
	var man Manifest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&man); err != nil {
		return rep, fmt.Errorf("%w: manifest.json: %v", ErrInvalid, err)
	}
	pub, err := evidence.DecodeKey(man.PublicKey)
	if err != nil {
		return rep, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	rep.KeyFingerprint = evidence.Fingerprint(man.PublicKey)
	if len(man.Segments) == 0 {
		return rep, fmt.Errorf("%w: no segments listed", ErrInvalid)
	}
	// Every segments/ entry must be one the manifest lists.
	listed := make(map[string]bool, len(man.Segments))
	for i := range man.Segments {
		listed[segName(&man.Segments[i])] = true
	}
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "segments/") && !listed[f.Name] {
			return rep, fmt.Errorf("%w: entry %q is not listed in manifest.json", ErrInvalid, f.Name)
		}
	}
	tmp, err := os.MkdirTemp("", "fieldwatch-verify-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(tmp)
	var srcs []clipmux.Source
	var segBytes uint64
	for i := range man.Segments {
		m := &man.Segments[i]
		if err := m.Validate(); err != nil {
			return rep, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if m.Vehicle != man.Vehicle || m.Camera != man.Camera {
			return rep, fmt.Errorf("%w: segment %d belongs to %s/%s", ErrInvalid, m.Seq, m.Vehicle, m.Camera)
		}
		if err := m.VerifySignature(pub); err != nil {
			return rep, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if i > 0 {
			prev := &man.Segments[i-1]
			if m.Seq <= prev.Seq {
				return rep, fmt.Errorf("%w: segment %d listed after %d", ErrInvalid, m.Seq, prev.Seq)
			}
			if m.Seq == prev.Seq+1 {
				if err := evidence.Link(prev, m); err != nil {
					return rep, fmt.Errorf("%w: %v", ErrInvalid, err)
				}
			} else {
				rep.Notes = append(rep.Notes, fmt.Sprintf("segments %d–%d are not in the bundle (a gap in the recording)", prev.Seq+1, m.Seq-1))
			}
		}
		f := files[segName(m)]
		if f == nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("segment %d: manifest only (overwritten on the vehicle before it reached the hub)", m.Seq))
			continue
		}
		if m.Size < 0 || f.UncompressedSize64 > uint64(m.Size) {
			return rep, fmt.Errorf("%w: %s: %d bytes, larger than its signed size %d", ErrInvalid, f.Name, f.UncompressedSize64, m.Size)
		}
		p := filepath.Join(tmp, strconv.FormatUint(m.Seq, 10)+".mp4")
		if err := extractSegment(f, m, p); err != nil {
			return rep, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		srcs = append(srcs, clipmux.Source{Manifest: *m, Path: p})
		segBytes += uint64(m.Size)
		rep.Segments++
		rep.Frames += m.Frames
	}
	rep.Chain = true
	rep.Start, rep.End = man.Segments[0].Start, man.Segments[len(man.Segments)-1].End
	// clip.mp4 must be exactly the remux of the signed segments.
	cf := files["clip.mp4"]
	if cf == nil {
		return rep, fmt.Errorf("%w: clip.mp4: missing", ErrInvalid)
	}
	if limit := min(segBytes+clipMargin+clipMarginPerSegment*uint64(len(srcs)), maxClip); cf.UncompressedSize64 > limit {
		return rep, fmt.Errorf("%w: clip.mp4 is not what the signed segments hold: %d bytes, more than they can make (at most %d)", ErrInvalid, cf.UncompressedSize64, limit)
	}
	rc, err := cf.Open()
	if err != nil {
		return rep, fmt.Errorf("%w: clip.mp4: %v", ErrInvalid, err)
	}
	defer rc.Close()
	cw := &compareWriter{r: rc}
	dur := time.Duration(man.DurationSeconds * float64(time.Second))
	if _, err := clipmux.Mux(cw, srcs, man.Start, dur); err != nil {
		if cw.differs {
			return rep, fmt.Errorf("%w: clip.mp4 is not what the signed segments hold", ErrInvalid)
		}
		if cw.readErr != nil {
			return rep, fmt.Errorf("%w: clip.mp4: %v", ErrInvalid, cw.readErr)
		}
		return rep, fmt.Errorf("%w: remux: %v", ErrInvalid, err)
	}
	if err := cw.end(); err != nil {
		if errors.Is(err, errDiffers) {
			return rep, fmt.Errorf("%w: clip.mp4 is not what the signed segments hold", ErrInvalid)
		}
		return rep, fmt.Errorf("%w: clip.mp4: %v", ErrInvalid, err)
	}
	return rep, nil
}

// checkLayout makes sure the local entries, read from the start of the file
// as streaming unzip tools do, are exactly the entries of the central
// directory, which Verify reads: no bytes before the first, none hidden
// between them or after the last, each under the same name.
func checkLayout(path string, entries []*zip.File) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	type span struct {
		f          *zip.File
		start, end int64
	}
	spans := make([]span, 0, len(entries))
	for _, f := range entries {
		off, err := f.DataOffset()
		if err != nil {
			return fmt.Errorf("entry %q: %v", f.Name, err)
		}
		if f.CompressedSize64 > 1<<62 {
			return fmt.Errorf("entry %q: size %d", f.Name, f.CompressedSize64)
		}
		spans = append(spans, span{f, off, off + int64(f.CompressedSize64)})
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	sigAt := func(pos int64, sig string) bool {
		var b [4]byte
		_, err := fh.ReadAt(b[:], pos)
		return err == nil && string(b[:]) == sig
	}
	const local, central = "PK\x03\x04", "PK\x01\x02"
	var pos int64
	for _, s := range spans {
		var h [30]byte
		if _, err := fh.ReadAt(h[:], pos); err != nil || string(h[:4]) != local {
			return fmt.Errorf("bytes at offset %d are not an entry of the zip's directory", pos)
		}
		n, m := int64(binary.LittleEndian.Uint16(h[26:])), int64(binary.LittleEndian.Uint16(h[28:]))
		name := make([]byte, n)
		if _, err := fh.ReadAt(name, pos+30); err != nil {
			return fmt.Errorf("entry at offset %d: %v", pos, err)
		}
		if pos+30+n+m != s.start {
			return fmt.Errorf("entry %q at offset %d is not in the zip's directory", name, pos)
		}
		if string(name) != s.f.Name {
			return fmt.Errorf("entry %q is named %q in the zip's directory", name, s.f.Name)
		}
		pos = s.end
		if s.f.Flags&0x8 != 0 { // a data descriptor follows: 12 or 20 bytes, 4 more with its signature
			lens := []int64{12, 20}
			if sigAt(pos, "PK\x07\x08") {
				lens = []int64{16, 24}
			}
			ok := false
			for _, l := range lens {
				if sigAt(pos+l, local) || sigAt(pos+l, central) {
					pos, ok = pos+l, true
					break
				}
			}
			if !ok {
				return fmt.Errorf("entry %q: bad data descriptor", s.f.Name)
			}
		}
	}
	if !sigAt(pos, central) {
		return fmt.Errorf("bytes at offset %d are not an entry of the zip's directory", pos)
	}
	return nil
}

// extractSegment copies a segment entry to path, hashing it on the way, and
// checks it against its signed manifest.
func extractSegment(f *zip.File, m *evidence.Manifest, path string) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%s: %v", f.Name, err)
	}
	defer rc.Close()
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	var werr error
	tee := io.TeeReader(io.LimitReader(rc, m.Size+1), writerFunc(func(p []byte) (int, error) {
		if werr == nil {
			_, werr = out.Write(p)
		}
		return len(p), nil
	}))
	verr := evidence.VerifyFile(tee, m)
	if err := out.Close(); werr == nil {
		werr = err
	}
	if verr != nil {
		return verr
	}
	return werr
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

var errDiffers = errors.New("differs")

// compareWriter checks that what is written equals what r holds, without
// holding either in memory.
type compareWriter struct {
	r       io.Reader
	buf     []byte
	differs bool
	readErr error
}

func (c *compareWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), 32<<10)
		if cap(c.buf) < k {
			c.buf = make([]byte, 32<<10)
		}
		b := c.buf[:k]
		if _, err := io.ReadFull(c.r, b); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				c.differs = true
				return n, errDiffers // the clip is shorter
			}
			c.readErr = err
			return n, err
		}
		if !bytes.Equal(b, p[:k]) {
			c.differs = true
			return n, errDiffers
		}
		p, n = p[k:], n+k
	}
	return n, nil
}

// end checks that r holds nothing more.
func (c *compareWriter) end() error {
	var one [1]byte
	n, err := io.ReadFull(c.r, one[:])
	if n > 0 {
		return errDiffers // the clip is longer
	}
	if err != io.EOF {
		return err
	}
	return nil
}

func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f == nil {
		return nil, errors.New("missing")
	}
	if f.UncompressedSize64 > uint64(limit) {
		return nil, errors.New("too large")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errors.New("too large")
	}
	return data, nil
}
