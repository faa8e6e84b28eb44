// Package ids makes record IDs: UUIDv7 (RFC 9562), unique across hubs and
// sortable by creation time, so a command carries an ID made once by
// whoever decided it.
package ids

import (
	"crypto/rand"

	"github.com/google/uuid"
)

// New returns a new UUIDv7 in its canonical text form.
func New() string {
	id, err := uuid.NewV7()
	if err != nil {
		// The random source failed; a v4 from crypto/rand panics in the
		// same case, so this only documents that nothing is hidden.
		return uuid.Must(uuid.NewRandomFromReader(rand.Reader)).String()
	}
	return id.String()
}
