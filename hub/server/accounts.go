package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/units"
)

// unitView is a unit in the units API (DESIGN.md: id, name, parent).
type unitView struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
	Level  string `json:"level"`
}

// handleUnits lists the units in the caller's subtree (administrators: all).
func (h *Hub) handleUnits(w http.ResponseWriter, r *http.Request, u auth.User) {
	out := []unitView{}
	for _, un := range h.units.List() {
		if access.Sees(h.units, u.Subject(), un.ID) {
			out = append(out, unitView{ID: un.ID, Name: un.Name, Parent: un.Parent, Level: h.units.Level(un.ID)})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

type unitRequest struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
}

func (h *Hub) handlePutUnit(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req unitRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if id := r.PathValue("id"); id != "" {
		if _, ok := h.units.Get(id); !ok {
			writeError(w, r, h.log, fmt.Errorf("%w: %q", units.ErrUnknown, id))
			return
		}
		req.ID = id
	} else if _, exists := h.units.Get(req.ID); exists {
		writeError(w, r, h.log, fmt.Errorf("%w: unit %q exists", errConflict, req.ID))
		return
	}
	un := units.Unit{ID: req.ID, Name: strings.TrimSpace(req.Name), Parent: req.Parent}
	if err := h.units.Put(un); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "units.put", un.ID, fmt.Sprintf("name=%q parent=%q", un.Name, un.Parent))
	status := http.StatusOK
	if r.Method == http.MethodPost {
		status = http.StatusCreated
	}
	writeJSON(w, status, unitView{ID: un.ID, Name: un.Name, Parent: un.Parent, Level: h.units.Level(un.ID)})
}

func (h *Hub) handleDeleteUnit(w http.ResponseWriter, r *http.Request, u auth.User) {
	id := r.PathValue("id")
	users, err := h.auth.Users()
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	for _, a := range users {
		if a.Unit == id && !a.Retired {
			writeError(w, r, h.log, fmt.Errorf("%w: account %s still belongs to %s", units.ErrInUse, a.Username, id))
			return
		}
	}
	vehicles, err := h.fleet.List()
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	for _, v := range vehicles {
		if v.Unit == id {
			writeError(w, r, h.log, fmt.Errorf("%w: vehicle %s still belongs to %s", units.ErrInUse, v.ID, id))
			return
		}
	}
	if err := h.units.Delete(id); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "units.delete", id, "")
	w.WriteHeader(http.StatusNoContent)
}

// userView is an account in the users API (DESIGN.md: username, unit, roles).
type userView struct {
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

func viewOfUser(a auth.User) userView {
	v := userView{Username: a.Username, Name: a.Name, Unit: a.Unit, Roles: a.Roles, MustChange: a.MustChange,
		Locked: a.Locked, LockReason: a.LockReason, Retired: a.Retired, Created: a.Created.Format(timeFormat)}
	if v.Roles == nil {
		v.Roles = []string{}
	}
	if !a.LastLogin.IsZero() {
		v.LastLogin = a.LastLogin.Format(timeFormat)
	}
	return v
}

// handleUsers lists the accounts of the caller's subtree (administrators: all).
func (h *Hub) handleUsers(w http.ResponseWriter, r *http.Request, u auth.User) {
	all, err := h.auth.Users()
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	out := []userView{}
	for _, a := range all {
		if access.Sees(h.units, u.Subject(), a.Unit) {
			out = append(out, viewOfUser(a))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

type userRequest struct {
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Unit     string   `json:"unit"`
	Roles    []string `json:"roles"`
	Password string   `json:"password"`
}

// checkAccount validates what an administrator sets on an account.
func (h *Hub) checkAccount(req userRequest) error {
	if _, ok := h.units.Get(req.Unit); !ok {
		return fmt.Errorf("%w: unit %q", units.ErrUnknown, req.Unit)
	}
	if len(req.Roles) == 0 {
		return fmt.Errorf("%w: an account needs a role", auth.ErrBadUser)
	}
	for _, role := range req.Roles {
		if !slices.Contains(access.Roles, role) {
			return fmt.Errorf("%w: unknown role %q (one of %s)", auth.ErrBadUser, role, strings.Join(access.Roles, ", "))
		}
	}
	if strings.TrimSpace(req.Name) == "" {
		return fmt.Errorf("%w: an account needs a name", auth.ErrBadUser)
	}
	return nil
}

// handleCreateUser creates an account with an initial password that must
// be changed at the first login, within 30 days.
func (h *Hub) handleCreateUser(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req userRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if err := h.checkAccount(req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if err := auth.CheckPassword(req.Username, req.Password); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if _, err := h.auth.User(req.Username); err == nil {
		writeError(w, r, h.log, fmt.Errorf("%w: account %q exists", errConflict, req.Username))
		return
	}
	acct := auth.User{Username: req.Username, Name: strings.TrimSpace(req.Name), Unit: req.Unit, Roles: req.Roles, MustChange: true}
	if err := h.auth.PutUser(acct, req.Password); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "users.create", acct.Username, fmt.Sprintf("unit=%s roles=%s", acct.Unit, strings.Join(acct.Roles, ",")))
	created, _ := h.auth.User(acct.Username)
	writeJSON(w, http.StatusCreated, viewOfUser(created))
}

// handleUpdateUser changes an account's name, unit or roles.
func (h *Hub) handleUpdateUser(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req userRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	name := r.PathValue("username")
	old, err := h.auth.User(name)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	req.Username = name
	if req.Password != "" {
		writeError(w, r, h.log, fmt.Errorf("%w: reset a password with POST /api/v1/users/%s/password", errBadRequest, name))
		return
	}
	if err := h.checkAccount(req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if old.Retired {
		writeError(w, r, h.log, auth.ErrRetired)
		return
	}
	old.Name, old.Unit, old.Roles = strings.TrimSpace(req.Name), req.Unit, req.Roles
	if err := h.auth.PutUser(old, ""); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "users.update", name, fmt.Sprintf("unit=%s roles=%s", old.Unit, strings.Join(old.Roles, ",")))
	updated, _ := h.auth.User(name)
	writeJSON(w, http.StatusOK, viewOfUser(updated))
}

type userOpRequest struct {
	Reason   string `json:"reason"`
	Password string `json:"password"`
}

// handleUserOp locks, unlocks, retires an account or resets its password.
func (h *Hub) handleUserOp(w http.ResponseWriter, r *http.Request, u auth.User) {
	name := r.PathValue("username")
	op := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	var req userOpRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &req); err != nil {
			writeError(w, r, h.log, err)
			return
		}
	}
	if name == u.Username && op != "password" {
		writeError(w, r, h.log, fmt.Errorf("%w: an administrator cannot %s their own account", errConflict, op))
		return
	}
	if _, err := h.auth.User(name); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	var err error
	detail := req.Reason
	switch op {
	case "lock":
		err = h.auth.Lock(name, strings.TrimSpace(req.Reason))
	case "unlock":
		err = h.auth.Unlock(name)
	case "retire":
		err = h.auth.Retire(name)
	case "password":
		err, detail = h.auth.ResetPassword(name, req.Password), "new initial password"
	default:
		err = errNotFound
	}
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "users."+op, name, detail)
	acct, _ := h.auth.User(name)
	writeJSON(w, http.StatusOK, viewOfUser(acct))
}

type passwordRequest struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// handleChangePassword changes one's own password. The policy is checked
// first, so a user learns what is wanted before being asked again.
func (h *Hub) handleChangePassword(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req passwordRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if err := auth.CheckPassword(u.Username, req.New); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if err := h.auth.ChangePassword(u.Username, req.Old, req.New, auth.CallerSession(r).ID); err != nil {
		if errors.Is(err, auth.ErrBadCredentials) {
			h.audit(r, u, "auth.password_failed", u.Username, "wrong current password")
		}
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "auth.password", u.Username, "changed own password")
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// handleSessions lists one's sessions; an administrator may ask for
// anyone's (?user=NAME) or everyone's (?user=*).
func (h *Hub) handleSessions(w http.ResponseWriter, r *http.Request, u auth.User) {
	who := u.Username
	if q := r.URL.Query().Get("user"); q != "" && q != u.Username {
		if err := access.Allow(u.Subject(), access.UsersAdmin); err != nil {
			h.deny(w, r, u, err)
			return
		}
		who = strings.TrimPrefix(q, "*")
	}
	list, err := h.auth.Sessions(who)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	current := auth.CallerSession(r).ID
	out := make([]map[string]any, 0, len(list))
	for _, s := range list {
		out = append(out, map[string]any{"id": s.ID, "username": s.Username, "created": s.Created.Format(timeFormat),
			"expires": s.Expires.Format(timeFormat), "ip": s.IP, "agent": s.Agent, "current": s.ID == current})
	}
	writeJSON(w, http.StatusOK, out)
}

// handleRevokeSession ends one of one's sessions, or (administrator) anyone's.
func (h *Hub) handleRevokeSession(w http.ResponseWriter, r *http.Request, u auth.User) {
	s, err := h.auth.Session(r.PathValue("id"))
	if err != nil {
		writeError(w, r, h.log, fmt.Errorf("%w: no such session", errNotFound))
		return
	}
	if s.Username != u.Username {
		if err := access.Allow(u.Subject(), access.UsersAdmin); err != nil {
			h.deny(w, r, u, err)
			return
		}
	}
	if err := h.auth.RevokeSession(s.ID); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "auth.revoke_session", s.Username, "session from "+s.IP)
	w.WriteHeader(http.StatusNoContent)
}

// handleIssueCredential gives a vehicle a new device token, shown once.
func (h *Hub) handleIssueCredential(w http.ResponseWriter, r *http.Request, u auth.User) {
	id := r.PathValue("vehicle")
	tok, err := h.auth.IssueVehicleToken(id)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "vehicles.credential_issue", id, "new device token")
	writeJSON(w, http.StatusCreated, map[string]any{"vehicle": id, "token": tok})
}

// handleRevokeCredentials revokes every token of a vehicle and drops its
// control connection.
func (h *Hub) handleRevokeCredentials(w http.ResponseWriter, r *http.Request, u auth.User) {
	id := r.PathValue("vehicle")
	n, err := h.auth.RevokeVehicle(id)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.control.Disconnect(id)
	h.audit(r, u, "vehicles.credential_revoke", id, fmt.Sprintf("%d token(s) revoked", n))
	writeJSON(w, http.StatusOK, map[string]any{"vehicle": id, "revoked": n})
}

// handleAuditExport streams the whole audit log as JSON lines, followed by
// a line with the chain's check, for an administrator to keep or hand over.
func (h *Hub) handleAuditExport(w http.ResponseWriter, r *http.Request, u auth.User) {
	h.audit(r, u, "audit.export", "audit", "")
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.jsonl"`)
	enc := json.NewEncoder(w)
	err := h.auditLog.Each(func(rec any) error { return enc.Encode(rec) })
	verr := h.auditLog.Verify()
	check := map[string]any{"chain_ok": err == nil && verr == nil}
	if verr != nil {
		check["error"] = verr.Error()
	}
	_ = enc.Encode(check)
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (h *Hub) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	token, u, sess, err := h.auth.Login(req.Username, req.Password, clientIP(r), r.UserAgent())
	if err != nil {
		h.log.Warn("login failed", "username", req.Username, "ip", clientIP(r), "err", err)
		who := auth.User{Username: req.Username}
		if acct, uerr := h.auth.User(req.Username); uerr == nil {
			who.Unit = acct.Unit
		}
		h.audit(r, who, "auth.login_failed", req.Username, classify(err).code)
		writeError(w, r, h.log, err)
		return
	}
	h.log.Info("login", "username", u.Username, "ip", clientIP(r))
	h.audit(r, u, "auth.login", u.Username, r.UserAgent())
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", Expires: sess.Expires,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: h.TLS(),
	})
	writeJSON(w, http.StatusOK, map[string]any{"token": token, "user": u, "expires": sess.Expires.Format(time.RFC3339)})
}

func (h *Hub) handleLogout(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := h.auth.Logout(userToken(r)); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "auth.logout", u.Username, "")
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (h *Hub) handleMe(w http.ResponseWriter, r *http.Request, u auth.User) {
	writeJSON(w, http.StatusOK, u)
}

func (h *Hub) handleAudit(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := audit.Query{User: r.URL.Query().Get("user"), Action: r.URL.Query().Get("action"), Object: r.URL.Query().Get("object")}
	for _, b := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := r.URL.Query().Get(b.name); s != "" {
			t, err := parseTime(s, b.name)
			if err != nil {
				writeError(w, r, h.log, err)
				return
			}
			*b.dst = t
		}
	}
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 5000 {
			writeError(w, r, h.log, fmt.Errorf("%w: limit must be 1 to 5000", errBadRequest))
			return
		}
		q.Limit = n
	}
	recs, err := h.auditLog.Search(q)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if recs == nil {
		recs = []audit.Record{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": recs, "chain_ok": h.auditLog.Verify() == nil})
}
