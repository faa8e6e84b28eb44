package tlscert

import "errors"

// ErrNoCertificate is exported; errExpiring is kept internal for the tests.
var (
	// errExpiring: an existing certificate has RenewBefore or less left and
	// is replaced (internal: Ensure does not report why it replaced a pair).
	errExpiring = errors.New("tlscert: certificate expires within 30 days")
	// ErrNoCertificate: a PEM file holds no parsable certificate.
	ErrNoCertificate = errors.New("tlscert: no certificate in file")
)
