// Package auth keeps the hub's accounts, their login sessions and bearer
// tokens, and the vehicles' device tokens. Passwords are bcrypt hashes;
// tokens are random and stored only as SHA-256 digests, so a copy of the
// database does not let anyone in.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fieldwatch/hub/store"
)

// Errors.
var (
	ErrBadCredentials = errors.New("auth: wrong username or password")
	ErrLocked         = errors.New("auth: too many failed logins, try again later")
	ErrDisabled       = errors.New("auth: account disabled")
	ErrNoSession      = errors.New("auth: not logged in or session expired")
	ErrBadToken       = errors.New("auth: unknown or revoked token")
	ErrBadUser        = errors.New("auth: invalid account")
)

// Role names (DESIGN.md).
const (
	RoleAdmin        = "admin"
	RoleLeader       = "leader"
	RoleDuty         = "duty"
	RoleSurveillance = "surveillance"
	RoleCrew         = "crew"
)

// User is an account.
type User struct {
	Username   string    `json:"username"`
	Name       string    `json:"name"`
	Unit       string    `json:"unit"`
	Roles      []string  `json:"roles"`
	Hash       []byte    `json:"hash,omitempty"`
	MustChange bool      `json:"must_change"`
	Disabled   bool      `json:"disabled"`
	Created    time.Time `json:"created"`
}

// Public returns the user without its password hash.
func (u User) Public() User { u.Hash = nil; return u }

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

// Session is a login.
type Session struct {
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
	// BcryptCost; default bcrypt.DefaultCost.
	BcryptCost int
	Now        func() time.Time
}

// Service manages accounts, sessions and tokens.
type Service struct {
	db    *store.DB
	p     Params
	dummy []byte // a hash to compare against for unknown users (same timing)

	mu       sync.Mutex
	failures map[string]*failure
}

type failure struct {
	count    int
	lockouts int
	until    time.Time
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
	if p.BcryptCost == 0 {
		p.BcryptCost = bcrypt.DefaultCost
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	dummy, _ := bcrypt.GenerateFromPassword([]byte(NewToken()), p.BcryptCost)
	return &Service{db: db, p: p, dummy: dummy, failures: map[string]*failure{}}
}

// PutUser creates or replaces an account; an empty password keeps the old hash.
func (s *Service) PutUser(u User, password string) error {
	if !usernameRE.MatchString(u.Username) {
		return fmt.Errorf("%w: username %q", ErrBadUser, u.Username)
	}
	if password != "" {
		if len(password) < 8 || len(password) > 72 {
			return fmt.Errorf("%w: password must be 8 to 72 characters", ErrBadUser)
		}
		h, err := bcrypt.GenerateFromPassword([]byte(password), s.p.BcryptCost)
		if err != nil {
			return fmt.Errorf("auth: hash password: %w", err)
		}
		u.Hash = h
	} else {
		var old User
		if err := s.db.Get(userKey(u.Username), &old); err != nil {
			return fmt.Errorf("%w: new account needs a password", ErrBadUser)
		}
		u.Hash = old.Hash
	}
	if u.Created.IsZero() {
		u.Created = s.p.Now()
	}
	return s.db.Put(userKey(u.Username), u, 0)
}

// User returns an account.
func (s *Service) User(username string) (User, error) {
	var u User
	err := s.db.Get(userKey(username), &u)
	return u, err
}

// Users lists every account, without hashes.
func (s *Service) Users() ([]User, error) {
	all, err := store.List[User](s.db, "user/")
	for i := range all {
		all[i] = all[i].Public()
	}
	return all, err
}

// Login checks a password and opens a session. The token is returned once
// and stored only as a digest.
func (s *Service) Login(username, password, ip, agent string) (string, User, Session, error) {
	now := s.p.Now()
	if err := s.checkLock(username, now); err != nil {
		return "", User{}, Session{}, err
	}
	u, err := s.User(username)
	if err != nil {
		_ = bcrypt.CompareHashAndPassword(s.dummy, []byte(password))
		s.fail(username, now)
		return "", User{}, Session{}, ErrBadCredentials
	}
	if bcrypt.CompareHashAndPassword(u.Hash, []byte(password)) != nil {
		s.fail(username, now)
		return "", User{}, Session{}, ErrBadCredentials
	}
	if u.Disabled {
		return "", User{}, Session{}, ErrDisabled
	}
	s.succeed(username)
	token := NewToken()
	sess := Session{Username: username, Created: now, Expires: now.Add(s.p.SessionTTL), IP: ip, Agent: agent}
	if err := s.db.Put(sessionKey(token), sess, s.p.SessionTTL); err != nil {
		return "", User{}, Session{}, fmt.Errorf("auth: save session: %w", err)
	}
	return token, u.Public(), sess, nil
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
	if u.Disabled {
		return User{}, sess, ErrDisabled
	}
	return u.Public(), sess, nil
}

// Logout revokes a session token.
func (s *Service) Logout(token string) error { return s.db.Delete(sessionKey(token)) }

// SetVehicleToken registers a vehicle's device token (replacing none: a
// vehicle may hold several until old ones are revoked).
func (s *Service) SetVehicleToken(vehicle, token string) error {
	if len(token) < 16 {
		return fmt.Errorf("%w: vehicle token too short", ErrBadToken)
	}
	return s.db.Put(vehicleTokenKey(token), vehicle, 0)
}

// RevokeVehicleToken makes a vehicle token useless.
func (s *Service) RevokeVehicleToken(token string) error { return s.db.Delete(vehicleTokenKey(token)) }

// Vehicle returns the vehicle a device token belongs to.
func (s *Service) Vehicle(token string) (string, error) {
	var id string
	if token == "" {
		return "", ErrBadToken
	}
	if err := s.db.Get(vehicleTokenKey(token), &id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", ErrBadToken
		}
		return "", err
	}
	return id, nil
}

func (s *Service) checkLock(username string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.failures[username]; f != nil && now.Before(f.until) {
		return ErrLocked
	}
	return nil
}

func (s *Service) fail(username string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.failures[username]
	if f == nil {
		f = &failure{}
		s.failures[username] = f
	}
	f.count++
	if f.count >= s.p.MaxFailures {
		d := s.p.LockoutBase << min(f.lockouts, 5)
		f.until, f.count = now.Add(min(d, 15*time.Minute)), 0
		f.lockouts++
	}
}

func (s *Service) succeed(username string) {
	s.mu.Lock()
	delete(s.failures, username)
	s.mu.Unlock()
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

func userKey(username string) string      { return "user/" + username }
func sessionKey(token string) string      { return "session/" + digest(token) }
func vehicleTokenKey(token string) string { return "vtoken/" + digest(token) }
