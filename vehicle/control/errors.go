package control

import "errors"

// Why a connection ended or was refused; State.LastError carries the detail.
var (
	// ErrBadURL: Params.URL is not a ws:// or wss:// URL. Run returns it at once.
	ErrBadURL = errors.New("control: hub URL must be ws:// or wss://")
	// ErrUnauthorized: the hub refused the token (HTTP 401). Run keeps
	// retrying with backoff: the token may be registered later.
	ErrUnauthorized = errors.New("control: hub refused the vehicle token")
	// ErrRefused: the hub answered the Hello with a protocol.Error.
	ErrRefused = errors.New("control: hub refused the hello")
	// ErrDeadLink: nothing (no ack, ping or pong) came from the hub for DeadAfter.
	ErrDeadLink = errors.New("control: link dead, hub silent")
)
