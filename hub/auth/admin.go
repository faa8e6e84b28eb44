package auth

// Lock stops an account from logging in and ends its sessions.
func (s *Service) Lock(username, reason string) error {
	return s.sub.Submit(LockCmd{Username: username, Reason: reason, At: s.p.Now().UTC()})
}

// Unlock lets a locked account log in again. An account locked by the
// 30-day rule gets a fresh 30 days to change its initial password; a
// lockout after failed logins is cleared too.
func (s *Service) Unlock(username string) error {
	return s.sub.Submit(UnlockCmd{Username: username, At: s.p.Now().UTC()})
}

// Retire closes an account for good: it can never log in again, and stays
// on record for the audit log. Its sessions end.
func (s *Service) Retire(username string) error {
	return s.sub.Submit(RetireCmd{Username: username, At: s.p.Now().UTC()})
}
