package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func chain(t testing.TB, priv ed25519.PrivateKey, n int) []Manifest {
	t.Helper()
	start := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	var out []Manifest
	prev := ""
	for i := 1; i <= n; i++ {
		sum := sha256.Sum256([]byte{byte(i)})
		m := Manifest{Version: Version, Vehicle: "xe-01", Camera: "cam1", Seq: uint64(i), Start: start,
			End: start.Add(10 * time.Second), Frames: 250, AudioFrames: 500, Size: 1, SHA256: hex.EncodeToString(sum[:]),
			Prev: prev, Video: "avc1.42c01e", Audio: "opus"}
		if i == 1 {
			m.Break = BreakStart
		}
		m.Sign(priv)
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		prev, start = m.Digest(), m.End
		out = append(out, m)
	}
	return out
}

func TestSignVerifyChain(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	ms := chain(t, priv, 4)
	for i := range ms {
		if err := ms[i].VerifySignature(pub); err != nil {
			t.Fatal(err)
		}
	}
	if err := VerifyChain(ms); err != nil {
		t.Fatal(err)
	}
	// Any signed field changed breaks the signature.
	m := ms[2]
	m.End = m.End.Add(time.Millisecond)
	if err := m.VerifySignature(pub); !errors.Is(err, ErrSignature) {
		t.Fatalf("changed end: %v", err)
	}
	// Reordering or a hole breaks the chain.
	if err := VerifyChain([]Manifest{ms[0], ms[2], ms[1]}); !errors.Is(err, ErrChain) {
		t.Fatalf("reordered: %v", err)
	}
	if err := VerifyChain([]Manifest{ms[0], ms[2]}); !errors.Is(err, ErrChain) {
		t.Fatalf("hole: %v", err)
	}
	// Another key.
	pub2, _, _ := ed25519.GenerateKey(rand.Reader)
	if err := ms[0].VerifySignature(pub2); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("other key: %v", err)
	}
	// The file check.
	if err := VerifyFile(bytes.NewReader([]byte{1}), &ms[0]); err != nil {
		t.Fatal(err)
	}
	if err := VerifyFile(bytes.NewReader([]byte{2}), &ms[0]); !errors.Is(err, ErrHash) {
		t.Fatalf("bad file: %v", err)
	}
}

func TestDecodeManifestStrict(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	m := chain(t, priv, 1)[0]
	good, _ := json.Marshal(m)
	if _, err := DecodeManifest(good); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"unknown field": bytes.Replace(good, []byte(`"version"`), []byte(`"x":1,"version"`), 1),
		"trailing":      append(bytes.Clone(good), []byte(` {}`)...),
		"bad id":        bytes.Replace(good, []byte(`"xe-01"`), []byte(`"../x"`), 1),
		"zero seq":      bytes.Replace(good, []byte(`"seq":1`), []byte(`"seq":0`), 1),
		"not json":      []byte("{"),
		"huge":          bytes.Repeat([]byte(" "), 9<<10),
	} {
		if _, err := DecodeManifest(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzDecodeManifest(f *testing.F) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	m := chain(f, priv, 2)[1]
	good, _ := json.Marshal(m)
	f.Add(good)
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeManifest(data)
		if err != nil {
			return
		}
		// Whatever decodes is valid and has stable canonical bytes.
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(m.SigningBytes(), m.SigningBytes()) || m.Digest() == "" {
			t.Fatal("unstable digest")
		}
	})
}
