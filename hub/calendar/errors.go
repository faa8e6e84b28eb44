package calendar

import "errors"

// Errors of Calendar.Set and Calendar.Unset; a store's own errors come
// wrapped.
var (
	// ErrDate: a date is not a valid YYYY-MM-DD.
	ErrDate = errors.New("calendar: invalid date")
	// ErrName: an entry's name or source is longer than maxText runes.
	ErrName = errors.New("calendar: name or source too long")
)
