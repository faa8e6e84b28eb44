package samples

import (
	"errors"
	"strings"
)

var errUnclosed = errors.New("a quoted field is not closed")

// parser reads records one at a time and, on a malformed record, skips to
// the end of the line where the problem is, so the next record starts clean.
type parser struct {
	data []byte
	pos  int
	line int // the line at pos
	sep  byte
}

func (p *parser) done() bool { return p.pos >= len(p.data) }

// record reads one record: nil, nil for a blank line.
func (p *parser) record() ([]string, error) {
	if p.eol() {
		return nil, nil
	}
	var fields []string
	startPos, startLine := p.pos, p.line
	for {
		f, err := p.field()
		if errors.Is(err, errUnclosed) {
			// The quote may be a typo: give up this line only.
			p.pos, p.line = startPos, startLine
			p.skipLine()
			return nil, err
		}
		if err != nil {
			p.skipLine()
			return nil, err
		}
		fields = append(fields, strings.TrimSpace(f))
		if len(fields) > MaxFields {
			p.skipLine()
			return nil, errors.New("too many columns")
		}
		if p.done() {
			return fields, nil
		}
		if p.data[p.pos] == p.sep {
			p.pos++
			continue
		}
		p.eol() // the field stopped at an end of line
		return fields, nil
	}
}

// eol consumes an end of line ("\n", "\r\n" or "\r") at pos, if any.
func (p *parser) eol() bool {
	if p.done() {
		return false
	}
	switch p.data[p.pos] {
	case '\n':
		p.pos++
	case '\r':
		p.pos++
		if !p.done() && p.data[p.pos] == '\n' {
			p.pos++
		}
	default:
		return false
	}
	p.line++
	return true
}

func (p *parser) skipLine() {
	for !p.done() && !p.eol() {
		p.pos++
	}
}

// field reads one field, stopping before a separator or an end of line.
func (p *parser) field() (string, error) {
	start := p.pos
	for !p.done() && p.data[p.pos] == ' ' {
		p.pos++
	}
	if p.done() || p.data[p.pos] != '"' {
		p.pos = start
		for !p.done() {
			c := p.data[p.pos]
			if c == p.sep || c == '\n' || c == '\r' {
				break
			}
			if c == '"' {
				return "", errors.New("a quote inside an unquoted field")
			}
			p.pos++
			if p.pos-start > 4*MaxField {
				return "", errors.New("field too long")
			}
		}
		return string(p.data[start:p.pos]), nil
	}
	p.pos++ // opening quote
	var b strings.Builder
	for {
		if p.done() {
			return "", errUnclosed
		}
		c := p.data[p.pos]
		p.pos++
		switch {
		case c == '"' && !p.done() && p.data[p.pos] == '"':
			b.WriteByte('"')
			p.pos++
			if b.Len() > 4*MaxField {
				return "", errors.New("field too long")
			}
		case c == '"':
			for !p.done() && p.data[p.pos] == ' ' {
				p.pos++
			}
			if !p.done() && p.data[p.pos] != p.sep && p.data[p.pos] != '\n' && p.data[p.pos] != '\r' {
				return "", errors.New("text after a closing quote")
			}
			return b.String(), nil
		default:
			if c == '\n' {
				p.line++
			}
			b.WriteByte(c)
			if b.Len() > 4*MaxField {
				return "", errors.New("field too long")
			}
		}
	}
}
