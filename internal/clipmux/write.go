package clipmux

import (
	"fmt"
	"io"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"
)

// writeBox marshals into memory (the encoder seeks back to patch sizes) and writes it out.
func writeBox(w io.Writer, marshal func(io.WriteSeeker) error) error {
	var buf seekablebuffer.Buffer
	if err := marshal(&buf); err != nil {
		return fmt.Errorf("clipmux: encode: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("clipmux: write: %w", err)
	}
	return nil
}
