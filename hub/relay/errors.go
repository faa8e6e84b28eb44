package relay

import "errors"

// Errors returned by the relay. The HTTP layer maps them to status codes.
var (
	// ErrNoStream: nobody has published the requested stream.
	ErrNoStream = errors.New("relay: no such stream")
	// ErrNoSession: the session id is unknown (closed or never existed).
	ErrNoSession = errors.New("relay: no such session")
	// ErrBadOffer: the SDP offer cannot be used (malformed, or nothing to send/receive).
	ErrBadOffer = errors.New("relay: unusable SDP offer")
	// ErrNoCodec: offer and relay share no codec for a track.
	ErrNoCodec = errors.New("relay: no common codec")
	// ErrTooManyViewers: the stream has reached its viewer limit.
	ErrTooManyViewers = errors.New("relay: too many viewers")
	// ErrClosed: the relay is shutting down.
	ErrClosed = errors.New("relay: closed")
)

var errShortPacket = errors.New("short packet")
