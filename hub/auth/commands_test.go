package auth

import (
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

// A day of accounts: seeding, logins, a lockout, a password change, an
// administrator's lock, unlock and retirement, device tokens issued and
// revoked. The same commands give the same state on two stores.
func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	hash, err := bcrypt.GenerateFromPassword([]byte("mat-khau-ban-dau-1"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	hash2, _ := bcrypt.GenerateFromPassword([]byte("mot mat khau dai 2026"), bcrypt.MinCost)
	sess := func(id, user string, m int) Session {
		return Session{ID: id, Username: user, Created: at(m), Expires: at(m).Add(12 * time.Hour), IP: "10.0.0.5", Agent: "phone"}
	}
	cmds := []command.Command{
		PutUserCmd{User: User{Username: "admin", Name: "Quản trị", Roles: []string{RoleAdmin}, Hash: hash}, At: at(0)},
		PutUserCmd{User: User{Username: "to.cong.tac", Name: "Tổ công tác", Unit: "cc-a", Roles: []string{RoleCrew}, MustChange: true, Hash: hash}, At: at(1)},
		PutUserCmd{User: User{Username: "cham", Unit: "cc-a", Roles: []string{RoleDuty}, MustChange: true, Hash: hash}, At: at(1)},
		LoginCmd{Session: sess("s1", "to.cong.tac", 2)},
		LoginCmd{Session: sess("s2", "to.cong.tac", 3)},
		LoginFailedCmd{Username: "admin", At: at(4)},
		LoginFailedCmd{Username: "admin", At: at(4)},
		LoginFailedCmd{Username: "khong-co", At: at(5)},
		FailuresClearedCmd{Username: "admin"},
		PasswordSetCmd{Username: "to.cong.tac", Hash: hash2, Keep: "s2", At: at(6)},
		PutUserCmd{User: User{Username: "to.cong.tac", Name: "Tổ công tác 1", Unit: "doi-a", Roles: []string{RoleCrew}}, At: at(7)},
		LockCmd{Username: "to.cong.tac", Reason: "mất thiết bị", At: at(8)},
		UnlockCmd{Username: "to.cong.tac", At: at(9)},
		InitialExpiredCmd{Username: "cham", At: at(10)},
		PasswordSetCmd{Username: "cham", Hash: hash, MustChange: true, At: at(11)},
		LoginCmd{Session: sess("s3", "admin", 12)},
		SessionEndCmd{ID: "s3", At: at(13)},
		VehicleTokenSetCmd{Vehicle: "xe-01", Digest: "d1"},
		VehicleTokenSetCmd{Vehicle: "xe-02", Digest: "d2"},
		VehicleTokenSetCmd{Vehicle: "xe-02", Digest: "d3"},
		VehicleTokenRevokeCmd{Digest: "d1", At: at(14)},
		VehicleRevokeCmd{Vehicle: "xe-02", At: at(15)},
		RetireCmd{Username: "to.cong.tac", At: at(16)},
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier {
		return New(db, Params{BcryptCost: bcrypt.MinCost})
	}, cmds)
	s := New(db, Params{BcryptCost: bcrypt.MinCost, Now: func() time.Time { return at(20) }})
	u, err := s.User("to.cong.tac")
	if err != nil || !u.Retired || u.Unit != "doi-a" || !u.Created.Equal(at(1)) || !u.LastLogin.Equal(at(3)) {
		t.Errorf("retired account: %v %+v", err, u)
	}
	if list, _ := s.Sessions(""); len(list) != 0 {
		t.Errorf("sessions left: %+v", list)
	}
	if c, _ := s.User("cham"); c.Locked || !c.MustChange || !c.PasswordSet.Equal(at(11)) {
		t.Errorf("a reset lifts the 30-day lock: %+v", c)
	}
	var n int
	_ = db.Each(vehicleTokenPrefix, func(string, []byte) error { n++; return nil })
	if n != 0 {
		t.Errorf("%d device tokens left", n)
	}
	if err := s.Apply(VehicleTokenSetCmd{Vehicle: "xe-01", Digest: "d1"}); err == nil {
		t.Error("a revoked token was registered again")
	}
}
