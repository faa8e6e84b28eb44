package server

import (
	"encoding/json"
	"strings"
	"testing"

	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
)

func loginAs(t *testing.T, h *Hub, username, pw string) string {
	t.Helper()
	tok, _, _, err := h.auth.Login(username, pw, "", "")
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return tok
}

// A new account may only change its password; once changed, it works.
func TestNewAccountMustChangePasswordFirst(t *testing.T) {
	h, srv := newTestHub(t)
	if err := h.auth.PutUser(auth.User{Username: "admin.a", Name: "QT", Unit: "cuc", Roles: []string{auth.RoleAdmin}}, password); err != nil {
		t.Fatal(err)
	}
	admin := loginAs(t, h, "admin.a", password)
	login(t, srv) // through HTTP, so it is audited
	do(t, "POST", srv.URL+"/api/v1/auth/login", "", "application/json", `{"username":"trucban","password":"sai mat khau roi"}`)
	status, body := do(t, "POST", srv.URL+"/api/v1/users", admin, "application/json",
		`{"username":"moi","name":"Cán bộ mới","unit":"cc-a","roles":["duty"],"password":"ngan"}`)
	if status != 400 || !strings.Contains(body, "weak_password") || !strings.Contains(body, `"reason":"too_short"`) {
		t.Fatalf("weak initial password: %d %s", status, body)
	}
	status, body = do(t, "POST", srv.URL+"/api/v1/users", admin, "application/json",
		`{"username":"moi","name":"Cán bộ mới","unit":"cc-a","roles":["duty"],"password":"mat khau ban dau 2026"}`)
	if status != 201 || !strings.Contains(body, `"must_change":true`) {
		t.Fatalf("create: %d %s", status, body)
	}
	tok := loginAs(t, h, "moi", "mat khau ban dau 2026")
	for _, path := range []string{"/api/v1/vehicles", "/api/v1/units", "/api/v1/archive/holds"} {
		if status, body := do(t, "GET", srv.URL+path, tok, "", ""); status != 403 || !strings.Contains(body, "password_change_required") {
			t.Errorf("%s before the change: %d %s", path, status, body)
		}
	}
	if status, _ := do(t, "GET", srv.URL+"/api/v1/me", tok, "", ""); status != 200 {
		t.Errorf("me before the change: %d", status)
	}
	status, body = do(t, "POST", srv.URL+"/api/v1/me/password", tok, "application/json",
		`{"old":"mat khau ban dau 2026","new":"mat khau rieng cua toi 7"}`)
	if status != 200 {
		t.Fatalf("change: %d %s", status, body)
	}
	if status, body := do(t, "GET", srv.URL+"/api/v1/vehicles", tok, "", ""); status != 200 || !strings.Contains(body, "xe-01") || strings.Contains(body, "xe-02") {
		t.Errorf("after the change, a cc-a officer sees cc-a's vehicles only: %d %s", status, body)
	}
	// The administrator's actions and the login are in the audit log.
	recs, err := h.auditLog.Search(audit.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range recs {
		actions = append(actions, r.Action)
	}
	for _, want := range []string{"users.create", "auth.password", "auth.login", "auth.login_failed"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("audit lacks %s: %v", want, actions)
		}
	}
}

// Units and users are listed within the caller's subtree.
func TestUnitsAndUsersAreScoped(t *testing.T) {
	h, srv := newTestHub(t)
	for _, u := range []auth.User{
		{Username: "lanhdao.a", Name: "LĐ A", Unit: "cc-a", Roles: []string{auth.RoleLeader}},
		{Username: "trucban.b", Name: "TB B", Unit: "cc-b", Roles: []string{auth.RoleDuty}},
	} {
		if err := h.auth.PutUser(u, password); err != nil {
			t.Fatal(err)
		}
	}
	check := func(who, path string, want, notWant []string) {
		t.Helper()
		status, body := do(t, "GET", srv.URL+path, loginAs(t, h, who, password), "", "")
		if status != 200 {
			t.Fatalf("%s %s: %d", who, path, status)
		}
		var list []map[string]any
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(body, `"`+w+`"`) {
				t.Errorf("%s %s lacks %s: %s", who, path, w, body)
			}
		}
		for _, w := range notWant {
			if strings.Contains(body, `"`+w+`"`) {
				t.Errorf("%s %s shows %s: %s", who, path, w, body)
			}
		}
	}
	check("lanhdao.a", "/api/v1/units", []string{"cc-a", "doi-a"}, []string{"cc-b", "tong-cuc"})
	check("lanhdao.a", "/api/v1/users", []string{"lanhdao.a"}, []string{"trucban.b", "trucban"})
	check("trucban", "/api/v1/users", []string{"lanhdao.a", "trucban.b"}, nil)
	check("trucban.b", "/api/v1/vehicles", []string{"xe-02"}, []string{"xe-01"})
	_, body := do(t, "GET", srv.URL+"/api/v1/units", loginAs(t, h, "trucban", password), "", "")
	if !strings.Contains(body, `"level":"Chi cục"`) || !strings.Contains(body, `"parent":"cuc"`) {
		t.Errorf("unit shape: %s", body)
	}
}
