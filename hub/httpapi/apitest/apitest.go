// Package apitest serves a domain's routes in tests without a whole hub:
// the caller is named by the test, the route's action and vehicle scope
// are checked as the hub's guard checks them, and errors are answered as
// the hub answers them.
package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// Server serves routes to test requests.
type Server struct {
	t     *testing.T
	mux   *http.ServeMux
	scope access.Scope
	users map[string]auth.User
}

// New mounts routes; scope checks a route's vehicle path parameter (its
// Vehicles may be nil when no route has one).
func New(t *testing.T, scope access.Scope, routes []httpapi.Route) *Server {
	s := &Server{t: t, mux: http.NewServeMux(), scope: scope, users: map[string]auth.User{}}
	for _, rt := range routes {
		s.mux.HandleFunc(rt.Method+" "+rt.Pattern, s.handler(rt))
	}
	return s
}

// User registers a caller the tests name by username.
func (s *Server) User(u auth.User) { s.users[u.Username] = u }

func (s *Server) handler(rt httpapi.Route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if rt.Access == httpapi.User || rt.Access == httpapi.Demo {
			u, ok := s.users[r.Header.Get("X-Test-User")]
			if !ok {
				httpapi.WriteError(w, r, nil, auth.ErrNoSession)
				return
			}
			if err := access.Allow(u.Subject(), rt.Action); err != nil {
				httpapi.WriteError(w, r, nil, err)
				return
			}
			if rt.Scope != "" {
				if err := s.scope.AllowVehicle(u.Subject(), rt.Action, r.PathValue(rt.Scope)); err != nil {
					httpapi.WriteError(w, r, nil, err)
					return
				}
			}
			r = r.WithContext(auth.WithCaller(r.Context(), u, auth.Session{}))
		}
		if err := rt.Handle(w, r); err != nil {
			httpapi.WriteError(w, r, nil, err)
		}
	}
}

// Do sends a request as user (empty: anonymous) with body (nil: none; a
// []byte as raw JSON; anything else encoded as JSON) and returns the status
// and body.
func (s *Server) Do(user, method, path string, body any) (int, []byte) {
	s.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case []byte: // raw JSON (a test of malformed bodies); other types go through Serve
		rd, ctype = bytes.NewReader(b), "application/json"
	default:
		data, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(data), "application/json"
	}
	req := httptest.NewRequest(method, path, rd)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// JSON sends a request, requires status want, and decodes the answer into
// out (when not nil).
func (s *Server) JSON(user, method, path string, body any, want int, out any) {
	s.t.Helper()
	status, data := s.Do(user, method, path, body)
	if status != want {
		s.t.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, user, status, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			s.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
}

// Serve sends a request the test built itself (any content type, headers
// such as a bearer token) as user (empty: anonymous).
func (s *Server) Serve(user string, req *http.Request) *httptest.ResponseRecorder {
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, req)
	return rec
}
