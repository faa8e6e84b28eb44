package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The valid path is covered by internal/bundle's tests and the e2e export
// test; here: what the command prints and returns when a bundle is bad.
func TestVerifyRefusesABadBundle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.zip")
	os.WriteFile(path, []byte("PK\x03\x04 not really a zip"), 0o600)
	var out bytes.Buffer
	err := runVerify(&out, []string{path})
	if !errors.Is(err, errNotVerified) || !strings.Contains(out.String(), "KHÔNG HỢP LỆ / NOT VALID") {
		t.Fatalf("got %v, printed %q", err, out.String())
	}
	if err := runVerify(&out, nil); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("no argument: %v", err)
	}
}
