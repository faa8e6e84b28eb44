package tlscert

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
)

// Fingerprint returns the SHA-256 fingerprint of the (first) certificate in
// certFile as colon-separated upper-case hex, the form browsers show, so an
// operator can check it and vehicles can pin it.
func Fingerprint(certFile string) (string, error) {
	data, err := os.ReadFile(certFile)
	if err != nil {
		return "", fmt.Errorf("tlscert: %w", err)
	}
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return "", fmt.Errorf("%w: %s", ErrNoCertificate, certFile)
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return "", fmt.Errorf("tlscert: %s: %w", certFile, err)
		}
		sum := sha256.Sum256(block.Bytes)
		hex := make([]string, len(sum))
		for i, b := range sum {
			hex[i] = fmt.Sprintf("%02X", b)
		}
		return strings.Join(hex, ":"), nil
	}
}

// Pool returns a pool holding the certificates in a PEM file, for clients
// (vehicle nodes) that trust the hub's self-signed certificate.
func Pool(pemFile string) (*x509.CertPool, error) {
	data, err := os.ReadFile(pemFile)
	if err != nil {
		return nil, fmt.Errorf("tlscert: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%w: %s", ErrNoCertificate, pemFile)
	}
	return pool, nil
}
