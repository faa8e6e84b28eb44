package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
	"fieldwatch/internal/errkind"
)

// LoginRequest is a login's body.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// LoginResponse is a login's answer: the bearer token (also set as the
// session cookie), the user, and when the session ends (RFC 3339).
type LoginResponse struct {
	Expires string `json:"expires"`
	Token   string `json:"token"`
	User    User   `json:"user"`
}

// login checks a password and opens a session; a failure is audited with
// its error code.
func (a *API) login(w http.ResponseWriter, r *http.Request) error {
	var req LoginRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ip := httpapi.ClientIP(r)
	token, u, sess, err := a.p.Service.LoginContext(r.Context(), req.Username, req.Password, ip, r.UserAgent())
	if err != nil {
		if errors.Is(err, ErrBusy) || errors.Is(err, ErrRateLimited) || errors.Is(err, errCancelled) {
			// The password was not checked: nothing to audit, and a flood
			// must not turn into as many audit records.
			a.p.Logger.Info("login refused", "username", req.Username, "ip", ip, "err", err)
			return retryAfter(w, err)
		}
		a.p.Logger.Warn("login failed", "username", req.Username, "ip", ip, "err", err)
		who := User{Username: req.Username}
		if acct, uerr := a.p.Service.User(req.Username); uerr == nil {
			who.Unit = acct.Unit
		}
		_, code, _ := errkind.Of(err)
		a.p.Audit.Record(r, who, "auth.login_failed", req.Username, code)
		return retryAfter(w, err)
	}
	a.p.Logger.Info("login", "username", u.Username, "ip", ip)
	a.p.Audit.Record(r, u, "auth.login", u.Username, r.UserAgent())
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", Expires: sess.Expires,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: a.p.SecureCookie,
	})
	return httpapi.OK(w, LoginResponse{Token: token, User: u, Expires: sess.Expires.Format(time.RFC3339)})
}

// retryAfter tells a refused (429) client when to come back, and returns err.
func retryAfter(w http.ResponseWriter, err error) error {
	if d, ok := RetryAfter(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds(d)))
	}
	return err
}

// logout ends the caller's session and clears the cookie.
func (a *API) logout(w http.ResponseWriter, r *http.Request) error {
	u := Caller(r)
	if err := a.p.Service.Logout(RequestToken(r)); err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "auth.logout", u.Username, "")
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return httpapi.OK(w, OKResponse{OK: true})
}

// me is the logged-in user.
func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	return httpapi.OK(w, Caller(r))
}

// PasswordRequest changes one's own password.
type PasswordRequest struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// changePassword changes one's own password. The policy is checked first,
// so a user learns what is wanted before being asked again.
func (a *API) changePassword(w http.ResponseWriter, r *http.Request) error {
	u := Caller(r)
	var req PasswordRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := CheckPassword(u.Username, req.New); err != nil {
		return err
	}
	if err := a.p.Service.ChangePassword(r.Context(), u.Username, req.Old, req.New, CallerSession(r).ID); err != nil {
		if errors.Is(err, ErrBadCredentials) {
			a.p.Audit.Record(r, u, "auth.password_failed", u.Username, "wrong current password")
		}
		return retryAfter(w, err)
	}
	a.p.Audit.Record(r, u, "auth.password", u.Username, "changed own password")
	return httpapi.OK(w, OKResponse{OK: true})
}

// SessionView is an open session as listed.
type SessionView struct {
	Agent    string `json:"agent"`
	Created  string `json:"created"`
	Current  bool   `json:"current"`
	Expires  string `json:"expires"`
	ID       string `json:"id"`
	IP       string `json:"ip"`
	Username string `json:"username"`
}

// sessions lists one's sessions; an administrator may ask for anyone's
// (?user=NAME) or everyone's (?user=*).
func (a *API) sessions(w http.ResponseWriter, r *http.Request) error {
	u := Caller(r)
	who := u.Username
	if q := r.URL.Query().Get("user"); q != "" && q != u.Username {
		if err := access.Allow(u.Subject(), access.UsersAdmin); err != nil {
			return err
		}
		who = strings.TrimPrefix(q, "*")
	}
	list, err := a.p.Service.Sessions(who)
	if err != nil {
		return err
	}
	current := CallerSession(r).ID
	out := make([]SessionView, 0, len(list))
	for _, s := range list {
		out = append(out, SessionView{ID: s.ID, Username: s.Username, Created: s.Created.Format(time.RFC3339),
			Expires: s.Expires.Format(time.RFC3339), IP: s.IP, Agent: s.Agent, Current: s.ID == current})
	}
	return httpapi.OK(w, out)
}

// revokeSession ends one of one's sessions, or (administrator) anyone's.
func (a *API) revokeSession(w http.ResponseWriter, r *http.Request) error {
	u := Caller(r)
	s, err := a.p.Service.Session(r.PathValue("id"))
	if err != nil {
		return fmt.Errorf("%w: no such session", httpapi.ErrNotFound)
	}
	if s.Username != u.Username {
		if err := access.Allow(u.Subject(), access.UsersAdmin); err != nil {
			return err
		}
	}
	if err := a.p.Service.RevokeSession(s.ID); err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "auth.revoke_session", s.Username, "session from "+s.IP)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// CredentialIssued is a new device token, shown once.
type CredentialIssued struct {
	Token   string `json:"token"`
	Vehicle string `json:"vehicle"`
}

// issueCredential gives a vehicle a new device token, shown once.
func (a *API) issueCredential(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("vehicle")
	tok, err := a.p.Service.IssueVehicleToken(id)
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, Caller(r), "vehicles.credential_issue", id, "new device token")
	return httpapi.Created(w, CredentialIssued{Vehicle: id, Token: tok})
}

// CredentialsRevoked says how many device tokens of a vehicle were revoked.
type CredentialsRevoked struct {
	Revoked int    `json:"revoked"`
	Vehicle string `json:"vehicle"`
}

// revokeCredentials revokes every token of a vehicle and drops its
// control connection.
func (a *API) revokeCredentials(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("vehicle")
	n, err := a.p.Service.RevokeVehicle(id)
	if err != nil {
		return err
	}
	if a.p.Links != nil {
		a.p.Links.Disconnect(id)
	}
	a.p.Audit.Record(r, Caller(r), "vehicles.credential_revoke", id, fmt.Sprintf("%d token(s) revoked", n))
	return httpapi.OK(w, CredentialsRevoked{Vehicle: id, Revoked: n})
}
