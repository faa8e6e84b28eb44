// Package errkind gives domain errors a kind (invalid, not found, conflict,
// forbidden, unavailable, too large, ...) so that one place can map every
// error to an HTTP status without knowing any domain's sentinels.
//
// A domain declares its sentinels with New and wraps them with %w as usual:
//
//	var ErrUnknown = errkind.New(errkind.NotFound, "not_found", "incidents: unknown incident")
//	return fmt.Errorf("%w: %s", ErrUnknown, id)
//
// errors.Is keeps working on the sentinel; Of finds the kind through any
// wrapping.
package errkind

import (
	"errors"
	"fmt"
)

// Kind is the class of an error as a client sees it.
type Kind int

// Kinds. The zero kind is Internal: an error nobody classified.
const (
	Internal        Kind = iota // a fault of the server: 500
	Invalid                     // the request is malformed or breaks a rule: 400
	Unauthenticated             // no valid credentials: 401
	Forbidden                   // authenticated, but not allowed: 403
	NotFound                    // no such thing: 404
	Conflict                    // the state does not allow it now: 409
	TooLarge                    // a body or file over its limit: 413
	Unsupported                 // the wrong media type: 415
	Rejected                    // well-formed but refused on its content: 422
	Throttled                   // too many attempts, try later: 429
	Unavailable                 // the server cannot do it now: 503
	Precondition                // a prerequisite is missing: 412
	NotAcceptable               // no common format (codec): 406
	Interrupted                 // the request was cut before it completed: 408
	StorageFull                 // the server could not store it: 507
)

var names = [...]string{"internal", "invalid", "unauthenticated", "forbidden", "not_found", "conflict",
	"too_large", "unsupported_media_type", "rejected", "throttled", "unavailable", "precondition_failed",
	"not_acceptable", "interrupted", "storage_full"}

// String is the kind's default error code.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(names) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return names[k]
}

// Error is a classified error: a kind, a stable code for clients, and a
// message. Public, when set, is what a client is shown instead of the
// (possibly more detailed) error text.
type Error struct {
	Kind   Kind
	Code   string
	Msg    string
	Public string
}

// New returns a sentinel of kind k; an empty code means the kind's name.
func New(k Kind, code, msg string) *Error {
	if code == "" {
		code = k.String()
	}
	return &Error{Kind: k, Code: code, Msg: msg}
}

// WithPublic returns a sentinel whose client message is fixed, whatever
// detail is wrapped around it.
func WithPublic(k Kind, code, msg, public string) *Error {
	e := New(k, code, msg)
	e.Public = public
	return e
}

func (e *Error) Error() string { return e.Msg }

// Errorf returns an error of kind k (with its default code) whose message
// is formatted; %w works as in fmt.Errorf.
func Errorf(k Kind, format string, args ...any) error {
	return &wrapped{kind: New(k, "", ""), err: fmt.Errorf(format, args...)}
}

type wrapped struct {
	kind *Error
	err  error
}

func (w *wrapped) Error() string { return w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }

func find(err error) (*Error, bool) {
	for err != nil {
		switch e := err.(type) {
		case *Error:
			return e, true
		case *wrapped:
			return e.kind, true
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				if k, ok := find(inner); ok {
					return k, true
				}
			}
			return nil, false
		}
		err = errors.Unwrap(err)
	}
	return nil, false
}

// Of returns the kind and code of err, and the message a client may see:
// the sentinel's Public text when it has one, else the whole error text.
// An unclassified error is Internal with a generic message.
func Of(err error) (Kind, string, string) {
	e, ok := find(err)
	if !ok {
		return Internal, Internal.String(), "internal error"
	}
	if e.Public != "" {
		return e.Kind, e.Code, e.Public
	}
	if e.Kind == Internal {
		return Internal, e.Code, "internal error"
	}
	return e.Kind, e.Code, err.Error()
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool {
	e, ok := find(err)
	return ok && e.Kind == k
}
