// Package tlscert owns the duty hub's self-signed TLS certificate: it
// creates an ECDSA P-256 key and certificate in the hub's data directory on
// first start, reuses them on later starts, replaces them when they no longer
// parse, no longer match or are about to expire, and gives operators and
// vehicles what they need to trust it (a SHA-256 fingerprint and a pool).
//
// The certificate is its own trust root: vehicles pin it by putting it in
// their RootCAs, and browsers show a warning until the operator accepts it.
package tlscert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File names inside the data directory.
const (
	CertName = "hub.crt"
	KeyName  = "hub.key"
)

const (
	// Validity is the lifetime of a generated certificate: 825 days, the
	// longest a browser accepted for a TLS server certificate when Apple and
	// the CA/Browser Forum capped it (CA/B Forum Ballot 193, 2018).
	Validity = 825 * 24 * time.Hour
	// RenewBefore: an existing certificate with this much time left or less
	// is replaced at start.
	RenewBefore = 30 * 24 * time.Hour
	// backdate allows for a client clock slightly behind the hub's.
	backdate = time.Hour
)

// Ensure returns the paths of a certificate and key in dir, creating them on
// first use: an ECDSA P-256 key (file mode 0600) and a self-signed X.509
// certificate valid for 825 days, with SANs for every name in hosts (DNS
// names or IP addresses; "localhost", 127.0.0.1 and ::1 are always added),
// key usage digital signature, extended key usage server auth, and not a
// CA: Firefox refuses a CA certificate used as a server's, while Go clients
// (vehicles) and browsers alike accept a leaf they were told to trust.
//
// An existing pair is reused if it parses, matches, and has more than 30 days
// left at now; otherwise it is replaced, the old files renamed with a .old
// suffix (the caller logs it; created is then true). Every file is written
// atomically: temp file, fsync, rename, fsync of dir.
func Ensure(dir string, hosts []string, now time.Time) (certFile, keyFile string, created bool, err error) {
	certFile = filepath.Join(dir, CertName)
	keyFile = filepath.Join(dir, KeyName)
	if check(certFile, keyFile, now) == nil {
		return certFile, keyFile, false, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", false, fmt.Errorf("tlscert: %w", err)
	}
	certPEM, keyPEM, err := generate(hosts, now)
	if err != nil {
		return "", "", false, err
	}
	for _, f := range []string{certFile, keyFile} {
		if err := os.Rename(f, f+".old"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", "", false, fmt.Errorf("tlscert: keep old file: %w", err)
		}
	}
	// Key first: a crash between the two leaves a mismatched pair, which the
	// next start replaces.
	if err := writeAtomic(keyFile, keyPEM, 0o600); err != nil {
		return "", "", false, err
	}
	if err := writeAtomic(certFile, certPEM, 0o644); err != nil {
		return "", "", false, err
	}
	return certFile, keyFile, true, nil
}

// check says why the pair in certFile and keyFile cannot be reused at now,
// or returns nil if it can.
func check(certFile, keyFile string, now time.Time) error {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile) // parses both and checks they match
	if err != nil {
		return fmt.Errorf("tlscert: %w", err)
	}
	leaf := pair.Leaf
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return fmt.Errorf("tlscert: %w", err)
		}
	}
	if left := leaf.NotAfter.Sub(now); left <= RenewBefore {
		return fmt.Errorf("%w: expires %s", errExpiring, leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

// generate returns a new PEM certificate and PKCS #8 PEM key.
func generate(hosts []string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"fieldwatch"}, CommonName: "fieldwatch hub"},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(Validity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  false,
	}
	tmpl.DNSNames, tmpl.IPAddresses = sans(hosts)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: create certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: marshal key: %w", err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	return certPEM, keyPEM, nil
}

// sans splits hosts into DNS names and IP addresses, adds the loopback
// names, and drops blanks and duplicates. "[::1]" is taken as an address.
func sans(hosts []string) (dns []string, ips []net.IP) {
	seen := map[string]bool{}
	for _, h := range append([]string{"localhost", "127.0.0.1", "::1"}, hosts...) {
		h = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(h), "["), "]")
		if ip := net.ParseIP(h); ip != nil {
			if !seen[ip.String()] {
				seen[ip.String()] = true
				ips = append(ips, ip)
			}
			continue
		}
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		if h != "" && !seen[h] {
			seen[h] = true
			dns = append(dns, h)
		}
	}
	return dns, ips
}
