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
		return ErrLocked
	}
	return nil
}

// fail counts a failure; every MaxFailures failures lock the name out for
// LockoutBase, doubling with each lockout up to 15 minutes. The record
// lives a day after the last failure.
func (s *Service) fail(username string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var f failure
	_ = s.db.Get(failureKey(username), &f)
	f.Count++
	if f.Count >= s.p.MaxFailures {
		d := s.p.LockoutBase << min(f.Lockouts, 5)
		f.Until, f.Count = now.Add(min(d, 15*time.Minute)), 0
		f.Lockouts++
	}
	_ = s.db.Put(failureKey(username), f, 24*time.Hour)
}

// LockedOutUntil says until when a name is locked out (zero when it is not).
func (s *Service) LockedOutUntil(username string) time.Time {
	var f failure
	if s.db.Get(failureKey(username), &f) == nil && s.p.Now().Before(f.Until) {
		return f.Until
	}
	return time.Time{}
}

func (s *Service) succeed(username string) {
	_ = s.db.Delete(failureKey(username))
}
