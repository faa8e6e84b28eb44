package auth

import (
	"fmt"
	"log/slog"
)

// BootstrapAdmin creates the first administrator, "admin", of a hub that
// has no account yet. An empty password is generated and written to log:
// whoever reads the log saw it, so it must be changed at the first login.
// A password the operator chose is theirs.
func BootstrapAdmin(s *Service, password string, log *slog.Logger) error {
	users, err := s.Users()
	if err != nil || len(users) > 0 {
		return err
	}
	shown := password == ""
	if shown {
		password = NewToken()[:16]
	}
	admin := User{Username: "admin", Name: "Quản trị hệ thống", Roles: []string{RoleAdmin}, MustChange: shown}
	if err := s.PutUser(admin, password); err != nil {
		return fmt.Errorf("hub: create first administrator: %w", err)
	}
	if shown {
		log.Warn("created the first administrator: log in and change the password", "username", "admin", "password", password)
	}
	return nil
}
