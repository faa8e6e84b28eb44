package audit_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/store"
)

func TestSearchAndExport(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	l, err := audit.Open(db, func() time.Time { now = now.Add(time.Minute); return now })
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range [][3]string{{"trucban", "auth.login", "trucban"}, {"trucban", "archive.play", "xe-01/cam1"}, {"admin", "users.lock", "moi"}} {
		if err := l.Add(a[0], "cuc", a[1], a[2], "", "10.0.0.5"); err != nil {
			t.Fatal(err)
		}
	}
	api := audit.NewAPI(audit.APIParams{Log: l, Caller: func(r *http.Request) audit.Actor { return auth.Caller(r) }})
	s := apitest.New(t, access.Scope{}, api.Routes())
	s.User(auth.User{Username: "admin", Unit: "cuc", Roles: []string{auth.RoleAdmin}})
	s.User(auth.User{Username: "trucban", Unit: "cuc", Roles: []string{auth.RoleDuty}})

	var res audit.SearchResult
	s.JSON("admin", "GET", "/api/v1/audit?user=trucban&limit=1", nil, 200, &res)
	if !res.ChainOK || len(res.Records) != 1 || res.Records[0].Action != "archive.play" {
		t.Fatalf("search: %+v", res)
	}
	s.JSON("admin", "GET", "/api/v1/audit?action=users.&from=2026-11-22T01:02:30Z", nil, 200, &res)
	if len(res.Records) != 1 || res.Records[0].Object != "moi" {
		t.Fatalf("by action and time: %+v", res)
	}
	for _, q := range []string{"limit=0", "limit=x", "from=yesterday"} {
		if status, _ := s.Do("admin", "GET", "/api/v1/audit?"+q, nil); status != 400 {
			t.Errorf("%s: %d", q, status)
		}
	}
	if status, _ := s.Do("trucban", "GET", "/api/v1/audit", nil); status != 403 {
		t.Errorf("a duty officer read the audit log: %d", status)
	}
	status, body := s.Do("admin", "GET", "/api/v1/audit/export", nil)
	if status != 200 {
		t.Fatalf("export: %d %s", status, body)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, m)
	}
	// Three records, the export itself, and the check.
	if len(lines) != 5 || lines[3]["action"] != "audit.export" || lines[3]["user"] != "admin" || lines[4]["chain_ok"] != true {
		t.Fatalf("export: %v", lines)
	}
}
