package auth

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestForcedChangeAndThirtyDayLock(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	s := newService(t, &now)
	const initial = "mat-khau-ban-dau-1"
	if err := s.PutUser(User{Username: "moi", Unit: "cc-a", Roles: []string{RoleCrew}, MustChange: true}, initial); err != nil {
		t.Fatal(err)
	}
	// Day 29: may log in, must change; the change lifts the flag and ends other sessions.
	now = now.Add(29 * 24 * time.Hour)
	tokA, u, _, err := s.Login("moi", initial, "", "")
	if err != nil || !u.MustChange {
		t.Fatalf("day 29: %v %+v", err, u)
	}
	tokB, _, sessB, err := s.Login("moi", initial, "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, weak := range []string{"ngan-qua", "moi-moi-moi-moi", "password1234", "aaaaaaaaaaaaaa", initial} {
		if err := s.ChangePassword(context.Background(), "moi", initial, weak, sessB.ID); !errors.Is(err, ErrWeakPassword) {
			t.Errorf("weak password %q accepted: %v", weak, err)
		}
	}
	if err := s.ChangePassword(context.Background(), "moi", "sai-mat-khau-cu", "mot mat khau dai 2026", sessB.ID); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong old password: %v", err)
	}
	if err := s.ChangePassword(context.Background(), "moi", initial, "mot mat khau dai 2026", sessB.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(tokA); !errors.Is(err, ErrNoSession) {
		t.Errorf("other session survived a password change: %v", err)
	}
	if u, _, err := s.Authenticate(tokB); err != nil || u.MustChange {
		t.Errorf("asking session: %v %+v", err, u)
	}
	// Years later the changed password still works: the 30-day rule is about initial passwords only.
	now = now.Add(400 * 24 * time.Hour)
	if _, _, _, err := s.Login("moi", "mot mat khau dai 2026", "", ""); err != nil {
		t.Fatalf("changed password: %v", err)
	}

	// An initial password left unchanged for more than 30 days locks the account for good...
	if err := s.PutUser(User{Username: "cham", Roles: []string{RoleDuty}, MustChange: true}, initial); err != nil {
		t.Fatal(err)
	}
	now = now.Add(30*24*time.Hour + time.Minute)
	if _, _, _, err := s.Login("cham", initial, "", ""); !errors.Is(err, ErrExpired) {
		t.Fatalf("day 30: %v", err)
	}
	if u, _ := s.User("cham"); !u.Locked || u.LockReason != LockInitialPassword {
		t.Fatalf("not locked: %+v", u)
	}
	// ...but a wrong password still says only "wrong password".
	if _, _, _, err := s.Login("cham", "doan-bua-thoi-nhe", "", ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password on a locked account: %v", err)
	}
	// An administrator's reset gives a new initial password and a fresh 30 days.
	if err := s.ResetPassword(context.Background(), "cham", "mat-khau-cap-lai-2026"); err != nil {
		t.Fatal(err)
	}
	if _, u, _, err := s.Login("cham", "mat-khau-cap-lai-2026", "", ""); err != nil || !u.MustChange {
		t.Fatalf("after reset: %v %+v", err, u)
	}
}

func TestLockoutPersistsAndDoubles(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	s := newService(t, &now)
	if err := s.PutUser(User{Username: "lanh.dao", Roles: []string{RoleLeader}}, "dung-mat-khau"); err != nil {
		t.Fatal(err)
	}
	lockFor := func() time.Duration {
		for range 5 {
			if _, _, _, err := s.Login("lanh.dao", "sai", "", ""); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("failure: %v", err)
			}
		}
		// Locked: even the right password is refused.
		if _, _, _, err := s.Login("lanh.dao", "dung-mat-khau", "", ""); !errors.Is(err, ErrLocked) {
			t.Fatalf("want locked, got %v", err)
		}
		return s.LockedOutUntil("lanh.dao").Sub(now)
	}
	var got []time.Duration
	for range 7 {
		d := lockFor()
		got = append(got, d)
		// A fresh service on the same database (a hub restart) keeps the lockout.
		s2 := New(s.db, s.p)
		if _, _, _, err := s2.Login("lanh.dao", "dung-mat-khau", "", ""); !errors.Is(err, ErrLocked) {
			t.Fatalf("restart forgot the lockout: %v", err)
		}
		now = now.Add(d)
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("lockouts %v, want %v", got, want)
		}
	}
	if _, _, _, err := s.Login("lanh.dao", "dung-mat-khau", "", ""); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	// Unknown names are locked out the same way (no account enumeration).
	for range 5 {
		_, _, _, _ = s.Login("khong-co", "sai", "", "")
	}
	if _, _, _, err := s.Login("khong-co", "sai", "", ""); !errors.Is(err, ErrLocked) {
		t.Fatalf("unknown name: %v", err)
	}
}

func TestAdminLockUnlockRetireAndSessions(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	s := newService(t, &now)
	if err := s.PutUser(User{Username: "to.cong.tac", Roles: []string{RoleCrew}}, "mat-khau-to-cong-tac"); err != nil {
		t.Fatal(err)
	}
	tok, _, sess, err := s.Login("to.cong.tac", "mat-khau-to-cong-tac", "10.0.0.5", "phone")
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Sessions("to.cong.tac")
	if err != nil || len(list) != 1 || list[0].ID != sess.ID || list[0].IP != "10.0.0.5" {
		t.Fatalf("sessions: %v %+v", err, list)
	}
	if err := s.RevokeSession(sess.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(tok); !errors.Is(err, ErrNoSession) {
		t.Fatalf("revoked session: %v", err)
	}
	tok, _, _, _ = s.Login("to.cong.tac", "mat-khau-to-cong-tac", "", "")
	if err := s.Lock("to.cong.tac", "mất thiết bị"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(tok); err == nil {
		t.Fatal("a locked account's session still works")
	}
	if _, _, _, err := s.Login("to.cong.tac", "mat-khau-to-cong-tac", "", ""); !errors.Is(err, ErrDisabled) {
		t.Fatalf("locked login: %v", err)
	}
	if err := s.Unlock("to.cong.tac"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.Login("to.cong.tac", "mat-khau-to-cong-tac", "", ""); err != nil {
		t.Fatalf("unlocked login: %v", err)
	}
	if err := s.Retire("to.cong.tac"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.Login("to.cong.tac", "mat-khau-to-cong-tac", "", ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("retired login: %v", err)
	}
	if err := s.Unlock("to.cong.tac"); !errors.Is(err, ErrRetired) {
		t.Fatalf("unlock retired: %v", err)
	}
	if u, err := s.User("to.cong.tac"); err != nil || !u.Retired {
		t.Fatalf("retired account must stay on record: %v %+v", err, u)
	}
}
