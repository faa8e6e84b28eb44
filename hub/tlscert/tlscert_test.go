package tlscert

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func mustEnsure(t *testing.T, dir string, now time.Time) (certFile, keyFile string, created bool) {
	t.Helper()
	certFile, keyFile, created, err := Ensure(dir, []string{"hub.example", "10.0.0.5"}, now)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	return certFile, keyFile, created
}

func mustFingerprint(t *testing.T, certFile string) string {
	t.Helper()
	fp, err := Fingerprint(certFile)
	if err != nil {
		t.Fatalf("Fingerprint: %v", err)
	}
	return fp
}

func loadLeaf(t *testing.T, certFile, keyFile string) *x509.Certificate {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatalf("load pair: %v", err)
	}
	return pair.Leaf
}

func TestEnsureCreatesThenReuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // created by Ensure
	certFile, keyFile, created := mustEnsure(t, dir, t0)
	if !created {
		t.Fatal("first Ensure: created = false")
	}
	if certFile != filepath.Join(dir, "hub.crt") || keyFile != filepath.Join(dir, "hub.key") {
		t.Fatalf("paths = %s, %s", certFile, keyFile)
	}
	fp := mustFingerprint(t, certFile)

	for _, now := range []time.Time{t0, t0.Add(Validity - RenewBefore - time.Second)} {
		c2, k2, created := mustEnsure(t, dir, now)
		if created || c2 != certFile || k2 != keyFile {
			t.Fatalf("Ensure at %s: created = %v, paths %s %s", now, created, c2, k2)
		}
		if got := mustFingerprint(t, certFile); got != fp {
			t.Fatalf("fingerprint changed on reuse: %s -> %s", fp, got)
		}
	}
	if _, err := os.Stat(certFile + ".old"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("reuse left a .old file: %v", err)
	}
}

func TestCertificateContents(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _, err := Ensure(dir, []string{"Hub.Example.", " 10.0.0.5 ", "[fe80::1]", "localhost", "127.0.0.1", ""}, t0)
	if err != nil {
		t.Fatal(err)
	}
	leaf := loadLeaf(t, certFile, keyFile)

	if pub, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P256() {
		t.Errorf("public key = %T, want ECDSA P-256", leaf.PublicKey)
	}
	if !leaf.NotAfter.Equal(t0.Add(825 * 24 * time.Hour)) {
		t.Errorf("NotAfter = %s, want %s", leaf.NotAfter, t0.Add(825*24*time.Hour))
	}
	if leaf.NotBefore.After(t0) {
		t.Errorf("NotBefore = %s, after issue time", leaf.NotBefore)
	}
	if leaf.IsCA || !leaf.BasicConstraintsValid {
		t.Error("a CA certificate (Firefox refuses it for a server)")
	}
	if leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		t.Errorf("KeyUsage = %b, no digital signature", leaf.KeyUsage)
	}
	if !slices.Equal(leaf.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) {
		t.Errorf("ExtKeyUsage = %v", leaf.ExtKeyUsage)
	}
	if want := []string{"localhost", "hub.example"}; !slices.Equal(leaf.DNSNames, want) {
		t.Errorf("DNSNames = %q, want %q", leaf.DNSNames, want)
	}
	var ips []string
	for _, ip := range leaf.IPAddresses {
		ips = append(ips, ip.String())
	}
	if want := []string{"127.0.0.1", "::1", "10.0.0.5", "fe80::1"}; !slices.Equal(ips, want) {
		t.Errorf("IPAddresses = %q, want %q", ips, want)
	}
	if err := leaf.CheckSignature(leaf.SignatureAlgorithm, leaf.RawTBSCertificate, leaf.Signature); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
}

func TestEnsureReplaces(t *testing.T) {
	other := t.TempDir()
	_, otherKey, _ := mustEnsure(t, other, t0)
	otherKeyPEM, err := os.ReadFile(otherKey)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		now   time.Time
		spoil func(t *testing.T, certFile, keyFile string)
	}{
		{"corrupt key", t0, func(t *testing.T, _, keyFile string) { write(t, keyFile, []byte("not a key")) }},
		{"mismatched key", t0, func(t *testing.T, _, keyFile string) { write(t, keyFile, otherKeyPEM) }},
		{"missing key", t0, func(t *testing.T, _, keyFile string) { remove(t, keyFile) }},
		{"corrupt certificate", t0, func(t *testing.T, certFile, _ string) {
			write(t, certFile, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
		}},
		{"missing certificate", t0, func(t *testing.T, certFile, _ string) { remove(t, certFile) }},
		{"exactly 30 days left", t0.Add(Validity - RenewBefore), nil},
		{"29 days left", t0.Add(Validity - 29*24*time.Hour), nil},
		{"expired", t0.Add(Validity + time.Hour), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			certFile, keyFile, _ := mustEnsure(t, dir, t0)
			oldFP := mustFingerprint(t, certFile)
			if tt.spoil != nil {
				tt.spoil(t, certFile, keyFile)
			}
			oldCert, _ := os.ReadFile(certFile)
			oldKey, _ := os.ReadFile(keyFile)

			_, _, created := mustEnsure(t, dir, tt.now)
			if !created {
				t.Fatal("created = false, want a replacement")
			}
			leaf := loadLeaf(t, certFile, keyFile) // parses and matches
			if !leaf.NotAfter.Equal(tt.now.Add(Validity)) {
				t.Errorf("NotAfter = %s, want %s", leaf.NotAfter, tt.now.Add(Validity))
			}
			if fp := mustFingerprint(t, certFile); fp == oldFP {
				t.Error("fingerprint unchanged")
			}
			keyMode(t, keyFile)
			for f, old := range map[string][]byte{certFile: oldCert, keyFile: oldKey} {
				got, err := os.ReadFile(f + ".old")
				switch {
				case old == nil && err == nil:
					t.Errorf("%s.old exists for a missing file", f)
				case old != nil && !bytes.Equal(got, old):
					t.Errorf("%s.old does not hold the old file (err %v)", f, err)
				}
			}
			if _, _, created := mustEnsure(t, dir, tt.now); created {
				t.Error("replacement not reused on the next start")
			}
		})
	}
}

func TestCheckReason(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := mustEnsure(t, dir, t0)
	if err := check(certFile, keyFile, t0.Add(Validity-RenewBefore)); !errors.Is(err, errExpiring) {
		t.Errorf("check = %v, want errExpiring", err)
	}
	if err := check(certFile, keyFile, t0); err != nil {
		t.Errorf("check fresh pair = %v", err)
	}
}

func TestKeyFileMode(t *testing.T) {
	dir := t.TempDir()
	_, keyFile, _ := mustEnsure(t, dir, t0)
	keyMode(t, keyFile)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
}

func TestTLSWithPool(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := mustEnsure(t, dir, time.Now())
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "duty hub")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // rejected handshakes are expected
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	srv.StartTLS()
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") {
		t.Fatalf("server URL = %s, want 127.0.0.1", srv.URL)
	}

	pool, err := Pool(certFile)
	if err != nil {
		t.Fatal(err)
	}
	get := func(cfg *tls.Config) (string, error) {
		tr := &http.Transport{TLSClientConfig: cfg}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		resp, err := client.Get(srv.URL)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return string(body), err
	}

	t.Run("pinned", func(t *testing.T) {
		body, err := get(&tls.Config{RootCAs: pool})
		if err != nil || body != "duty hub" {
			t.Fatalf("GET = %q, %v", body, err)
		}
	})
	t.Run("pinned, name in SANs", func(t *testing.T) {
		if _, err := get(&tls.Config{RootCAs: pool, ServerName: "hub.example"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("pinned, wrong name", func(t *testing.T) {
		_, err := get(&tls.Config{RootCAs: pool, ServerName: "elsewhere.example"})
		var hostErr x509.HostnameError
		if !errors.As(err, &hostErr) {
			t.Fatalf("err = %v, want a hostname error", err)
		}
	})
	t.Run("default client", func(t *testing.T) {
		_, err := get(nil)
		var authErr x509.UnknownAuthorityError
		if !errors.As(err, &authErr) {
			t.Fatalf("err = %v, want unknown authority", err)
		}
	})
}

func TestFingerprint(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := mustEnsure(t, dir, t0)
	fp := mustFingerprint(t, certFile)
	if !regexp.MustCompile(`^([0-9A-F]{2}:){31}[0-9A-F]{2}$`).MatchString(fp) {
		t.Fatalf("fingerprint %q not in colon hex form", fp)
	}
	leaf := loadLeaf(t, certFile, keyFile)
	want := strings.ReplaceAll(fmt.Sprintf("% X", sha256.Sum256(leaf.Raw)), " ", ":")
	if fp != want {
		t.Fatalf("fingerprint = %s, want %s", fp, want)
	}
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	keyOnly := filepath.Join(dir, "key.pem")
	_, keyFile, _ := mustEnsure(t, dir, t0)
	data, _ := os.ReadFile(keyFile)
	write(t, keyOnly, data)
	junk := filepath.Join(dir, "junk")
	write(t, junk, []byte("junk"))

	for _, f := range []string{keyOnly, junk} {
		if _, err := Fingerprint(f); !errors.Is(err, ErrNoCertificate) {
			t.Errorf("Fingerprint(%s) = %v, want ErrNoCertificate", filepath.Base(f), err)
		}
		if _, err := Pool(f); !errors.Is(err, ErrNoCertificate) {
			t.Errorf("Pool(%s) = %v, want ErrNoCertificate", filepath.Base(f), err)
		}
	}
	missing := filepath.Join(dir, "missing")
	if _, err := Fingerprint(missing); err == nil || !strings.HasPrefix(err.Error(), "tlscert: ") {
		t.Errorf("Fingerprint(missing) = %v", err)
	}
	if _, err := Pool(missing); err == nil || !strings.HasPrefix(err.Error(), "tlscert: ") {
		t.Errorf("Pool(missing) = %v", err)
	}
}

func TestEnsureUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	write(t, file, nil)
	_, _, _, err := Ensure(filepath.Join(file, "data"), nil, t0) // parent is a file
	if err == nil || !strings.HasPrefix(err.Error(), "tlscert: ") {
		t.Fatalf("Ensure under a file = %v", err)
	}
}

func TestSANsSkipsBadInput(t *testing.T) {
	dns, ips := sans([]string{"a.example", "A.EXAMPLE", "::ffff:127.0.0.1", "  "})
	if want := []string{"localhost", "a.example"}; !slices.Equal(dns, want) {
		t.Errorf("dns = %q, want %q", dns, want)
	}
	if len(ips) != 2 || !ips[0].Equal(net.IPv4(127, 0, 0, 1)) || !ips[1].Equal(net.IPv6loopback) {
		t.Errorf("ips = %v", ips)
	}
}

func keyMode(t *testing.T, keyFile string) {
	t.Helper()
	st, err := os.Stat(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", st.Mode().Perm())
	}
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}
