package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"fieldwatch/hub/auth"
)

// sessionCookie carries the console's session token.
const sessionCookie = "fieldwatch_session"

// Body limits.
const (
	maxSDP  = 64 << 10
	maxJSON = 16 << 10
)

type ctxKey int

const userKey ctxKey = 0

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

// withUser authenticates a user (bearer token or session cookie).
func (h *Hub) withUser(next func(w http.ResponseWriter, r *http.Request, u auth.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, _, err := h.auth.Authenticate(userToken(r))
		if err != nil {
			writeError(w, r, h.log, err)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), userKey, u)), u)
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
