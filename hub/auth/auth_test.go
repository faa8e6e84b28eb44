package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fieldwatch/hub/store"
)

func newService(t *testing.T, now *time.Time) *Service {
	t.Helper()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db, Params{BcryptCost: bcrypt.MinCost, Now: func() time.Time { return *now }})
}

func TestLoginSessionLogout(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	s := newService(t, &now)
	if err := s.PutUser(User{Username: "truc.ban", Name: "Trực ban", Unit: "hq", Roles: []string{RoleDuty}}, "mat-khau-123"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.Login("truc.ban", "wrong-pass", "", ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, _, _, err := s.Login("nobody", "mat-khau-123", "", ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
	token, u, _, err := s.Login("truc.ban", "mat-khau-123", "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	if u.Hash != nil || !u.HasRole(RoleDuty) {
		t.Fatalf("login user: %+v", u)
	}
	if got, _, err := s.Authenticate(token); err != nil || got.Username != "truc.ban" {
		t.Fatalf("authenticate: %v %+v", err, got)
	}
	now = now.Add(13 * time.Hour)
	if _, _, err := s.Authenticate(token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("expired session: %v", err)
	}
	now = now.Add(-13 * time.Hour)
	if err := s.Logout(token); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after logout: %v", err)
	}
}

func TestLockoutBacksOff(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	s := newService(t, &now)
	if err := s.PutUser(User{Username: "lanh.dao", Roles: []string{RoleLeader}}, "dung-mat-khau"); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		_, _, _, _ = s.Login("lanh.dao", "sai", "", "")
	}
	if _, _, _, err := s.Login("lanh.dao", "dung-mat-khau", "", ""); !errors.Is(err, ErrLocked) {
		t.Fatalf("want locked, got %v", err)
	}
	now = now.Add(31 * time.Second)
	if _, _, _, err := s.Login("lanh.dao", "dung-mat-khau", "", ""); err != nil {
		t.Fatalf("after lockout: %v", err)
	}
}

func TestVehicleTokens(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := newService(t, &now)
	tok := NewToken()
	if err := s.SetVehicleToken("xe-01", tok); err != nil {
		t.Fatal(err)
	}
	if id, err := s.Vehicle(tok); err != nil || id != "xe-01" {
		t.Fatalf("vehicle: %v %q", err, id)
	}
	if _, err := s.Vehicle("forged-token-forged-token"); !errors.Is(err, ErrBadToken) {
		t.Fatalf("forged: %v", err)
	}
	if err := s.RevokeVehicleToken(tok); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Vehicle(tok); !errors.Is(err, ErrBadToken) {
		t.Fatalf("revoked: %v", err)
	}
	if err := s.SetVehicleToken("xe-01", tok); !errors.Is(err, ErrRevoked) {
		t.Fatalf("a revoked token registered again: %v", err)
	}
	a, _ := s.IssueVehicleToken("xe-02")
	b, _ := s.IssueVehicleToken("xe-02")
	c, _ := s.IssueVehicleToken("xe-03")
	if n, err := s.RevokeVehicle("xe-02"); err != nil || n != 2 {
		t.Fatalf("revoke vehicle: %d %v", n, err)
	}
	for _, tk := range []string{a, b} {
		if _, err := s.Vehicle(tk); !errors.Is(err, ErrBadToken) {
			t.Fatalf("revoked vehicle token works: %v", err)
		}
	}
	if id, err := s.Vehicle(c); err != nil || id != "xe-03" {
		t.Fatalf("another vehicle's token was revoked: %v", err)
	}
	if err := s.PutUser(User{Username: "X bad"}, "password1"); !errors.Is(err, ErrBadUser) {
		t.Fatalf("bad username: %v", err)
	}
}

// PutUsers stores accounts sharing one password, each of which logs in
// with it; an invalid account among them is refused by name.
func TestPutUsersSharePassword(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	s := newService(t, &now)
	users := []User{{Username: "truc.ban", Unit: "hq", Roles: []string{RoleDuty}}, {Username: "giam.sat", Unit: "hq", Roles: []string{RoleSurveillance}}}
	if err := s.PutUsers(users, "mat-khau-chung-123"); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if _, got, _, err := s.Login(u.Username, "mat-khau-chung-123", "", ""); err != nil || got.Username != u.Username {
			t.Errorf("%s: %+v %v", u.Username, got, err)
		}
	}
	if err := s.PutUsers([]User{{Username: "Bad Name", Roles: []string{RoleDuty}}}, "mat-khau-chung-123"); !errors.Is(err, ErrBadUser) || !strings.Contains(err.Error(), "Bad Name") {
		t.Fatalf("an invalid account: %v", err)
	}
}
