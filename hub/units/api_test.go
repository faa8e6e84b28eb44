package units_test

import (
	"net/http"
	"strings"
	"testing"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/store"
	"fieldwatch/hub/units"
)

type auditRec struct{ actions []string }

func (a *auditRec) Record(_ *http.Request, who audit.Actor, action, object, _ string) {
	user, _ := who.AuditName()
	a.actions = append(a.actions, user+" "+action+" "+object)
}

func TestUnitsAPI(t *testing.T) {
	t.Parallel()
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
	rec := &auditRec{}
	occupied := map[string]string{"cc-b": "vehicle xe-02"}
	api := units.NewAPI(units.APIParams{Tree: tree, Audit: rec,
		Caller:    func(r *http.Request) units.Caller { return auth.Caller(r) },
		Occupants: []units.Occupant{func(unit string) (string, error) { return occupied[unit], nil }}})
	s := apitest.New(t, access.Scope{Tree: tree}, api.Routes())
	s.User(auth.User{Username: "admin", Unit: "cuc", Roles: []string{auth.RoleAdmin}})
	s.User(auth.User{Username: "lanhdao.a", Unit: "cc-a", Roles: []string{auth.RoleLeader}})

	var list []units.View
	s.JSON("lanhdao.a", "GET", "/api/v1/units", nil, 200, &list)
	if len(list) != 1 || list[0].ID != "cc-a" || list[0].Level != "Cục" || list[0].Parent != "cuc" {
		t.Errorf("a cc-a leader sees: %+v", list)
	}
	var v units.View
	s.JSON("admin", "POST", "/api/v1/units", units.Request{ID: "doi-a", Name: " Đội A ", Parent: "cc-a"}, 201, &v)
	if v.Name != "Đội A" || v.Level != "Chi cục" {
		t.Errorf("created: %+v", v)
	}
	if status, body := s.Do("admin", "POST", "/api/v1/units", units.Request{ID: "doi-a", Name: "X", Parent: "cc-a"}); status != 409 || !strings.Contains(string(body), `"code":"conflict"`) {
		t.Errorf("again: %d %s", status, body)
	}
	if status, body := s.Do("admin", "POST", "/api/v1/units", units.Request{ID: "Bad Id", Name: "X"}); status != 400 || !strings.Contains(string(body), `"code":"invalid"`) {
		t.Errorf("bad id: %d %s", status, body)
	}
	if status, _ := s.Do("admin", "PUT", "/api/v1/units/khong-co", units.Request{Name: "X"}); status != 400 {
		t.Errorf("rename an unknown unit: %d", status)
	}
	if status, _ := s.Do("admin", "PUT", "/api/v1/units/cc-a", units.Request{Name: "Chi cục A", Parent: "doi-a"}); status != 400 {
		t.Errorf("a unit under its own sub-unit: %d", status)
	}
	s.JSON("admin", "PUT", "/api/v1/units/doi-a", units.Request{Name: "Đội A", Parent: "cc-b"}, 200, &v)
	if v.Parent != "cc-b" {
		t.Errorf("moved: %+v", v)
	}
	if status, body := s.Do("admin", "DELETE", "/api/v1/units/cc-b", nil); status != 409 || !strings.Contains(string(body), "vehicle xe-02 still belongs to cc-b") {
		t.Errorf("delete an occupied unit: %d %s", status, body)
	}
	if status, body := s.Do("admin", "DELETE", "/api/v1/units/cc-a", nil); status != 204 {
		t.Errorf("delete an empty unit: %d %s", status, body)
	}
	if status, _ := s.Do("lanhdao.a", "POST", "/api/v1/units", units.Request{ID: "x", Name: "X", Parent: "cc-a"}); status != 403 {
		t.Errorf("a leader created a unit: %d", status)
	}
	want := "admin units.put doi-a admin units.put doi-a admin units.delete cc-a"
	if got := strings.Join(rec.actions, " "); got != want {
		t.Errorf("audit %q, want %q", got, want)
	}
}
