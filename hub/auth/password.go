package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Password policy, after OWASP ASVS 4 (2.1): length is what counts, not
// composition rules; bcrypt reads at most 72 bytes.
const (
	minPassword = 12 // characters
	maxPassword = 72 // bytes
)

// LockInitialPassword is the lock reason of the 30-day rule.
const LockInitialPassword = "initial_password_expired"

// common are passwords refused whatever their length.
var common = []string{"123456789012", "password1234", "matkhau12345", "qwertyuiop12", "111111111111", "abc123456789", "haiquan12345"}

// Reasons a password is refused (stable codes for clients).
const (
	WeakTooShort    = "too_short"
	WeakTooLong     = "too_long"
	WeakHasUsername = "contains_username"
	WeakCommon      = "common"
	WeakRepeated    = "repeated"
	WeakSame        = "same_as_old"
)

// WeakPasswordError says why a password was refused; it is ErrWeakPassword.
type WeakPasswordError struct {
	Reason string
	Detail string
}

func (e *WeakPasswordError) Error() string { return ErrWeakPassword.Error() + ": " + e.Detail }

// ErrorDetails gives clients a stable code for why the password was refused.
func (e *WeakPasswordError) ErrorDetails() map[string]string {
	return map[string]string{"reason": e.Reason}
}

// Unwrap makes errors.Is(err, ErrWeakPassword) true and gives the error its kind.
func (e *WeakPasswordError) Unwrap() error { return ErrWeakPassword }

func weak(reason, format string, a ...any) error {
	return &WeakPasswordError{Reason: reason, Detail: fmt.Sprintf(format, a...)}
}

// CheckPassword tells whether a password may be chosen by username.
func CheckPassword(username, password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < minPassword:
		return weak(WeakTooShort, "at least %d characters", minPassword)
	case len(password) > maxPassword:
		return weak(WeakTooLong, "at most %d bytes", maxPassword)
	case username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)):
		return weak(WeakHasUsername, "must not contain the username")
	case slices.Contains(common, strings.ToLower(password)):
		return weak(WeakCommon, "too common")
	case strings.Count(password, password[:1]) == len(password):
		return weak(WeakRepeated, "one repeated character")
	}
	return nil
}

// ChangePassword replaces a user's own password after checking the old
// one; it lifts MustChange and ends every other session of the account.
// keepSession is the digest (Session.ID) of the session that asked.
// Both hashes take a slot of the pool, as a login's does; ctx ending stops
// the wait.
func (s *Service) ChangePassword(ctx context.Context, username, oldPassword, newPassword, keepSession string) error {
	u, err := s.User(username)
	if err != nil {
		return err
	}
	if err := s.compare(ctx, u.Hash, oldPassword); err != nil {
		if errors.Is(err, ErrBadCredentials) {
			s.fail(username, s.p.Now())
		}
		return err
	}
	if oldPassword == newPassword {
		return weak(WeakSame, "the new password must differ from the old one")
	}
	return s.setPassword(ctx, username, newPassword, false, keepSession)
}

// ResetPassword is an administrator setting a new initial password: the
// user must change it at the next login, within InitialPasswordTTL, and
// every session of the account ends. A lock of the 30-day rule is lifted.
func (s *Service) ResetPassword(ctx context.Context, username, newPassword string) error {
	return s.setPassword(ctx, username, newPassword, true, "")
}

// setPassword checks and hashes a password, then sets it, ending every
// session of the account but keep.
func (s *Service) setPassword(ctx context.Context, username, password string, mustChange bool, keep string) error {
	if err := CheckPassword(username, password); err != nil {
		return err
	}
	h, err := s.generate(ctx, password)
	if err != nil {
		return err
	}
	return s.sub.Submit(PasswordSetCmd{Username: username, Hash: h, MustChange: mustChange, Keep: keep, At: s.p.Now().UTC()})
}
