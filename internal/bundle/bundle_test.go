package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fieldwatch/internal/clipmux"
	"fieldwatch/internal/segfile"
	"fieldwatch/protocol/evidence"
	"fieldwatch/sim/clip"
)

var t0 = time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)

// segments records n signed, chained 2 s segments (with audio) into dir;
// gapAfter puts a 5 s restart gap after that segment index.
func segments(t testing.TB, dir string, priv ed25519.PrivateKey, n, gapAfter int) []clipmux.Source {
	return segmentsWith(t, dir, priv, n, gapAfter, nil)
}

// segmentsWith is segments with a camera whose SPS changes: sps(i) gives segment i's.
func segmentsWith(t testing.TB, dir string, priv ed25519.PrivateKey, n, gapAfter int, sps func(i int) []byte) []clipmux.Source {
	c := clip.Default()
	var out []clipmux.Source
	start, prev := t0, ""
	for i := range n {
		path := filepath.Join(dir, "seg", strings.Repeat("0", 3)+string(rune('a'+i))+".mp4")
		os.MkdirAll(filepath.Dir(path), 0o755)
		spsI := c.SPS
		if sps != nil {
			spsI = sps(i)
		}
		w, err := segfile.Create(path, segfile.Tracks{SPS: spsI, PPS: c.PPS, AudioChannels: 1})
		if err != nil {
			t.Fatal(err)
		}
		ai := 0
		for f := range 50 {
			pts := time.Duration(f) * c.FrameDuration
			for ; time.Duration(ai)*c.AudioFrameDuration < pts; ai++ {
				w.Audio(time.Duration(ai)*c.AudioFrameDuration, c.Audio[ai%len(c.Audio)])
			}
			w.Video(pts, c.Video[f%len(c.Video)].NALUs)
			if c.Video[f%len(c.Video)].IDR && w.Buffered() >= time.Second {
				w.Flush()
			}
		}
		w.Close()
		data, _ := os.ReadFile(path)
		sum := sha256.Sum256(data)
		st := w.Stats()
		brk := evidence.BreakNone
		if i == 0 {
			brk = evidence.BreakStart
		}
		if i == gapAfter+1 {
			start = start.Add(5 * time.Second)
			brk = evidence.BreakRestart
		}
		m := evidence.Manifest{Version: evidence.Version, Vehicle: "xe-01", Camera: "cam1", Seq: uint64(i + 1),
			Start: start, End: start.Add(st.Duration), Frames: st.Frames, AudioFrames: st.AudioFrames, Size: int64(len(data)),
			SHA256: hex.EncodeToString(sum[:]), Prev: prev, Break: brk, Video: segfile.Tracks{SPS: c.SPS}.VideoCodec(), Audio: "opus"}
		m.Sign(priv)
		prev, start = m.Digest(), m.End
		out = append(out, clipmux.Source{Manifest: m, Path: path})
	}
	return out
}

func TestMuxSqueezesGapsAndKeepsSamples(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	srcs := segments(t, t.TempDir(), priv, 3, 1) // 0–2 s, 2–4 s, gap, 9–11 s
	var buf bytes.Buffer
	info, err := clipmux.Mux(&buf, srcs, t0, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != 150 || info.Duration != 6*time.Second || info.AudioFrames < 290 {
		t.Fatalf("info %+v", info)
	}
	if len(info.Pieces) != 2 || info.Pieces[1].Media != 4*time.Second || !info.Pieces[1].Start.Equal(t0.Add(9*time.Second)) {
		t.Fatalf("pieces %+v", info.Pieces)
	}
	out, err := segfile.Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("clip does not parse: %v", err)
	}
	// Timestamps are continuous and the video samples are the sources' own bytes.
	var next uint64
	var got [][]byte
	for _, p := range out.Parts {
		for _, tr := range p.Tracks {
			if tr.ID != segfile.VideoTrack {
				continue
			}
			if tr.BaseTime != next {
				t.Fatalf("fragment at %d, want %d", tr.BaseTime, next)
			}
			for _, s := range tr.Samples {
				next += uint64(s.Duration)
				got = append(got, s.Payload)
			}
		}
	}
	var want [][]byte
	for _, s := range srcs {
		seg, _ := segfile.ReadFile(s.Path)
		for _, p := range seg.Parts {
			for _, tr := range p.Tracks {
				if tr.ID == segfile.VideoTrack {
					for _, smp := range tr.Samples {
						want = append(want, smp.Payload)
					}
				}
			}
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d samples out, %d in", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("sample %d differs", i)
		}
	}
}

func TestMuxTrimsToKeyframeAndEnd(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	srcs := segments(t, t.TempDir(), priv, 3, 99)
	var buf bytes.Buffer
	info, err := clipmux.Mux(&buf, srcs, t0.Add(2500*time.Millisecond), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// Starts at the keyframe at 2 s, ends before 4.5 s.
	if !info.Pieces[0].Start.Equal(t0.Add(2*time.Second)) || info.Frames != 63 {
		t.Fatalf("info %+v", info)
	}
	if _, err := clipmux.Mux(&buf, srcs, t0.Add(time.Hour), time.Second); !errors.Is(err, clipmux.ErrNothing) {
		t.Fatalf("empty range: %v", err)
	}
}

func TestMuxCarriesNewParametersInBand(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	c := clip.Default()
	other := bytes.Clone(c.SPS)
	other[3]++ // another level: the camera was reconfigured between segments 1 and 2
	srcs := segmentsWith(t, t.TempDir(), priv, 2, 99, func(i int) []byte {
		if i == 1 {
			return other
		}
		return c.SPS
	})
	var buf bytes.Buffer
	if _, err := clipmux.Mux(&buf, srcs, t0, time.Minute); err != nil {
		t.Fatal(err)
	}
	out, err := segfile.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	// The init keeps the first segment's SPS; the second segment's first keyframe carries its own, in-band.
	var firstOfSecond []byte
	n := 0
	for _, p := range out.Parts {
		for _, tr := range p.Tracks {
			if tr.ID != segfile.VideoTrack {
				continue
			}
			for _, smp := range tr.Samples {
				if n == 50 {
					firstOfSecond = smp.Payload
				}
				n++
			}
		}
	}
	want := append(binary.BigEndian.AppendUint32(nil, uint32(len(other))), other...)
	if !bytes.HasPrefix(firstOfSecond, want) {
		t.Fatalf("segment 2's first keyframe does not start with its SPS in-band: % x", firstOfSecond[:min(len(firstOfSecond), 16)])
	}
	if n != 100 {
		t.Fatalf("%d samples, want 100", n)
	}
}

func writeBundle(t testing.TB, dir string, priv ed25519.PrivateKey, srcs []clipmux.Source) string {
	path := filepath.Join(dir, "b.zip")
	f, _ := os.Create(path)
	err := Write(f, Input{Vehicle: "xe-01", Camera: "cam1", Start: t0, Duration: 20 * time.Second,
		PublicKey: evidence.EncodeKey(priv.Public().(ed25519.PublicKey)), ExportedBy: "trucban", ExportedAt: t0.Add(time.Hour), Sources: srcs})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// rewrite copies a bundle, changing one entry.
func rewrite(t *testing.T, path string, name string, change func([]byte) []byte) string {
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := path + "." + strings.ReplaceAll(name, "/", "_") + ".zip"
	f, _ := os.Create(out)
	zw := zip.NewWriter(f)
	for _, e := range zr.File {
		rc, _ := e.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if e.Name == name {
			data = change(data)
			if data == nil {
				continue
			}
		}
		w, _ := zw.Create(e.Name)
		w.Write(data)
	}
	zw.Close()
	f.Close()
	return out
}

func TestVerify(t *testing.T) {
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	srcs := segments(t, dir, priv, 4, 1)
	good := writeBundle(t, dir, priv, srcs)
	rep, err := Verify(good)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Segments != 4 || rep.Frames != 200 || !rep.Chain || len(rep.Notes) != 0 {
		t.Fatalf("report %+v", rep)
	}
	flip := func(b []byte) []byte { b = bytes.Clone(b); b[len(b)/2] ^= 1; return b }
	seg2 := "segments/cam1-00000002.mp4"
	for name, tc := range map[string]struct {
		entry  string
		change func([]byte) []byte
		want   string
	}{
		"flipped byte in a segment": {seg2, flip, "does not match its manifest"},
		"flipped byte in the clip":  {"clip.mp4", flip, "clip.mp4 is not what the signed segments hold"},
		"segment removed":           {seg2, func([]byte) []byte { return nil }, "clip.mp4 is not what"},
		"replaced segment": {"manifest.json", func(b []byte) []byte {
			var m Manifest
			json.Unmarshal(b, &m)
			m.Segments[1].Sign(other) // a segment signed by another key
			out, _ := json.Marshal(m)
			return out
		}, "not the vehicle's"},
		"reordered chain": {"manifest.json", func(b []byte) []byte {
			var m Manifest
			json.Unmarshal(b, &m)
			m.Segments[1], m.Segments[2] = m.Segments[2], m.Segments[1]
			out, _ := json.Marshal(m)
			return out
		}, "listed after"},
		"tampered time": {"manifest.json", func(b []byte) []byte {
			var m Manifest
			json.Unmarshal(b, &m)
			m.Segments[2].Start = m.Segments[2].Start.Add(-time.Second)
			out, _ := json.Marshal(m)
			return out
		}, "bad signature"},
		"path traversal": {"README.txt", func(b []byte) []byte { return b }, ""},
	} {
		t.Run(name, func(t *testing.T) {
			bad := rewrite(t, good, tc.entry, tc.change)
			if name == "path traversal" {
				zr, _ := zip.OpenReader(bad)
				f, _ := os.Create(bad + ".2.zip")
				zw := zip.NewWriter(f)
				for _, e := range zr.File {
					rc, _ := e.Open()
					data, _ := io.ReadAll(rc)
					w, _ := zw.Create(e.Name)
					w.Write(data)
				}
				w, _ := zw.Create("segments/../../etc/x")
				w.Write([]byte("x"))
				zw.Close()
				f.Close()
				zr.Close()
				bad, tc.want = bad+".2.zip", "unexpected entry"
			}
			_, err := Verify(bad)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// entry is one zip entry, in archive order.
type entry struct {
	name   string
	method uint16
	data   []byte
}

func readEntries(t testing.TB, path string) []entry {
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []entry
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{e.Name, e.Method, data})
	}
	return out
}

func zipBytes(t testing.TB, es []entry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range es {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
		if err == nil {
			_, err = w.Write(e.data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func find(es []entry, name string) entry {
	for _, e := range es {
		if e.name == name {
			return e
		}
	}
	return entry{}
}

// attacks are hostile variants of a genuine bundle, each with the error it must get.
func attacks(t testing.TB, good []entry) map[string]struct {
	zip  []byte
	want string
} {
	seg2 := "segments/cam1-00000002.mp4"
	clipE := find(good, "clip.mp4")
	doctored := bytes.Clone(clipE.data)
	doctored[len(doctored)/2] ^= 1
	out := map[string]struct {
		zip  []byte
		want string
	}{}
	add := func(name, want string, es []entry) {
		out[name] = struct {
			zip  []byte
			want string
		}{zipBytes(t, es), want}
	}
	// A doctored clip first, the genuine one after: unzip tools show the first.
	add("duplicate clip", `duplicate entry "clip.mp4"`,
		append([]entry{{"clip.mp4", zip.Store, doctored}}, good...))
	// A doctored clip before the archive proper, in no directory entry: Go's
	// reader skips it, streaming unzip tools show it.
	lone := zipBytes(t, []entry{{"clip.mp4", zip.Store, doctored}})
	lone = lone[:bytes.LastIndex(lone, []byte("PK\x01\x02"))]
	out["hidden clip before the archive"] = struct {
		zip  []byte
		want string
	}{append(lone, zipBytes(t, good)...), `entry "clip.mp4" at offset 0 is not in the zip's directory`}
	// A segment nobody signed for, riding along.
	add("extra unlisted segment", `entry "segments/cam1-00000099.mp4" is not listed in manifest.json`,
		append(slices.Clone(good), entry{"segments/cam1-00000099.mp4", zip.Store, find(good, seg2).data}))
	// A few kB that inflate to 64 MiB.
	var bomb []entry
	for _, e := range good {
		if e.name == "clip.mp4" {
			e = entry{"clip.mp4", zip.Deflate, make([]byte, 64<<20)}
		}
		bomb = append(bomb, e)
	}
	add("zip bomb entry", `entry "clip.mp4" expands`, bomb)
	// A segment carrying bytes beyond what was signed.
	var big []entry
	for _, e := range good {
		if e.name == seg2 {
			e.data = append(bytes.Clone(e.data), make([]byte, 1000)...)
		}
		big = append(big, e)
	}
	add("oversize segment", seg2+": ", big)
	// A clip far larger than the segments can make (stored, so no ratio to catch it).
	var bigClip []entry
	for _, e := range good {
		if e.name == "clip.mp4" {
			e.data = append(bytes.Clone(e.data), make([]byte, 2<<20)...)
		}
		bigClip = append(bigClip, e)
	}
	add("oversize clip", "more than they can make", bigClip)
	return out
}

func TestVerifyRefusesHostileArchives(t *testing.T) {
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	good := readEntries(t, writeBundle(t, dir, priv, segments(t, dir, priv, 4, 1)))
	// The genuine bundle, rebuilt entry by entry, still verifies.
	p := filepath.Join(dir, "rebuilt.zip")
	if err := os.WriteFile(p, zipBytes(t, good), 0o600); err != nil {
		t.Fatal(err)
	}
	if rep, err := Verify(p); err != nil || rep.Segments != 4 {
		t.Fatalf("genuine bundle: %+v, %v", rep, err)
	}
	var segs int
	for _, e := range good {
		if strings.HasPrefix(e.name, "segments/") {
			segs += len(e.data)
		}
	}
	t.Logf("clip %d bytes, segments %d bytes", len(find(good, "clip.mp4").data), segs)
	for name, tc := range attacks(t, good) {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bad.zip")
			if err := os.WriteFile(p, tc.zip, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Verify(p)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%d-byte bundle: got %v, want %q", len(tc.zip), err, tc.want)
			}
			t.Logf("%d-byte bundle: %v", len(tc.zip), err)
		})
	}
}

// FuzzVerify feeds Verify bundle bytes: a genuine bundle, the hostile shapes
// above and whatever the fuzzer makes of them. It must never panic, and a
// bundle it accepts must name each entry once.
func FuzzVerify(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	dir := f.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	good := readEntries(f, writeBundle(f, dir, priv, segments(f, dir, priv, 2, 99)))
	f.Add(zipBytes(f, good))
	for name, a := range attacks(f, good) {
		if name != "zip bomb entry" && name != "oversize clip" { // large seeds slow every mutation
			f.Add(a.zip)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.zip")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(p); err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error outside ErrInvalid: %v", err)
			}
			return
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("verified, but not a zip: %v", err)
		}
		seen := map[string]bool{}
		for _, e := range zr.File {
			if seen[e.Name] {
				t.Fatalf("verified with a duplicate %q", e.Name)
			}
			seen[e.Name] = true
		}
	})
}
