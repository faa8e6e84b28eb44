package protocol

import "errors"

// Sentinel errors. Every error returned by Encode, Decode and DecodeBody
// wraps exactly one of them, so callers can tell a peer what went wrong
// with errors.Is and keep the detail for the log.
var (
	// ErrTooLarge: a message is larger than MaxMessageSize.
	ErrTooLarge = errors.New("protocol: message too large")
	// ErrVersion: the envelope (or a Hello) speaks another protocol version.
	ErrVersion = errors.New("protocol: unsupported version")
	// ErrKind: the kind is not one this side knows, or does not match the body.
	ErrKind = errors.New("protocol: unknown or unexpected message kind")
	// ErrMalformed: not JSON of the expected shape: bad syntax, wrong types,
	// unknown or missing fields, trailing data.
	ErrMalformed = errors.New("protocol: malformed message")
	// ErrInvalid: well-formed, but a value breaks a rule (an id's spelling,
	// a range, a list length).
	ErrInvalid = errors.New("protocol: invalid message")
)
