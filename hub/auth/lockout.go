package auth

import (
	"time"
)

// failure counts an account's failed logins. It is stored, so a restart
// does not hand a guesser a fresh set of tries.
type failure struct {
	Count    int       `json:"count"`
	Lockouts int       `json:"lockouts"`
	Until    time.Time `json:"until"`
}

func failureKey(username string) string { return "authfail/" + username }

// checkLock refuses a login while the account (or the unknown name) is
// locked out.
func (s *Service) checkLock(username string, now time.Time) error {
	var f failure
	if s.db.Get(failureKey(username), &f) == nil && now.Before(f.Until) {
		return &throttled{err: ErrLocked, after: f.Until.Sub(now)}
	}
	return nil
}

// fail counts a failure (LoginFailedCmd says what it does). A failure to
// count it does not change the answer the caller gets.
func (s *Service) fail(username string, now time.Time) {
	_ = s.sub.Submit(LoginFailedCmd{Username: username, At: now.UTC()})
}

// LockedOutUntil says until when a name is locked out (zero when it is not).
func (s *Service) LockedOutUntil(username string) time.Time {
	var f failure
	if s.db.Get(failureKey(username), &f) == nil && s.p.Now().Before(f.Until) {
		return f.Until
	}
	return time.Time{}
}

// succeed clears a name's failed logins, if it has any.
func (s *Service) succeed(username string) {
	var f failure
	if s.db.Get(failureKey(username), &f) == nil {
		_ = s.sub.Submit(FailuresClearedCmd{Username: username})
	}
}
