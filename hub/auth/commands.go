// Commands of the accounts domain. Every change to accounts, sessions,
// failed-login counts and vehicle device tokens is one of these values,
// decided by a Service method (times, token digests and password hashes
// made before) and applied by Service.Apply in one Badger transaction:
//
//   - auth.user_put: create or replace an account, with a new password
//     hash or keeping the old one (seeding, configuration, administrators)
//   - auth.lock: an administrator locks an account; its sessions end
//   - auth.unlock: an administrator unlocks an account (a 30-day lock gets
//     a fresh 30 days); its failed-login count is cleared
//   - auth.retire: an account is closed for good; its sessions end
//   - auth.password_set: a new password, chosen by its owner or reset by an
//     administrator (then to be changed at the next login); the account's
//     other sessions end, a 30-day lock is lifted
//   - auth.initial_expired: the 30-day rule locks an account whose initial
//     password was not changed in time
//   - auth.login: a session opens (stored by its token's digest, never the
//     token); the account's last login is noted, its failed logins cleared
//   - auth.login_failed: a wrong password counts towards a lockout
//   - auth.failures_cleared: a right password clears the failed-login count
//   - auth.session_end: a session ends (logout or revocation)
//   - auth.vehicle_token_set: a vehicle's device token is registered (by digest)
//   - auth.vehicle_token_revoke: one device token is revoked for good
//   - auth.vehicle_revoke: every device token of a vehicle is revoked for good
package auth

import (
	"time"

	"fieldwatch/hub/command"
)

func init() {
	command.Register(PutUserCmd{}, LockCmd{}, UnlockCmd{}, RetireCmd{}, PasswordSetCmd{}, InitialExpiredCmd{},
		LoginCmd{}, LoginFailedCmd{}, FailuresClearedCmd{}, SessionEndCmd{},
		VehicleTokenSetCmd{}, VehicleTokenRevokeCmd{}, VehicleRevokeCmd{})
}

// PutUserCmd creates or replaces an account. A nil User.Hash keeps the
// stored hash (a new account needs one); Created and LastLogin are kept.
type PutUserCmd struct {
	User User      `json:"user"`
	At   time.Time `json:"at"`
}

// LockCmd locks an account and ends its sessions.
type LockCmd struct {
	Username string    `json:"username"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}

// UnlockCmd unlocks an account and clears its failed logins.
type UnlockCmd struct {
	Username string    `json:"username"`
	At       time.Time `json:"at"`
}

// RetireCmd closes an account for good and ends its sessions.
type RetireCmd struct {
	Username string    `json:"username"`
	At       time.Time `json:"at"`
}

// PasswordSetCmd sets a password hash; every session of the account but
// Keep (a Session.ID) ends.
type PasswordSetCmd struct {
	Username   string    `json:"username"`
	Hash       []byte    `json:"hash"`
	MustChange bool      `json:"must_change"`
	Keep       string    `json:"keep,omitempty"`
	At         time.Time `json:"at"`
}

// InitialExpiredCmd locks an account by the 30-day rule.
type InitialExpiredCmd struct {
	Username string    `json:"username"`
	At       time.Time `json:"at"`
}

// LoginCmd opens a session: Session.ID is the token's digest.
type LoginCmd struct {
	Session Session `json:"session"`
}

// LoginFailedCmd counts a failed login of a name (known or not).
type LoginFailedCmd struct {
	Username string    `json:"username"`
	At       time.Time `json:"at"`
}

// FailuresClearedCmd clears a name's failed logins.
type FailuresClearedCmd struct {
	Username string `json:"username"`
}

// SessionEndCmd ends a session by its ID.
type SessionEndCmd struct {
	ID string    `json:"id"`
	At time.Time `json:"at"`
}

// VehicleTokenSetCmd registers a device token's digest for a vehicle.
type VehicleTokenSetCmd struct {
	Vehicle string `json:"vehicle"`
	Digest  string `json:"digest"`
}

// VehicleTokenRevokeCmd revokes one device token by its digest.
type VehicleTokenRevokeCmd struct {
	Digest string    `json:"digest"`
	At     time.Time `json:"at"`
}

// VehicleRevokeCmd revokes every device token of a vehicle.
type VehicleRevokeCmd struct {
	Vehicle string    `json:"vehicle"`
	At      time.Time `json:"at"`
}

// CommandKind implements command.Command.
func (PutUserCmd) CommandKind() string { return "auth.user_put" }

// CommandKind implements command.Command.
func (LockCmd) CommandKind() string { return "auth.lock" }

// CommandKind implements command.Command.
func (UnlockCmd) CommandKind() string { return "auth.unlock" }

// CommandKind implements command.Command.
func (RetireCmd) CommandKind() string { return "auth.retire" }

// CommandKind implements command.Command.
func (PasswordSetCmd) CommandKind() string { return "auth.password_set" }

// CommandKind implements command.Command.
func (InitialExpiredCmd) CommandKind() string { return "auth.initial_expired" }

// CommandKind implements command.Command.
func (LoginCmd) CommandKind() string { return "auth.login" }

// CommandKind implements command.Command.
func (LoginFailedCmd) CommandKind() string { return "auth.login_failed" }

// CommandKind implements command.Command.
func (FailuresClearedCmd) CommandKind() string { return "auth.failures_cleared" }

// CommandKind implements command.Command.
func (SessionEndCmd) CommandKind() string { return "auth.session_end" }

// CommandKind implements command.Command.
func (VehicleTokenSetCmd) CommandKind() string { return "auth.vehicle_token_set" }

// CommandKind implements command.Command.
func (VehicleTokenRevokeCmd) CommandKind() string { return "auth.vehicle_token_revoke" }

// CommandKind implements command.Command.
func (VehicleRevokeCmd) CommandKind() string { return "auth.vehicle_revoke" }
