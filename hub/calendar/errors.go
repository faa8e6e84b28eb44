package calendar

import "fieldwatch/internal/errkind"

// Errors of Calendar.Set and Calendar.Unset; a store's own errors come
// wrapped.
var (
	// ErrDate: a date is not a valid YYYY-MM-DD.
	ErrDate = errkind.New(errkind.Invalid, "bad_request", "calendar: invalid date")
	// ErrName: an entry's name or source is longer than maxText runes.
	ErrName = errkind.New(errkind.Invalid, "bad_request", "calendar: name or source too long")
)
