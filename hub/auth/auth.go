// Package auth keeps the hub's accounts, their login sessions and bearer
// tokens, and the vehicles' device tokens. Passwords are bcrypt hashes;
// tokens are random and stored only as SHA-256 digests, so a copy of the
// database does not let anyone in.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"

	"fieldwatch/hub/access"
	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
)

// Role names, as the access policy spells them.
const (
	RoleAdmin        = access.Admin
	RoleLeader       = access.Leader
	RoleDuty         = access.Duty
	RoleSurveillance = access.Surveillance
	RoleCrew         = access.Crew
)

// User is an account. An account is never deleted: a retired one stays so
// that the audit log's names keep meaning something.
type User struct {
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Unit     string   `json:"unit"`
	Roles    []string `json:"roles"`
	Hash     []byte   `json:"hash,omitempty"`
	// MustChange: the password was set by someone else (new or reset
	// account); nothing but changing it is allowed until it is changed.
	MustChange  bool      `json:"must_change"`
	PasswordSet time.Time `json:"password_set"`
	// Locked by an administrator, or by the 30-day rule (LockReason says which).
	Locked     bool      `json:"locked"`
	LockReason string    `json:"lock_reason,omitempty"`
	Retired    bool      `json:"retired"`
	Created    time.Time `json:"created"`
	LastLogin  time.Time `json:"last_login,omitzero"`
}

// Public returns the user without its password hash.
func (u User) Public() User { u.Hash = nil; return u }

// Subject is the user as the access policy sees it.
func (u User) Subject() access.Subject {
	return access.Subject{Username: u.Username, Unit: u.Unit, Roles: u.Roles}
}

// HasRole reports whether the user has any of roles.
func (u User) HasRole(roles ...string) bool {
	for _, have := range u.Roles {
		for _, want := range roles {
			if have == want {
				return true
			}
		}
	}
	return false
}

// Session is a login. ID names it for listing and revoking; it is a digest
// of the token, never the token.
type Session struct {
	ID       string    `json:"id"`
	Username string    `json:"username"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires"`
	IP       string    `json:"ip"`
	Agent    string    `json:"agent"`
}

// Params configure the service.
type Params struct {
	// SessionTTL is how long a login lasts. Default 12 h (one shift and a half).
	SessionTTL time.Duration
	// MaxFailures before a lockout. Default 5.
	MaxFailures int
	// LockoutBase is the first lockout; each further one doubles, up to 15 min. Default 30 s.
	LockoutBase time.Duration
	// InitialPasswordTTL: an account whose initial password is not changed
	// within this is locked (Decision 3035 Art. 6). Default 30 days.
	InitialPasswordTTL time.Duration
	// BcryptCost; default bcrypt.DefaultCost.
	BcryptCost int
	// HashSlots bounds how many bcrypt hashes run at once; logins,
	// password changes and resets share them. Default GOMAXPROCS/2, at
	// least 1.
	HashSlots int
	// HashWait is how long one waits for a slot before being refused as
	// busy (429, code "busy"). Default 2 s.
	HashWait time.Duration
	// LoginRate and LoginBurst are each client address's token bucket of
	// logins (429, code "rate_limited", beyond it). Default 5 a second in
	// bursts of 60 (a duty centre's officers share one address at a shift
	// change; the hash pool bounds the work whatever the rate); rate.Inf
	// turns the limit off.
	LoginRate  rate.Limit
	LoginBurst int
	// OnHash, when set, is told as a hash begins (+1) and ends (-1), in
	// its slot: an instrument for tests.
	OnHash func(delta int)
	Now    func() time.Time
	// Submitter sees the domain's commands applied; nil applies them to
	// this service's database at once.
	Submitter command.Submitter
}

// Service manages accounts, sessions and tokens.
type Service struct {
	db    *store.DB
	p     Params
	sub   command.Submitter
	dummy []byte // a hash to compare against for unknown users (same timing)
	pool  *hashPool
	addrs *addrLimits

	mu sync.Mutex // serialises the application of commands
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// New returns the service on db.
func New(db *store.DB, p Params) *Service {
	if p.SessionTTL <= 0 {
		p.SessionTTL = 12 * time.Hour
	}
	if p.MaxFailures <= 0 {
		p.MaxFailures = 5
	}
	if p.LockoutBase <= 0 {
		p.LockoutBase = 30 * time.Second
	}
	if p.InitialPasswordTTL <= 0 {
		p.InitialPasswordTTL = 30 * 24 * time.Hour
	}
	if p.BcryptCost == 0 {
		p.BcryptCost = bcrypt.DefaultCost
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.HashSlots <= 0 {
		p.HashSlots = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if p.HashWait <= 0 {
		p.HashWait = 2 * time.Second
	}
	if p.LoginRate <= 0 {
		p.LoginRate = 5
	}
	if p.LoginBurst <= 0 {
		p.LoginBurst = 60
	}
	dummy, _ := bcrypt.GenerateFromPassword([]byte(NewToken()), p.BcryptCost)
	s := &Service{db: db, p: p, sub: p.Submitter, dummy: dummy,
		pool:  newHashPool(p.HashSlots, p.HashWait, p.OnHash),
		addrs: &addrLimits{every: p.LoginRate, burst: p.LoginBurst, m: map[string]*rate.Limiter{}}}
	if s.sub == nil {
		s.sub = command.Local(s)
	}
	return s
}

// PutUser creates or replaces an account; an empty password keeps the old
// hash. It is the seeding and configuration path: the password policy is
// enforced where people choose passwords (ChangePassword, ResetPassword).
func (s *Service) PutUser(u User, password string) error {
	var hash []byte
	if password != "" {
		var err error
		if hash, err = s.hash(password); err != nil {
			return err
		}
	}
	return s.putUser(u, hash)
}

// PutUsers creates or replaces accounts that share one password, as the
// demo's do: the password is hashed once for all of them, since whoever
// knows it can log in as any of them anyway.
func (s *Service) PutUsers(users []User, password string) error {
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	for _, u := range users {
		if err := s.putUser(u, hash); err != nil {
			return err
		}
	}
	return nil
}

// hash is a password's bcrypt hash.
func (s *Service) hash(password string) ([]byte, error) {
	if len(password) > maxPassword {
		return nil, weak(WeakTooLong, "at most %d bytes", maxPassword)
	}
	return s.generate(context.Background(), password)
}

// putUser stores an account with hash, or with its old hash when hash is nil.
func (s *Service) putUser(u User, hash []byte) error {
	if !usernameRE.MatchString(u.Username) {
		return fmt.Errorf("%w: username %q", ErrBadUser, u.Username)
	}
	for _, r := range u.Roles {
		if !slices.Contains(access.Roles, r) {
			return fmt.Errorf("%w: %s: unknown role %q", ErrBadUser, u.Username, r)
		}
	}
	u.Hash = hash
	return s.sub.Submit(PutUserCmd{User: u, At: s.p.Now().UTC()})
}

// User returns an account.
func (s *Service) User(username string) (User, error) {
	var u User
	if err := s.db.Get(userKey(username), &u); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return u, fmt.Errorf("%w: %q", ErrUnknownUser, username)
		}
		return u, err
	}
	return u, nil
}

// Users lists every account, without hashes.
func (s *Service) Users() ([]User, error) {
	all, err := store.List[User](s.db, "user/")
	for i := range all {
		all[i] = all[i].Public()
	}
	return all, err
}

// Login is LoginContext for a caller inside the hub, which does not go away.
func (s *Service) Login(username, password, ip, agent string) (string, User, Session, error) {
	return s.LoginContext(context.Background(), username, password, ip, agent)
}

// LoginContext checks a password and opens a session. The token is
// returned once and stored only as a digest. The password is checked
// before the account's state, so a guesser learns nothing about the
// account. A login is refused (429) beyond its address's rate (ip "" is
// not limited), while its name is locked out, or when no hashing slot
// frees up in time; it gives up, without hashing, once ctx ends.
func (s *Service) LoginContext(ctx context.Context, username, password, ip, agent string) (string, User, Session, error) {
	if err := s.addrs.allow(ip); err != nil {
		return "", User{}, Session{}, err
	}
	now := s.p.Now()
	if err := s.checkLock(username, now); err != nil {
		return "", User{}, Session{}, err
	}
	u, err := s.User(username)
	hash := u.Hash
	if err != nil {
		hash = s.dummy
	}
	if cerr := s.compare(ctx, hash, password); cerr != nil || err != nil {
		if cerr != nil && !errors.Is(cerr, ErrBadCredentials) {
			return "", User{}, Session{}, cerr // not checked: no failure counted
		}
		s.fail(username, now)
		return "", User{}, Session{}, ErrBadCredentials
	}
	s.succeed(username)
	if u, err = s.checkState(u, now); err != nil {
		return "", User{}, Session{}, err
	}
	token := NewToken()
	sess := Session{ID: digest(token), Username: username, Created: now, Expires: now.Add(s.p.SessionTTL), IP: ip, Agent: agent}
	if err := s.sub.Submit(LoginCmd{Session: sess}); err != nil {
		return "", User{}, Session{}, fmt.Errorf("auth: save session: %w", err)
	}
	return token, u.Public(), sess, nil
}

// checkState refuses a retired or locked account, and locks one whose
// initial password has outlived InitialPasswordTTL.
func (s *Service) checkState(u User, now time.Time) (User, error) {
	switch {
	case u.Retired:
		return u, ErrRetired
	case u.Locked && u.LockReason == LockInitialPassword:
		return u, ErrExpired
	case u.Locked:
		return u, ErrDisabled
	case u.MustChange && now.Sub(u.PasswordSet) > s.p.InitialPasswordTTL:
		if err := s.sub.Submit(InitialExpiredCmd{Username: u.Username, At: now.UTC()}); err != nil {
			return u, err
		}
		return u, ErrExpired
	}
	return u, nil
}

// Authenticate returns the user behind a session token.
func (s *Service) Authenticate(token string) (User, Session, error) {
	var sess Session
	if token == "" {
		return User{}, sess, ErrNoSession
	}
	if err := s.db.Get(sessionKey(token), &sess); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return User{}, sess, ErrNoSession
		}
		return User{}, sess, err
	}
	if !s.p.Now().Before(sess.Expires) {
		return User{}, sess, ErrNoSession
	}
	u, err := s.User(sess.Username)
	if err != nil {
		return User{}, sess, ErrNoSession
	}
	switch {
	case u.Retired:
		return User{}, sess, ErrRetired
	case u.Locked:
		return User{}, sess, ErrDisabled
	}
	return u.Public(), sess, nil
}

// Logout revokes a session token.
func (s *Service) Logout(token string) error {
	return s.sub.Submit(SessionEndCmd{ID: digest(token), At: s.p.Now().UTC()})
}

// NewToken returns 256 random bits, base64url.
func NewToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func userKey(username string) string { return "user/" + username }
