package auth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"

	"fieldwatch/internal/errkind"
)

// A bcrypt hash is deliberately costly (tens of milliseconds of a core), so
// the hashes of logins, password changes and resets share a small pool of
// slots: a flood of logins queues (and then is refused as busy) instead of
// taking every core from live video and the control channel, which never
// touch the pool. A client that hangs up stops waiting and is not hashed.

// Errors of the hashing pool and the per-address limit; both are 429 and
// the client is told when to come back (RetryAfter).
var (
	ErrBusy = errkind.WithPublic(errkind.Throttled, "busy",
		"auth: too many password checks at once", "the server is busy checking passwords, try again shortly")
	ErrRateLimited = errkind.WithPublic(errkind.Throttled, "rate_limited",
		"auth: too many logins from this address", "too many logins from this address, try again later")
	// errCancelled: the client went away before its password was checked.
	errCancelled = errkind.WithPublic(errkind.Interrupted, "interrupted",
		"auth: request cancelled before the password was checked", "request cancelled")
)

// maxAddresses bounds how many client addresses' buckets are kept.
const maxAddresses = 4096

// throttled is a 429 that says when to try again.
type throttled struct {
	err   error
	after time.Duration
}

func (e *throttled) Error() string { return e.err.Error() }
func (e *throttled) Unwrap() error { return e.err }

// RetryAfter says how long a refused (429) client should wait, when err
// says so: a busy pool, the per-address limit or a lockout.
func RetryAfter(err error) (time.Duration, bool) {
	var t *throttled
	if errors.As(err, &t) {
		return t.after, true
	}
	return 0, false
}

// RetryAfterSeconds is RetryAfter as a Retry-After header's value: whole
// seconds, at least 1.
func RetryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// hashPool bounds concurrent bcrypt work.
type hashPool struct {
	slots chan struct{}
	wait  time.Duration
	hook  func(delta int)
}

func newHashPool(n int, wait time.Duration, hook func(int)) *hashPool {
	return &hashPool{slots: make(chan struct{}, n), wait: wait, hook: hook}
}

// do runs fn (one hash) in a slot. It waits at most the pool's wait for a
// slot (then ErrBusy) and gives up as soon as ctx ends, without hashing.
func (p *hashPool) do(ctx context.Context, fn func()) error {
	if ctx.Err() != nil {
		return errCancelled
	}
	select {
	case p.slots <- struct{}{}:
	default:
		t := time.NewTimer(p.wait)
		defer t.Stop()
		select {
		case p.slots <- struct{}{}:
		case <-t.C:
			return &throttled{err: ErrBusy, after: p.wait}
		case <-ctx.Done():
			return errCancelled
		}
	}
	defer func() { <-p.slots }()
	if ctx.Err() != nil {
		return errCancelled
	}
	if p.hook != nil {
		p.hook(+1)
		defer p.hook(-1)
	}
	fn()
	return nil
}

// compare checks a password against a hash in the pool: nil when it
// matches, ErrBadCredentials when it does not, or the pool's refusal.
func (s *Service) compare(ctx context.Context, hash []byte, password string) error {
	var err error
	if perr := s.pool.do(ctx, func() { err = bcrypt.CompareHashAndPassword(hash, []byte(password)) }); perr != nil {
		return perr
	}
	if err != nil {
		return ErrBadCredentials
	}
	return nil
}

// generate hashes a password in the pool.
func (s *Service) generate(ctx context.Context, password string) ([]byte, error) {
	var h []byte
	var err error
	if perr := s.pool.do(ctx, func() { h, err = bcrypt.GenerateFromPassword([]byte(password), s.p.BcryptCost) }); perr != nil {
		return nil, perr
	}
	if err != nil {
		return nil, fmt.Errorf("auth: hash password: %w", err)
	}
	return h, nil
}

// addrLimits is a token bucket of logins per client address.
type addrLimits struct {
	every rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

// allow takes a token of ip's bucket, or says how long until there is one.
// An empty address (a caller inside the hub) is not limited. The buckets
// run on the wall clock: they measure load, not the domain's time.
func (l *addrLimits) allow(ip string) error {
	if ip == "" || l.every == rate.Inf {
		return nil
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[ip]
	if !ok {
		if len(l.m) >= maxAddresses {
			l.sweep(now)
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.m[ip] = lim
	}
	if lim.AllowN(now, 1) {
		return nil
	}
	after := time.Hour
	if l.every > 0 {
		after = time.Duration(float64(time.Second) * (1 - lim.TokensAt(now)) / float64(l.every))
	}
	return &throttled{err: ErrRateLimited, after: after}
}

// sweep forgets the addresses whose bucket is full again, and then, if
// there are still too many, any of them (a forgotten address merely gets a
// fresh bucket; the pool still bounds the work).
func (l *addrLimits) sweep(now time.Time) {
	for ip, lim := range l.m {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.m, ip)
		}
	}
	for ip := range l.m {
		if len(l.m) < maxAddresses/2 {
			break
		}
		delete(l.m, ip)
	}
}
