package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
)

// Apply applies one of the domain's commands in one Badger transaction.
// It reads nothing but the command and the stored state.
func (s *Service) Apply(c command.Command) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.Badger().Update(func(txn *badger.Txn) error {
		t := tx{txn}
		switch c := c.(type) {
		case PutUserCmd:
			return t.putUser(c)
		case LockCmd:
			return t.updateUser(c.Username, func(u *User) error {
				u.Locked, u.LockReason = true, c.Reason
				return t.endSessions(c.Username, "")
			})
		case UnlockCmd:
			return t.updateUser(c.Username, func(u *User) error {
				if u.Retired {
					return ErrRetired
				}
				if u.LockReason == LockInitialPassword {
					u.PasswordSet = c.At
				}
				u.Locked, u.LockReason = false, ""
				return t.delete(failureKey(c.Username))
			})
		case RetireCmd:
			return t.updateUser(c.Username, func(u *User) error {
				u.Retired, u.Locked, u.LockReason, u.Hash = true, true, "retired", nil
				return t.endSessions(c.Username, "")
			})
		case PasswordSetCmd:
			return t.updateUser(c.Username, func(u *User) error {
				if u.Retired {
					return ErrRetired
				}
				u.Hash, u.PasswordSet, u.MustChange = c.Hash, c.At, c.MustChange
				if u.LockReason == LockInitialPassword {
					u.Locked, u.LockReason = false, ""
				}
				return t.endSessions(c.Username, c.Keep)
			})
		case InitialExpiredCmd:
			return t.updateUser(c.Username, func(u *User) error {
				u.Locked, u.LockReason = true, LockInitialPassword
				return nil
			})
		case LoginCmd:
			return t.login(c)
		case LoginFailedCmd:
			return t.fail(c, s.p.MaxFailures, s.p.LockoutBase)
		case FailuresClearedCmd:
			return t.delete(failureKey(c.Username))
		case SessionEndCmd:
			return t.delete(sessionPrefix + c.ID)
		case VehicleTokenSetCmd:
			var was string
			if ok, err := t.get(revokedPrefix+c.Digest, &was); err != nil {
				return err
			} else if ok {
				return fmt.Errorf("%w (vehicle %s)", ErrRevoked, was)
			}
			return t.put(vehicleTokenPrefix+c.Digest, c.Vehicle, 0)
		case VehicleTokenRevokeCmd:
			var vehicle string
			if ok, err := t.get(vehicleTokenPrefix+c.Digest, &vehicle); err != nil || !ok {
				return err
			}
			return t.revokeToken(c.Digest, vehicle)
		case VehicleRevokeCmd:
			digests, err := t.tokensOf(c.Vehicle)
			if err != nil {
				return err
			}
			for _, d := range digests {
				if err := t.revokeToken(d, c.Vehicle); err != nil {
					return err
				}
			}
			return nil
		}
		return fmt.Errorf("auth: %s is not a command of this domain", c.CommandKind())
	})
}

// tx is a write transaction on the domain's records.
type tx struct{ txn *badger.Txn }

func (t tx) get(key string, v any) (bool, error) {
	item, err := t.txn.Get([]byte(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("auth: get %s: %w", key, err)
	}
	return true, item.Value(func(val []byte) error { return json.Unmarshal(val, v) })
}

// put stores v under key; with ttl > 0 the database drops it after ttl.
// That is only the collection of dead records: whether a session or a
// lockout holds is decided by the times in the record, so the state that
// counts is the same whenever a command is applied.
func (t tx) put(key string, v any, ttl time.Duration) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("auth: encode %s: %w", key, err)
	}
	e := badger.NewEntry([]byte(key), data)
	if ttl > 0 {
		e = e.WithTTL(ttl)
	}
	return t.txn.SetEntry(e)
}

func (t tx) delete(key string) error { return t.txn.Delete([]byte(key)) }

// each calls fn with every record under prefix, in key order.
func (t tx) each(prefix string, fn func(key string, raw []byte) error) error {
	it := t.txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte(prefix)})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		if err := item.Value(func(val []byte) error { return fn(string(item.Key()), val) }); err != nil {
			return err
		}
	}
	return nil
}

func (t tx) putUser(c PutUserCmd) error {
	u := c.User
	var old User
	exists, err := t.get(userKey(u.Username), &old)
	if err != nil {
		return err
	}
	switch {
	case u.Hash != nil:
		u.PasswordSet = c.At
	case exists:
		u.Hash, u.PasswordSet = old.Hash, old.PasswordSet
	default:
		return fmt.Errorf("%w: new account needs a password", ErrBadUser)
	}
	if exists {
		u.Created, u.LastLogin = old.Created, old.LastLogin
	}
	if u.Created.IsZero() {
		u.Created = c.At
	}
	return t.put(userKey(u.Username), u, 0)
}

// updateUser applies fn to a stored account.
func (t tx) updateUser(username string, fn func(*User) error) error {
	var u User
	ok, err := t.get(userKey(username), &u)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownUser, username)
	}
	if err := fn(&u); err != nil {
		return err
	}
	return t.put(userKey(username), u, 0)
}

// endSessions deletes every session of username but keep.
func (t tx) endSessions(username, keep string) error {
	var ids []string
	err := t.each(sessionPrefix, func(key string, raw []byte) error {
		var sess Session
		if err := json.Unmarshal(raw, &sess); err != nil {
			return fmt.Errorf("auth: decode %s: %w", key, err)
		}
		if id := key[len(sessionPrefix):]; sess.Username == username && id != keep {
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := t.delete(sessionPrefix + id); err != nil {
			return err
		}
	}
	return nil
}

func (t tx) login(c LoginCmd) error {
	sess := c.Session
	if err := t.put(sessionPrefix+sess.ID, sess, sess.Expires.Sub(sess.Created)); err != nil {
		return err
	}
	if err := t.delete(failureKey(sess.Username)); err != nil {
		return err
	}
	var u User
	if ok, err := t.get(userKey(sess.Username), &u); err != nil || !ok {
		return err
	}
	u.LastLogin = sess.Created
	return t.put(userKey(sess.Username), u, 0)
}

// fail counts a failure; every maxFailures failures lock the name out for
// base, doubling with each lockout up to 15 minutes. The record lives a
// day after the last failure.
func (t tx) fail(c LoginFailedCmd, maxFailures int, base time.Duration) error {
	var f failure
	if _, err := t.get(failureKey(c.Username), &f); err != nil {
		return err
	}
	f.Count++
	if f.Count >= maxFailures {
		d := base << min(f.Lockouts, 5)
		f.Until, f.Count = c.At.Add(min(d, 15*time.Minute)), 0
		f.Lockouts++
	}
	return t.put(failureKey(c.Username), f, 24*time.Hour)
}

// tokensOf lists the digests of a vehicle's device tokens.
func (t tx) tokensOf(vehicle string) ([]string, error) {
	var out []string
	err := t.each(vehicleTokenPrefix, func(key string, raw []byte) error {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("auth: decode %s: %w", key, err)
		}
		if v == vehicle {
			out = append(out, strings.TrimPrefix(key, vehicleTokenPrefix))
		}
		return nil
	})
	return out, err
}

// revokeToken moves a token's digest to the revoked ones: a revoked token
// stays revoked even if configured again.
func (t tx) revokeToken(digest, vehicle string) error {
	if err := t.put(revokedPrefix+digest, vehicle, 0); err != nil {
		return err
	}
	return t.delete(vehicleTokenPrefix + digest)
}
