package auth

import (
	"errors"

	"fieldwatch/internal/errkind"
)

// Errors. Each carries the status and code a client is answered with.
var (
	ErrBadCredentials = errkind.WithPublic(errkind.Unauthenticated, "bad_credentials",
		"auth: wrong username or password", "wrong username or password")
	ErrLocked = errkind.WithPublic(errkind.Throttled, "locked",
		"auth: too many failed logins, try again later", "too many failed logins, try again later")
	ErrDisabled = errkind.WithPublic(errkind.Forbidden, "disabled",
		"auth: account locked by an administrator", "account locked by an administrator")
	ErrExpired = errkind.WithPublic(errkind.Forbidden, "initial_password_expired",
		"auth: the initial password was not changed within 30 days; the account is locked, ask an administrator",
		"the initial password was not changed within 30 days: the account is locked, ask an administrator")
	ErrRetired = errkind.WithPublic(errkind.Conflict, "retired",
		"auth: account retired", "the account is retired")
	ErrMustChange = errkind.WithPublic(errkind.Forbidden, "password_change_required",
		"auth: change your password first", "change your password first")
	// ErrWeakPassword: the client is told why (WeakPasswordError's reason).
	ErrWeakPassword = errkind.New(errkind.Invalid, "weak_password", "auth: password does not meet the policy")
	ErrNoSession    = errkind.WithPublic(errkind.Unauthenticated, "unauthenticated",
		"auth: not logged in or session expired", "not logged in or session expired")
	ErrBadToken = errkind.WithPublic(errkind.Unauthenticated, "bad_token",
		"auth: unknown or revoked token", "unknown or revoked token")
	ErrBadUser     = errkind.New(errkind.Invalid, "invalid", "auth: invalid account")
	ErrUnknownUser = errkind.New(errkind.NotFound, "unknown_user", "auth: no such account")
	// ErrRevoked: the token was revoked and cannot be registered again.
	ErrRevoked = errors.New("auth: vehicle token was revoked; issue a new one")

	// errConflict: what an administrator asks clashes with what is there.
	errConflict = errkind.New(errkind.Conflict, "conflict", "conflict")
)
