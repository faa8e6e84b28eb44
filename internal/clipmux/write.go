package clipmux

import (
	"errors"
	"fmt"
	"io"
)

// writeBox marshals into memory (the encoder seeks back to patch sizes) and writes it out.
func writeBox(w io.Writer, marshal func(io.WriteSeeker) error) error {
	var buf memWS
	if err := marshal(&buf); err != nil {
		return fmt.Errorf("clipmux: encode: %w", err)
	}
	if _, err := w.Write(buf.b); err != nil {
		return fmt.Errorf("clipmux: write: %w", err)
	}
	return nil
}

type memWS struct {
	b   []byte
	pos int
}

func (m *memWS) Write(p []byte) (int, error) {
	if need := m.pos + len(p); need > len(m.b) {
		m.b = append(m.b, make([]byte, need-len(m.b))...)
	}
	copy(m.b[m.pos:], p)
	m.pos += len(p)
	return len(p), nil
}

func (m *memWS) Seek(off int64, whence int) (int64, error) {
	var p int64
	switch whence {
	case io.SeekStart:
		p = off
	case io.SeekCurrent:
		p = int64(m.pos) + off
	case io.SeekEnd:
		p = int64(len(m.b)) + off
	}
	if p < 0 {
		return 0, errors.New("clipmux: negative seek")
	}
	m.pos = int(p)
	return p, nil
}
