package server

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
	"fieldwatch/internal/errkind"
)

// guard authenticates a user route's caller (bearer token or session
// cookie) and applies the access policy before the handler runs: the
// role must allow the route's action, and the vehicle the route is about
// must lie in the user's unit subtree. An account that must change its
// password may do nothing else. A state-changing request a page of another
// origin made the browser send is refused first. Every denial, the guard's or a handler's,
// is audited once.
func (h *Hub) guard(rt httpapi.Route, next httpapi.Handler) httpapi.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := httpapi.SameOrigin(r); err != nil {
			return err
		}
		u, sess, err := h.auth.Authenticate(auth.RequestToken(r))
		if err != nil {
			return err
		}
		r = r.WithContext(auth.WithCaller(r.Context(), u, sess))
		if u.MustChange && rt.Action != access.Self {
			return auth.ErrMustChange
		}
		if err := access.Allow(u.Subject(), rt.Action); err != nil {
			return h.denied(r, err)
		}
		if rt.Scope != "" {
			unit, err := h.fleet.UnitOf(r.PathValue(rt.Scope))
			if err != nil {
				return err
			}
			if err := access.AllowIn(h.units, u.Subject(), rt.Action, unit); err != nil {
				return h.denied(r, err)
			}
		}
		if err := next(w, r); err != nil {
			if errors.Is(err, access.ErrDenied) {
				return h.denied(r, err) // a unit or vehicle named in a body or record
			}
			return err
		}
		return nil
	}
}

// serve gives the request its read deadline (the route's, or the hub's
// for API calls, so a client trickling its body is cut off) and answers a
// handler's error in one place.
func (h *Hub) serve(rt httpapi.Route, fn httpapi.Handler) http.HandlerFunc {
	read := rt.ReadTimeout
	if read == 0 {
		read = h.cfg.HTTP.ReadTimeout
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if read > 0 {
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(read))
		}
		if err := fn(w, r); err != nil {
			httpapi.WriteError(w, r, h.log, err)
		}
	}
}

// denied writes a denial to the audit log once and returns it.
func (h *Hub) denied(r *http.Request, err error) error {
	var d *auditedDenial
	if errors.As(err, &d) {
		return err
	}
	h.auditLog.Record(r, auth.Caller(r), "access.denied", r.Method+" "+r.URL.Path, err.Error())
	return &auditedDenial{err}
}

// auditedDenial marks a denial already in the audit log.
type auditedDenial struct{ error }

func (d *auditedDenial) Unwrap() error { return d.error }

// errScraper: /metrics names every vehicle and camera, so it answers only
// a scraper with the configured token, or the hub's own machine.
var errScraper = errkind.WithPublic(errkind.Unauthenticated, "unauthenticated", "metrics: not a scraper",
	"send the metrics token (http.metrics_token) as a bearer token")

// scraper admits a request for /metrics.
func (h *Hub) scraper(r *http.Request) error {
	if tok := h.cfg.HTTP.MetricsToken; tok != "" {
		if subtle.ConstantTimeCompare([]byte(httpapi.Bearer(r)), []byte(tok)) == 1 {
			return nil
		}
		return errScraper
	}
	if ip := net.ParseIP(httpapi.ClientIP(r)); ip != nil && ip.IsLoopback() {
		return nil
	}
	return errScraper
}
