package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// sessionCookie carries the console's session token.
const sessionCookie = "fieldwatch_session"

// Body limits.
const (
	maxSDP  = 64 << 10
	maxJSON = 16 << 10
)

// bearer returns the token of an Authorization: Bearer header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// userToken returns a user's token from the header or the session cookie.
func userToken(r *http.Request) string {
	if t := bearer(r); t != "" {
		return t
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// guard authenticates a user route's caller (bearer token or session
// cookie) and applies the access policy before the handler runs: the
// role must allow the route's action, and the vehicle the route is about
// must lie in the user's unit subtree. An account that must change its
// password may do nothing else. Denials are audited.
func (h *Hub) guard(rt route, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, sess, err := h.auth.Authenticate(userToken(r))
		if err != nil {
			writeError(w, r, h.log, err)
			return
		}
		if u.MustChange && rt.Action != access.Self {
			writeError(w, r, h.log, auth.ErrMustChange)
			return
		}
		if err := access.Allow(u.Subject(), rt.Action); err != nil {
			h.deny(w, r, u, err)
			return
		}
		if rt.Scope != "" {
			v, err := h.fleet.Get(r.PathValue(rt.Scope))
			if err != nil {
				writeError(w, r, h.log, err)
				return
			}
			if err := access.AllowIn(h.units, u.Subject(), rt.Action, v.Unit); err != nil {
				h.deny(w, r, u, err)
				return
			}
		}
		next(w, r.WithContext(auth.WithCaller(r.Context(), u, sess)))
	}
}

// deny answers 403 and writes the denial to the audit log.
func (h *Hub) deny(w http.ResponseWriter, r *http.Request, u auth.User, err error) {
	h.audit(r, u, "access.denied", r.Method+" "+r.URL.Path, err.Error())
	writeError(w, r, h.log, err)
}

// allowVehicle checks a vehicle named in a request body (or found through
// another record) against the user's scope, auditing a denial.
func (h *Hub) allowVehicle(w http.ResponseWriter, r *http.Request, u auth.User, a access.Action, vehicleID string) bool {
	v, err := h.fleet.Get(vehicleID)
	if err != nil {
		writeError(w, r, h.log, err)
		return false
	}
	if err := access.AllowIn(h.units, u.Subject(), a, v.Unit); err != nil {
		h.deny(w, r, u, err)
		return false
	}
	return true
}

// sees reports whether u's scope covers a vehicle (for filtering lists).
func (h *Hub) sees(u auth.User, vehicleID string) bool {
	v, err := h.fleet.Get(vehicleID)
	return err == nil && access.Sees(h.units, u.Subject(), v.Unit)
}

// asUser adapts a handler that takes the user the guard let in.
func (h *Hub) asUser(fn userHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := auth.Caller(r)
		if u.Username == "" {
			writeError(w, r, h.log, auth.ErrNoSession)
			return
		}
		fn(w, r, u)
	}
}

// serve adapts a handler that returns its error: the error is answered in
// one place, and a denial is audited.
func (h *Hub) serve(fn httpapi.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			if errors.Is(err, access.ErrDenied) {
				h.audit(r, auth.Caller(r), "access.denied", r.Method+" "+r.URL.Path, err.Error())
			}
			writeError(w, r, h.log, err)
		}
	}
}

// decodeJSON reads a bounded, strict JSON body.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("%w: want application/json, got %s", errUnsupported, ct)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return fmt.Errorf("%w: %v", errBadRequest, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data after the JSON object", errBadRequest)
	}
	return nil
}

// readSDP reads a bounded application/sdp body.
func readSDP(w http.ResponseWriter, r *http.Request, contentType string) (string, error) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
		return "", fmt.Errorf("%w: want %s, got %q", errUnsupported, contentType, ct)
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSDP))
	if err != nil {
		return "", err
	}
	return string(data), nil
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
