package auth

import (
	"context"
	"net/http"
)

type callerKey struct{}

type caller struct {
	user    User
	session Session
}

// WithCaller returns ctx carrying the user the guard let in and their
// session.
func WithCaller(ctx context.Context, u User, s Session) context.Context {
	return context.WithValue(ctx, callerKey{}, caller{user: u, session: s})
}

// Caller is the user the guard let in. A request that did not pass the
// guard has none: the zero User, with no roles, may do nothing.
func Caller(r *http.Request) User {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c.user
}

// CallerSession is the session of the user the guard let in.
func CallerSession(r *http.Request) Session {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c.session
}

// AuditName is how the audit log names the user.
func (u User) AuditName() (string, string) { return u.Username, u.Unit }
