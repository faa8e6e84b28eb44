package protocol

import "fmt"

// Kind says what an envelope carries. On the wire it is its name
// ("heartbeat_ack"), never its number, so numbers may be reordered
// between versions without breaking peers; within a version they are
// only appended.
type Kind uint8

// Kinds of version 1. Instructions, acknowledgements and sync manifests
// will be appended before kindEnd.
const (
	KindUnknown Kind = iota
	KindHello
	KindWelcome
	KindHeartbeat
	KindHeartbeatAck
	KindTelemetry
	KindError
	KindMessage
	KindMessageAck
	kindEnd
)

var kindNames = [kindEnd]string{"unknown", "hello", "welcome", "heartbeat", "heartbeat_ack", "telemetry", "error", "message", "message_ack"}

// String returns the kind's wire name, or kind(N) for a number out of range.
func (k Kind) String() string {
	if k < kindEnd {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Valid reports whether k may appear on the wire.
func (k Kind) Valid() bool { return k > KindUnknown && k < kindEnd }

// MarshalText encodes a kind as its name; KindUnknown cannot be encoded.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("%w: %s", ErrKind, k)
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText decodes a kind from its name.
func (k *Kind) UnmarshalText(b []byte) error {
	kind, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = kind
	return nil
}

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, error) {
	for k := KindHello; k < kindEnd; k++ {
		if s == kindNames[k] {
			return k, nil
		}
	}
	return KindUnknown, fmt.Errorf("%w: %q", ErrKind, s)
}
