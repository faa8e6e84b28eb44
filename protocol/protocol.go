// Package protocol holds the wire types of the control channel between
// vehicles and the hub: a kind enum, a versioned envelope, and one body
// type per kind. Decoding is strict (size limit, unknown fields rejected,
// every body validated), since every byte comes from the network.
// It is a leaf: standard library only.
package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Version is the control protocol's version. A peer speaking another
// version is refused with a clear error.
const Version = 1

// MaxMessageSize bounds one encoded message.
const MaxMessageSize = 64 << 10

// Errors of decoding.
var (
	ErrTooLarge  = errors.New("protocol: message too large")
	ErrVersion   = errors.New("protocol: unsupported version")
	ErrKind      = errors.New("protocol: unknown message kind")
	ErrMalformed = errors.New("protocol: malformed message")
	ErrInvalid   = errors.New("protocol: invalid message")
)

// Kind says what an envelope carries.
type Kind uint8

// Kinds. New kinds are appended; numbers never change meaning.
const (
	KindUnknown Kind = iota
	KindHello
	KindWelcome
	KindHeartbeat
	KindHeartbeatAck
	KindTelemetry
	KindError
	kindEnd
)

var kindNames = [...]string{"unknown", "hello", "welcome", "heartbeat", "heartbeat_ack", "telemetry", "error"}

func (k Kind) String() string {
	if k < kindEnd {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// MarshalText encodes a kind as its name.
func (k Kind) MarshalText() ([]byte, error) {
	if k == KindUnknown || k >= kindEnd {
		return nil, fmt.Errorf("%w: %d", ErrKind, uint8(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind from its name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i := KindHello; i < kindEnd; i++ {
		if string(b) == kindNames[i] {
			*k = i
			return nil
		}
	}
	return fmt.Errorf("%w: %q", ErrKind, b)
}

// Envelope is one message on the wire.
type Envelope struct {
	V    int             `json:"v"`
	Kind Kind            `json:"kind"`
	ID   string          `json:"id"`
	TS   time.Time       `json:"ts"`
	Body json.RawMessage `json:"body"`
}

// Encode builds an envelope around body.
func Encode(kind Kind, id string, ts time.Time, body any) ([]byte, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("protocol: encode %s body: %w", kind, err)
	}
	out, err := json.Marshal(Envelope{V: Version, Kind: kind, ID: id, TS: ts, Body: raw})
	if err != nil {
		return nil, fmt.Errorf("protocol: encode %s: %w", kind, err)
	}
	if len(out) > MaxMessageSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(out))
	}
	return out, nil
}

// Decode parses and checks an envelope; the body is decoded with DecodeBody.
func Decode(data []byte) (Envelope, error) {
	var env Envelope
	if len(data) > MaxMessageSize {
		return env, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(data))
	}
	if err := strict(data, &env); err != nil {
		if errors.Is(err, ErrKind) {
			return env, err
		}
		return env, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if env.V != Version {
		return env, fmt.Errorf("%w: %d (this side speaks %d)", ErrVersion, env.V, Version)
	}
	if env.Kind == KindUnknown {
		return env, fmt.Errorf("%w: kind missing", ErrMalformed)
	}
	if len(env.ID) == 0 || len(env.ID) > 64 {
		return env, fmt.Errorf("%w: id must be 1 to 64 characters", ErrMalformed)
	}
	if env.TS.IsZero() {
		return env, fmt.Errorf("%w: ts missing", ErrMalformed)
	}
	if len(env.Body) == 0 {
		return env, fmt.Errorf("%w: body missing", ErrMalformed)
	}
	return env, nil
}

// Validator is implemented by every body type.
type Validator interface{ Validate() error }

// DecodeBody decodes and validates an envelope's body as T.
func DecodeBody[T any, PT interface {
	*T
	Validator
}](env Envelope) (T, error) {
	var v T
	if err := strict(env.Body, &v); err != nil {
		return v, fmt.Errorf("%w: %s body: %v", ErrMalformed, env.Kind, err)
	}
	if err := PT(&v).Validate(); err != nil {
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
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}
