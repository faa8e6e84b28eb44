package photos

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

var tinyPNG = []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1,
	8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0d, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a,
	0x2d, 0xb4, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82}

// A photo is stored once by its content, with the record the store's
// command made; what is not an image, or too big, is refused.
func TestPut(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	s, err := New(db, Params{Dir: t.TempDir(), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Put(bytes.NewReader(tinyPNG), "tocongtac.a", "cc-a")
	if err != nil || len(p.ID) != 64 || p.Type != "image/png" || !p.Created.Equal(now) {
		t.Fatalf("put: %+v %v", p, err)
	}
	now = now.Add(time.Hour)
	again, err := s.Put(bytes.NewReader(tinyPNG), "trucban", "cuc")
	if err != nil || again != p {
		t.Fatalf("the same photo again: %+v %v", again, err)
	}
	f, err := s.Open(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(data, tinyPNG) {
		t.Fatal("stored bytes differ")
	}
	if _, err := s.Put(bytes.NewReader([]byte("not a picture")), "x", "cc-a"); !errors.Is(err, ErrType) {
		t.Fatalf("not an image: %v", err)
	}
	if _, err := s.Put(io.MultiReader(bytes.NewReader(tinyPNG), bytes.NewReader(make([]byte, MaxSize))), "x", "cc-a"); !errors.Is(err, ErrTooBig) {
		t.Fatalf("too big: %v", err)
	}
	if _, err := s.Get("../etc"); !errors.Is(err, ErrUnknown) {
		t.Fatalf("bad id: %v", err)
	}
}

// The command survives the wire; replayed, the first record of a photo
// stands.
func TestCommandsReplay(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	a := Photo{ID: "9f2b5f3c0a7d1e4b6c8a0d2f4e6b8c0a1d3f5e7b9c1a3d5f7e9b1c3a5d7f9e1b", Type: "image/png", Size: 70, By: "tocongtac.a", Unit: "cc-a", Created: t0}
	b := Photo{ID: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9", Type: "image/jpeg", Size: 12345, By: "vehicle:xe-01", Unit: "cc-a", Created: t0.Add(time.Minute)}
	later := a
	later.By, later.Unit, later.Created = "trucban", "cuc", t0.Add(time.Hour)
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier {
		s, err := New(db, Params{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, []command.Command{Stored{Photo: a}, Stored{Photo: b}, Stored{Photo: later}})
	s, err := New(db, Params{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(a.ID); got != a {
		t.Fatalf("first record replaced: %+v", got)
	}
}
