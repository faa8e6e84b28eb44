package auth_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/store"
	"fieldwatch/hub/units"
)

// auditRec keeps what the handlers audit.
type auditRec struct {
	mu      sync.Mutex
	actions []string
}

func (a *auditRec) Record(_ *http.Request, who audit.Actor, action, object, detail string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	user, _ := who.AuditName()
	a.actions = append(a.actions, user+" "+action+" "+object)
}

func (a *auditRec) has(want string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, x := range a.actions {
		if x == want {
			return true
		}
	}
	return false
}

// vehicles: xe-01 belongs to cc-a.
type vehicles struct{}

func (vehicles) UnitOf(v string) (string, error) {
	if v == "xe-01" {
		return "cc-a", nil
	}
	return "", errors.New("unknown vehicle")
}

type links struct{ dropped []string }

func (l *links) Disconnect(v string) { l.dropped = append(l.dropped, v) }

type fixture struct {
	s     *apitest.Server
	svc   *auth.Service
	audit *auditRec
	links *links
}

func newFixture(t *testing.T) fixture { t.Helper(); return newFixtureWith(t, nil) }

// newFixtureWith lets a test set more of the service's Params.
func newFixtureWith(t *testing.T, more func(*auth.Params)) fixture {
	t.Helper()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tree, err := units.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []units.Unit{{ID: "cuc", Name: "Cục"}, {ID: "cc-a", Name: "Chi cục A", Parent: "cuc"}, {ID: "cc-b", Name: "Chi cục B", Parent: "cuc"}} {
		if err := tree.Put(u, "test"); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	p := auth.Params{BcryptCost: bcrypt.MinCost, Now: func() time.Time { return now }}
	if more != nil {
		more(&p)
	}
	svc := auth.New(db, p)
	f := fixture{svc: svc, audit: &auditRec{}, links: &links{}}
	api := auth.NewAPI(auth.APIParams{Service: svc, Units: tree, Audit: f.audit, Links: f.links})
	f.s = apitest.New(t, access.Scope{Tree: tree, Vehicles: vehicles{}}, api.Routes())
	for _, u := range []auth.User{
		{Username: "admin", Name: "QT", Unit: "cuc", Roles: []string{auth.RoleAdmin}},
		{Username: "lanhdao.a", Name: "LĐ A", Unit: "cc-a", Roles: []string{auth.RoleLeader}},
		{Username: "trucban.b", Name: "TB B", Unit: "cc-b", Roles: []string{auth.RoleDuty}},
	} {
		if err := svc.PutUser(u, "mat-khau-chung-2026"); err != nil {
			t.Fatal(err)
		}
		f.s.User(u)
	}
	return f
}

func TestCreateUpdateAndOperateAccounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	status, body := f.s.Do("admin", "POST", "/api/v1/users", map[string]any{"username": "moi", "name": "Cán bộ mới", "unit": "cc-a", "roles": []string{"duty"}, "password": "ngan"})
	if status != 400 || !strings.Contains(string(body), `"code":"weak_password"`) || !strings.Contains(string(body), `"reason":"too_short"`) {
		t.Fatalf("weak initial password: %d %s", status, body)
	}
	if status, body := f.s.Do("admin", "POST", "/api/v1/users", map[string]any{"username": "moi", "name": "Cán bộ mới", "unit": "khong-co", "roles": []string{"duty"}, "password": "mat khau ban dau 2026"}); status != 400 || !strings.Contains(string(body), `"code":"invalid"`) {
		t.Fatalf("unknown unit: %d %s", status, body)
	}
	var v auth.UserView
	f.s.JSON("admin", "POST", "/api/v1/users", map[string]any{"username": "moi", "name": "Cán bộ mới", "unit": "cc-a", "roles": []string{"duty"}, "password": "mat khau ban dau 2026"}, 201, &v)
	if !v.MustChange || v.Unit != "cc-a" || v.Created == "" {
		t.Fatalf("created: %+v", v)
	}
	if status, body := f.s.Do("admin", "POST", "/api/v1/users", map[string]any{"username": "moi", "name": "X", "unit": "cc-a", "roles": []string{"duty"}, "password": "mat khau ban dau 2026"}); status != 409 || !strings.Contains(string(body), `"code":"conflict"`) {
		t.Fatalf("again: %d %s", status, body)
	}
	if status, _ := f.s.Do("lanhdao.a", "POST", "/api/v1/users", map[string]any{"username": "x2", "name": "X", "unit": "cc-a", "roles": []string{"duty"}, "password": "mat khau ban dau 2026"}); status != 403 {
		t.Fatalf("a leader created an account: %d", status)
	}
	f.s.JSON("admin", "PUT", "/api/v1/users/moi", map[string]any{"name": "Cán bộ", "unit": "cc-b", "roles": []string{"duty", "surveillance"}}, 200, &v)
	if v.Unit != "cc-b" || len(v.Roles) != 2 {
		t.Fatalf("updated: %+v", v)
	}
	if status, _ := f.s.Do("admin", "PUT", "/api/v1/users/moi", map[string]any{"name": "Cán bộ", "unit": "cc-b", "roles": []string{"duty"}, "password": "x"}); status != 400 {
		t.Fatalf("password through an update: %d", status)
	}
	if status, body := f.s.Do("admin", "PUT", "/api/v1/users/khong-co", map[string]any{"name": "X", "unit": "cc-b", "roles": []string{"duty"}}); status != 404 || !strings.Contains(string(body), "unknown_user") {
		t.Fatalf("unknown account: %d %s", status, body)
	}
	f.s.JSON("admin", "POST", "/api/v1/users/moi/lock", map[string]any{"reason": "mất thiết bị"}, 200, &v)
	if !v.Locked || v.LockReason != "mất thiết bị" {
		t.Fatalf("locked: %+v", v)
	}
	f.s.JSON("admin", "POST", "/api/v1/users/moi/unlock", nil, 200, &v)
	if v.Locked {
		t.Fatalf("unlocked: %+v", v)
	}
	f.s.JSON("admin", "POST", "/api/v1/users/moi/password", map[string]any{"password": "mat khau cap lai 2026"}, 200, &v)
	if status, body := f.s.Do("admin", "POST", "/api/v1/users/admin/lock", nil); status != 409 || !strings.Contains(string(body), "cannot lock their own account") {
		t.Fatalf("own account: %d %s", status, body)
	}
	f.s.JSON("admin", "POST", "/api/v1/users/moi/retire", nil, 200, &v)
	if !v.Retired {
		t.Fatalf("retired: %+v", v)
	}
	if status, body := f.s.Do("admin", "PUT", "/api/v1/users/moi", map[string]any{"name": "Cán bộ", "unit": "cc-b", "roles": []string{"duty"}}); status != 409 || !strings.Contains(string(body), `"code":"retired"`) {
		t.Fatalf("update of a retired account: %d %s", status, body)
	}
	for _, want := range []string{"admin users.create moi", "admin users.update moi", "admin users.lock moi", "admin users.unlock moi", "admin users.password moi", "admin users.retire moi"} {
		if !f.audit.has(want) {
			t.Errorf("audit lacks %q: %v", want, f.audit.actions)
		}
	}
}

func TestUsersAreScopedAndSessionsOwned(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var list []auth.UserView
	f.s.JSON("lanhdao.a", "GET", "/api/v1/users", nil, 200, &list)
	if len(list) != 1 || list[0].Username != "lanhdao.a" {
		t.Errorf("a cc-a leader sees: %+v", list)
	}
	f.s.JSON("admin", "GET", "/api/v1/users", nil, 200, &list)
	if len(list) != 3 {
		t.Errorf("the administrator sees: %+v", list)
	}
	_, _, sessB, err := f.svc.Login("trucban.b", "mat-khau-chung-2026", "10.0.0.9", "console")
	if err != nil {
		t.Fatal(err)
	}
	var sessions []auth.SessionView
	f.s.JSON("trucban.b", "GET", "/api/v1/sessions", nil, 200, &sessions)
	if len(sessions) != 1 || sessions[0].ID != sessB.ID || sessions[0].IP != "10.0.0.9" {
		t.Fatalf("own sessions: %+v", sessions)
	}
	if status, _ := f.s.Do("lanhdao.a", "GET", "/api/v1/sessions?user=trucban.b", nil); status != 403 {
		t.Errorf("someone else's sessions: %d", status)
	}
	if status, _ := f.s.Do("lanhdao.a", "DELETE", "/api/v1/sessions/"+sessB.ID, nil); status != 403 {
		t.Errorf("someone else's session ended: %d", status)
	}
	if status, _ := f.s.Do("lanhdao.a", "DELETE", "/api/v1/sessions/khong-co", nil); status != 404 {
		t.Errorf("unknown session: %d", status)
	}
	f.s.JSON("admin", "GET", "/api/v1/sessions?user=*", nil, 200, &sessions)
	if len(sessions) != 1 {
		t.Errorf("everyone's sessions: %+v", sessions)
	}
	if status, _ := f.s.Do("admin", "DELETE", "/api/v1/sessions/"+sessB.ID, nil); status != 204 {
		t.Errorf("the administrator ends a session: %d", status)
	}
	if list, _ := f.svc.Sessions("trucban.b"); len(list) != 0 {
		t.Errorf("session survived: %+v", list)
	}
	if !f.audit.has("admin auth.revoke_session trucban.b") {
		t.Errorf("audit: %v", f.audit.actions)
	}
}

func TestLoginLogoutAndPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	status, body := f.s.Do("", "POST", "/api/v1/auth/login", map[string]any{"username": "trucban.b", "password": "sai mat khau roi"})
	if status != 401 || !strings.Contains(string(body), `"code":"bad_credentials"`) || !strings.Contains(string(body), `"message":"wrong username or password"`) {
		t.Fatalf("wrong password: %d %s", status, body)
	}
	var resp auth.LoginResponse
	f.s.JSON("", "POST", "/api/v1/auth/login", map[string]any{"username": "trucban.b", "password": "mat-khau-chung-2026"}, 200, &resp)
	if resp.Token == "" || resp.User.Username != "trucban.b" || resp.User.Hash != nil || resp.Expires == "" {
		t.Fatalf("login: %+v", resp)
	}
	if _, _, err := f.svc.Authenticate(resp.Token); err != nil {
		t.Fatal(err)
	}
	if status, body := f.s.Do("trucban.b", "POST", "/api/v1/me/password", map[string]any{"old": "sai", "new": "ngan"}); status != 400 || !strings.Contains(string(body), "too_short") {
		t.Errorf("weak new password: %d %s", status, body)
	}
	if status, body := f.s.Do("trucban.b", "POST", "/api/v1/me/password", map[string]any{"old": "sai mat khau cu", "new": "mot mat khau dai 2026"}); status != 401 {
		t.Errorf("wrong old password: %d %s", status, body)
	}
	f.s.JSON("trucban.b", "POST", "/api/v1/me/password", map[string]any{"old": "mat-khau-chung-2026", "new": "mot mat khau dai 2026"}, 200, nil)
	if _, _, err := f.svc.Authenticate(resp.Token); err == nil {
		t.Error("a password change left another session open")
	}
	var me auth.User
	f.s.JSON("trucban.b", "GET", "/api/v1/me", nil, 200, &me)
	if me.Username != "trucban.b" {
		t.Errorf("me: %+v", me)
	}
	for _, want := range []string{"trucban.b auth.login_failed trucban.b", "trucban.b auth.login trucban.b", "trucban.b auth.password_failed trucban.b", "trucban.b auth.password trucban.b"} {
		if !f.audit.has(want) {
			t.Errorf("audit lacks %q: %v", want, f.audit.actions)
		}
	}
}

func TestVehicleCredentials(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var issued auth.CredentialIssued
	f.s.JSON("admin", "POST", "/api/v1/vehicles/xe-01/credentials", nil, 201, &issued)
	if id, err := f.svc.Vehicle(issued.Token); err != nil || id != "xe-01" || issued.Vehicle != "xe-01" {
		t.Fatalf("issued token: %v %q %+v", err, id, issued)
	}
	var revoked auth.CredentialsRevoked
	f.s.JSON("admin", "DELETE", "/api/v1/vehicles/xe-01/credentials", nil, 200, &revoked)
	if revoked.Revoked != 1 || len(f.links.dropped) != 1 {
		t.Fatalf("revoked: %+v %v", revoked, f.links.dropped)
	}
	if _, err := f.svc.Vehicle(issued.Token); err == nil {
		t.Fatal("a revoked token works")
	}
}
