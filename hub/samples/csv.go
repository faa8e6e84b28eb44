// Package samples is random-sample checking in continuous surveillance
// (Decision 888 Art. 13.1): an imported list (declarations or vehicles) of
// a unit's day, a share drawn at random with a recorded seed so the draw
// can be repeated and audited, and the drawn items as tasks for the
// officers on duty, each closed with a result. Store changes lists only by
// commands (commands.go); API serves them over HTTP.
package samples

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"fieldwatch/internal/errkind"
)

// Limits of an imported list.
const (
	MaxBytes  = 2 << 20 // the whole file
	MaxRows   = 20000
	MaxFields = 40
	MaxField  = 500 // characters
	MaxErrors = 200 // row errors kept (the count is always exact)
)

// ErrInvalid: the file cannot be used at all (no header, too large, not
// UTF-8), or the import or result breaks a rule (400 bad_request).
var ErrInvalid = errkind.New(errkind.Invalid, "bad_request", "samples: invalid list")

// Row is one data row of the list and the line it starts on (1-based,
// header on its line too).
type Row struct {
	Line   int      `json:"line"`
	Fields []string `json:"fields"`
}

// RowError is a row left out, and why.
type RowError struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Table is a decoded list: its header, the good rows and the rows refused.
type Table struct {
	Header    []string   `json:"header"`
	Separator string     `json:"separator"`
	Rows      []Row      `json:"-"`
	Errors    []RowError `json:"errors"`
	BadRows   int        `json:"bad_rows"`
}

// Decode reads a CSV list: UTF-8 (a byte-order mark is skipped), a header
// line, ";" or "," as separator (whichever the header has more of outside
// quotes), RFC 4180 quoting (a quoted field may span lines). A bad row is
// reported by line and skipped; the good rows are kept. Blank lines are
// ignored; the first column is the item's key and must be filled and
// unique.
func Decode(data []byte) (*Table, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w: file over %d bytes", ErrInvalid, MaxBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	sep := detectSeparator(data)
	p := parser{data: data, sep: sep, line: 1}
	t := &Table{Separator: string(sep), Rows: []Row{}, Errors: []RowError{}}
	keys := map[string]int{}
	for !p.done() {
		line := p.line
		fields, err := p.record()
		if fields == nil && err == nil {
			continue // blank line
		}
		if t.Header == nil {
			if err != nil {
				return nil, fmt.Errorf("%w: header (line %d): %v", ErrInvalid, line, err)
			}
			if err := checkHeader(fields); err != nil {
				return nil, err
			}
			t.Header = fields
			continue
		}
		if err == nil {
			err = checkRow(fields, len(t.Header))
		}
		if err == nil {
			if first, dup := keys[fields[0]]; dup {
				err = fmt.Errorf("duplicate of line %d", first)
			}
		}
		if err != nil {
			t.BadRows++
			if len(t.Errors) < MaxErrors {
				t.Errors = append(t.Errors, RowError{Line: line, Reason: err.Error()})
			}
			continue
		}
		if len(t.Rows) == MaxRows {
			return nil, fmt.Errorf("%w: more than %d rows", ErrInvalid, MaxRows)
		}
		keys[fields[0]] = line
		t.Rows = append(t.Rows, Row{Line: line, Fields: fields})
	}
	if t.Header == nil {
		return nil, fmt.Errorf("%w: empty file, a header line is needed", ErrInvalid)
	}
	return t, nil
}

func checkHeader(h []string) error {
	if len(h) > MaxFields {
		return fmt.Errorf("%w: header has %d columns, at most %d", ErrInvalid, len(h), MaxFields)
	}
	seen := map[string]bool{}
	for i, f := range h {
		switch {
		case f == "":
			return fmt.Errorf("%w: header column %d is empty", ErrInvalid, i+1)
		case !utf8.ValidString(f) || utf8.RuneCountInString(f) > MaxField:
			return fmt.Errorf("%w: header column %d is not UTF-8 text of at most %d characters", ErrInvalid, i+1, MaxField)
		case seen[strings.ToLower(f)]:
			return fmt.Errorf("%w: header column %q twice", ErrInvalid, f)
		}
		seen[strings.ToLower(f)] = true
	}
	return nil
}

func checkRow(f []string, columns int) error {
	if len(f) != columns {
		return fmt.Errorf("%d columns, the header has %d", len(f), columns)
	}
	for i, s := range f {
		if !utf8.ValidString(s) {
			return fmt.Errorf("column %d is not valid UTF-8", i+1)
		}
		if utf8.RuneCountInString(s) > MaxField {
			return fmt.Errorf("column %d longer than %d characters", i+1, MaxField)
		}
	}
	if f[0] == "" {
		return errors.New("the first column (the key) is empty")
	}
	return nil
}

// detectSeparator counts ";" and "," outside quotes on the first line.
func detectSeparator(data []byte) byte {
	semi, comma, quoted := 0, 0, false
	for _, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			goto done
		case c == ';':
			semi++
		case c == ',':
			comma++
		}
	}
done:
	if semi > comma {
		return ';'
	}
	return ','
}
