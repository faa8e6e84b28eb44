package outbox

import "errors"

// Errors returned (wrapped) by this package.
var (
	// ErrInvalid: an empty or malformed sender, recipient, type or message.
	ErrInvalid = errors.New("outbox: invalid argument")
	// ErrTooLarge: a body larger than MaxBody.
	ErrTooLarge = errors.New("outbox: body too large")
	// ErrNotSynced: the database was opened without WithSyncWrites(true), so
	// a returned write could be lost in a crash.
	ErrNotSynced = errors.New("outbox: database does not sync writes")
	// ErrSenderMismatch: the prefix already holds another sender's outbox.
	ErrSenderMismatch = errors.New("outbox: prefix belongs to another sender")
	// ErrAckAhead: an ack for a sequence that was never assigned; the two
	// ends disagree about the stream (for instance one database was reset).
	ErrAckAhead = errors.New("outbox: ack beyond last sequence")
)
