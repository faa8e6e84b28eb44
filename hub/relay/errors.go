package relay

import (
	"errors"

	"fieldwatch/internal/errkind"
)

// Errors returned by the relay; each carries the kind, code and client
// message the HTTP layer answers with.
var (
	// ErrNoStream: nobody has published the requested stream.
	ErrNoStream = errkind.WithPublic(errkind.NotFound, "no_stream", "relay: no such stream", "the camera is not streaming")
	// ErrNoSession: the session id is unknown (closed or never existed).
	ErrNoSession = errkind.WithPublic(errkind.NotFound, "no_session", "relay: no such session", "no such session")
	// ErrBadOffer: the SDP offer cannot be used (malformed, or nothing to send/receive).
	ErrBadOffer = errkind.New(errkind.Invalid, "bad_sdp", "relay: unusable SDP offer")
	// ErrNoCodec: offer and relay share no codec for a track.
	ErrNoCodec = errkind.New(errkind.NotAcceptable, "no_codec", "relay: no common codec")
	// ErrTooManyViewers: the stream has reached its viewer limit.
	ErrTooManyViewers = errkind.WithPublic(errkind.Unavailable, "too_many_viewers", "relay: too many viewers", "too many viewers on this camera")
	// ErrTooManyPending: the account already has as many viewer sessions
	// still connecting as it may hold (on this stream or overall).
	ErrTooManyPending = errkind.WithPublic(errkind.Throttled, "too_many_pending", "relay: too many viewer sessions not yet connected",
		"too many live views of this account are still connecting; try again in a few seconds")
	// ErrClosed: the relay is shutting down.
	ErrClosed = errkind.WithPublic(errkind.Unavailable, "shutting_down", "relay: closed", "the hub is shutting down")
)

var errShortPacket = errors.New("short packet")
