package auth

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/units"
)

// UserView is an account in the users API (username, unit, roles, state).
type UserView struct {
	Username   string   `json:"username"`
	Name       string   `json:"name"`
	Unit       string   `json:"unit"`
	Roles      []string `json:"roles"`
	MustChange bool     `json:"must_change"`
	Locked     bool     `json:"locked"`
	LockReason string   `json:"lock_reason,omitempty"`
	Retired    bool     `json:"retired"`
	Created    string   `json:"created"`
	LastLogin  string   `json:"last_login,omitempty"`
}

// ViewOf is an account as the users API shows it.
func ViewOf(a User) UserView {
	v := UserView{Username: a.Username, Name: a.Name, Unit: a.Unit, Roles: a.Roles, MustChange: a.MustChange,
		Locked: a.Locked, LockReason: a.LockReason, Retired: a.Retired, Created: a.Created.Format(time.RFC3339)}
	if v.Roles == nil {
		v.Roles = []string{}
	}
	if !a.LastLogin.IsZero() {
		v.LastLogin = a.LastLogin.Format(time.RFC3339)
	}
	return v
}

// users lists the accounts of the caller's subtree (administrators: all).
func (a *API) users(w http.ResponseWriter, r *http.Request) error {
	u := Caller(r)
	all, err := a.p.Service.Users()
	if err != nil {
		return err
	}
	out := []UserView{}
	for _, acct := range all {
		if access.Sees(a.p.Units, u.Subject(), acct.Unit) {
			out = append(out, ViewOf(acct))
		}
	}
	return httpapi.OK(w, out)
}

// UserRequest creates or changes an account.
type UserRequest struct {
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Unit     string   `json:"unit"`
	Roles    []string `json:"roles"`
	Password string   `json:"password"`
}

// checkAccount validates what an administrator sets on an account.
func (a *API) checkAccount(req UserRequest) error {
	if _, ok := a.p.Units.Get(req.Unit); !ok {
		return fmt.Errorf("%w: unit %q", units.ErrUnknown, req.Unit)
	}
	if len(req.Roles) == 0 {
		return fmt.Errorf("%w: an account needs a role", ErrBadUser)
	}
	for _, role := range req.Roles {
		if !slices.Contains(access.Roles, role) {
			return fmt.Errorf("%w: unknown role %q (one of %s)", ErrBadUser, role, strings.Join(access.Roles, ", "))
		}
	}
	if strings.TrimSpace(req.Name) == "" {
		return fmt.Errorf("%w: an account needs a name", ErrBadUser)
	}
	return nil
}

// createUser creates an account with an initial password that must be
// changed at the first login, within 30 days.
func (a *API) createUser(w http.ResponseWriter, r *http.Request) error {
	var req UserRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := a.checkAccount(req); err != nil {
		return err
	}
	if err := CheckPassword(req.Username, req.Password); err != nil {
		return err
	}
	if _, err := a.p.Service.User(req.Username); err == nil {
		return fmt.Errorf("%w: account %q exists", errConflict, req.Username)
	}
	acct := User{Username: req.Username, Name: strings.TrimSpace(req.Name), Unit: req.Unit, Roles: req.Roles, MustChange: true}
	if err := a.p.Service.PutUser(acct, req.Password); err != nil {
		return retryAfter(w, err)
	}
	a.p.Audit.Record(r, Caller(r), "users.create", acct.Username, fmt.Sprintf("unit=%s roles=%s", acct.Unit, strings.Join(acct.Roles, ",")))
	created, _ := a.p.Service.User(acct.Username)
	return httpapi.Created(w, ViewOf(created))
}

// updateUser changes an account's name, unit or roles.
func (a *API) updateUser(w http.ResponseWriter, r *http.Request) error {
	var req UserRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	name := r.PathValue("username")
	old, err := a.p.Service.User(name)
	if err != nil {
		return err
	}
	req.Username = name
	if req.Password != "" {
		return httpapi.BadRequest("reset a password with POST /api/v1/users/%s/password", name)
	}
	if err := a.checkAccount(req); err != nil {
		return err
	}
	if old.Retired {
		return ErrRetired
	}
	old.Name, old.Unit, old.Roles = strings.TrimSpace(req.Name), req.Unit, req.Roles
	if err := a.p.Service.PutUser(old, ""); err != nil {
		return err
	}
	a.p.Audit.Record(r, Caller(r), "users.update", name, fmt.Sprintf("unit=%s roles=%s", old.Unit, strings.Join(old.Roles, ",")))
	updated, _ := a.p.Service.User(name)
	return httpapi.OK(w, ViewOf(updated))
}

// UserOpRequest is the optional body of an administrator's operation on
// an account: a lock's reason, a reset's new initial password.
type UserOpRequest struct {
	Reason   string `json:"reason"`
	Password string `json:"password"`
}

// userOp locks, unlocks, retires an account or resets its password.
func (a *API) userOp(w http.ResponseWriter, r *http.Request) error {
	u := Caller(r)
	name := r.PathValue("username")
	op := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	var req UserOpRequest
	if r.ContentLength != 0 {
		if err := httpapi.DecodeJSON(w, r, &req); err != nil {
			return err
		}
	}
	if name == u.Username && op != "password" {
		return fmt.Errorf("%w: an administrator cannot %s their own account", errConflict, op)
	}
	if _, err := a.p.Service.User(name); err != nil {
		return err
	}
	var err error
	detail := req.Reason
	switch op {
	case "lock":
		err = a.p.Service.Lock(name, strings.TrimSpace(req.Reason))
	case "unlock":
		err = a.p.Service.Unlock(name)
	case "retire":
		err = a.p.Service.Retire(name)
	case "password":
		err, detail = a.p.Service.ResetPassword(r.Context(), name, req.Password), "new initial password"
	default:
		err = httpapi.ErrNotFound
	}
	if err != nil {
		return retryAfter(w, err)
	}
	a.p.Audit.Record(r, u, "users."+op, name, detail)
	acct, _ := a.p.Service.User(name)
	return httpapi.OK(w, ViewOf(acct))
}
