package auth

// Lock stops an account from logging in and ends its sessions.
func (s *Service) Lock(username, reason string) error {
	err := s.update(username, func(u *User) error {
		u.Locked, u.LockReason = true, reason
		return nil
	})
	if err != nil {
		return err
	}
	return s.revokeSessions(username, "")
}

// Unlock lets a locked account log in again. An account locked by the
// 30-day rule gets a fresh 30 days to change its initial password; a
// lockout after failed logins is cleared too.
func (s *Service) Unlock(username string) error {
	err := s.update(username, func(u *User) error {
		if u.Retired {
			return ErrRetired
		}
		if u.LockReason == LockInitialPassword {
			u.PasswordSet = s.p.Now()
		}
		u.Locked, u.LockReason = false, ""
		return nil
	})
	if err != nil {
		return err
	}
	s.succeed(username)
	return nil
}

// Retire closes an account for good: it can never log in again, and stays
// on record for the audit log.
func (s *Service) Retire(username string) error {
	err := s.update(username, func(u *User) error {
		u.Retired, u.Locked, u.LockReason, u.Hash = true, true, "retired", nil
		return nil
	})
	if err != nil {
		return err
	}
	return s.revokeSessions(username, "")
}
