// Package protocol holds the wire types of the control channel between
// vehicles and the hub: a kind enum, a versioned envelope, and one body
// type per kind, with the rules each body must keep. Decoding is strict
// (size limit, version check, unknown and missing fields rejected, every
// body validated), since every byte comes from the network.
//
// A message on the wire (one WebSocket text frame):
//
//	{"v":1,"kind":"heartbeat","id":"xe-01-17","ts":"2026-11-22T09:30:00+07:00","body":{"seq":17}}
//
// It is a leaf: standard library only.
package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"
)

// Version is the control protocol's version. A peer speaking another
// version is refused with ErrVersion.
const Version = 1

// MaxMessageSize bounds one encoded message, in bytes.
const MaxMessageSize = 64 << 10

// Envelope is one message on the wire. Body is the kind's body, still
// encoded; read it with DecodeBody.
type Envelope struct {
	V    int             `json:"v"`
	Kind Kind            `json:"kind"`
	ID   string          `json:"id"`
	TS   time.Time       `json:"ts"` // RFC 3339 with offset
	Body json.RawMessage `json:"body"`
}

// Body is implemented by every body type: the kind it travels as, and the
// rules its values keep.
type Body interface {
	Kind() Kind
	Validate() error
}

// messageIDRE spells message ids: a sender's name and counter, e.g. "xe-01-17".
var messageIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`)

// Encode builds an envelope of version Version around body. The body's kind,
// when it declares one, must be kind. Bodies are not validated here: the
// receiver does that.
func Encode(kind Kind, id string, ts time.Time, body any) ([]byte, error) {
	if !kind.Valid() {
		return nil, fmt.Errorf("%w: cannot encode %s", ErrKind, kind)
	}
	if b, ok := body.(interface{ Kind() Kind }); ok && b.Kind() != kind {
		return nil, fmt.Errorf("%w: %s body in a %s envelope", ErrKind, b.Kind(), kind)
	}
	if err := checkEnvelope(id, ts); err != nil {
		return nil, fmt.Errorf("%w: encode %s: %v", ErrInvalid, kind, err)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("%w: encode %s body: %v", ErrInvalid, kind, err)
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("%w: encode %s: body must be a JSON object", ErrMalformed, kind)
	}
	out, err := json.Marshal(Envelope{V: Version, Kind: kind, ID: id, TS: ts, Body: raw})
	if err != nil {
		return nil, fmt.Errorf("%w: encode %s: %v", ErrInvalid, kind, err)
	}
	if len(out) > MaxMessageSize {
		return nil, fmt.Errorf("%w: %s of %d bytes (limit %d)", ErrTooLarge, kind, len(out), MaxMessageSize)
	}
	return out, nil
}

// wireEnvelope detects missing envelope fields.
type wireEnvelope struct {
	V    *int            `json:"v"`
	Kind *string         `json:"kind"`
	ID   *string         `json:"id"`
	TS   *time.Time      `json:"ts"`
	Body json.RawMessage `json:"body"`
}

// Decode parses and checks an envelope; decode the body with DecodeBody.
// The version is checked before the kind, so a newer peer's new kinds are
// reported as ErrVersion.
func Decode(data []byte) (Envelope, error) {
	if len(data) > MaxMessageSize {
		return Envelope{}, fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(data), MaxMessageSize)
	}
	var w wireEnvelope
	if err := strict(data, &w); err != nil {
		return Envelope{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	switch {
	case w.V == nil:
		return Envelope{}, fmt.Errorf("%w: missing field %q", ErrMalformed, "v")
	case *w.V != Version:
		return Envelope{}, fmt.Errorf("%w: %d (this side speaks %d)", ErrVersion, *w.V, Version)
	case w.Kind == nil:
		return Envelope{}, fmt.Errorf("%w: missing field %q", ErrMalformed, "kind")
	case w.ID == nil:
		return Envelope{}, fmt.Errorf("%w: missing field %q", ErrMalformed, "id")
	case w.TS == nil:
		return Envelope{}, fmt.Errorf("%w: missing field %q", ErrMalformed, "ts")
	case w.Body == nil:
		return Envelope{}, fmt.Errorf("%w: missing field %q", ErrMalformed, "body")
	case w.Body[0] != '{':
		return Envelope{}, fmt.Errorf("%w: body must be a JSON object", ErrMalformed)
	}
	kind, err := ParseKind(*w.Kind)
	if err != nil {
		return Envelope{}, err
	}
	if err := checkEnvelope(*w.ID, *w.TS); err != nil {
		return Envelope{}, fmt.Errorf("%w: %s: %v", ErrInvalid, kind, err)
	}
	return Envelope{V: *w.V, Kind: kind, ID: *w.ID, TS: *w.TS, Body: w.Body}, nil
}

func checkEnvelope(id string, ts time.Time) error {
	if !messageIDRE.MatchString(id) {
		return fmt.Errorf("id %q: want %s", clip(id), messageIDRE)
	}
	if ts.IsZero() {
		return errors.New("ts missing")
	}
	return nil
}

// DecodeBody decodes an envelope's body as T, strictly: T's kind must be
// the envelope's, unknown and missing fields are refused (null is allowed
// for pointers and lists), and T's Validate must pass.
func DecodeBody[T any, PT interface {
	*T
	Body
}](env Envelope) (T, error) {
	var v T
	if k := PT(&v).Kind(); k != env.Kind {
		return v, fmt.Errorf("%w: want %s, got %s", ErrKind, k, env.Kind)
	}
	if err := strict(env.Body, &v); err != nil {
		return v, fmt.Errorf("%w: %s body: %v", ErrMalformed, env.Kind, err)
	}
	if err := requireFields(env.Body, &v); err != nil {
		return v, fmt.Errorf("%w: %s body: %v", ErrMalformed, env.Kind, err)
	}
	if err := PT(&v).Validate(); err != nil {
		if errors.Is(err, ErrVersion) {
			return v, err
		}
		return v, fmt.Errorf("%w: %s: %v", ErrInvalid, env.Kind, err)
	}
	return v, nil
}

// strict decodes one JSON value, rejecting unknown fields and trailing data.
func strict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the message")
	}
	return nil
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
