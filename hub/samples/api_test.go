package samples

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/store"
	"fieldwatch/hub/units"
	"fieldwatch/internal/vntime"
)

type fakeUnits map[string]string

func (f fakeUnits) Get(id string) (units.Unit, bool) {
	p, ok := f[id]
	return units.Unit{ID: id, Parent: p}, ok
}

func (f fakeUnits) Within(unit, ancestor string) bool {
	for u := unit; u != ""; u = f[u] {
		if u == ancestor {
			return true
		}
	}
	return false
}

type fakeOfficers map[string][]string

func (f fakeOfficers) Officers(unit string, _ time.Time) ([]string, error) { return f[unit], nil }

type records []string

func (r *records) Record(_ *http.Request, who audit.Actor, action, object, _ string) {
	name, _ := who.AuditName()
	*r = append(*r, name+" "+action+" "+object)
}

func TestAPI(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tree := fakeUnits{"cuc": "", "cc-a": "cuc", "cc-b": "cuc"}
	var audited records
	now := time.Date(2027, 3, 1, 7, 0, 0, 0, vntime.Zone) // before 08:00: the previous shift day
	api := NewAPI(APIParams{Store: New(db, func() time.Time { return now }), Units: tree,
		Officers: fakeOfficers{"cc-a": {"gs1", "gs2"}}, Audit: &audited})
	routes := api.Routes()
	s := apitest.New(t, access.Scope{Tree: tree}, routes)
	for _, u := range []auth.User{
		{Username: "gs1", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}},
		{Username: "gs2", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}},
		{Username: "trucban.a", Unit: "cc-a", Roles: []string{auth.RoleDuty}},
		{Username: "trucban.b", Unit: "cc-b", Roles: []string{auth.RoleDuty}},
		{Username: "gs.b", Unit: "cc-b", Roles: []string{auth.RoleSurveillance}},
	} {
		s.User(u)
	}
	importCSV := func(who, query, ctype, body string) (int, string) {
		req := httptest.NewRequest("POST", "/api/v1/samples?"+query, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		rec := s.Serve(who, req)
		return rec.Code, rec.Body.String()
	}
	var b strings.Builder
	b.WriteString("Số tờ khai;Doanh nghiệp\n")
	for i := range 40 {
		fmt.Fprintf(&b, "1050%02d;Công ty %d\n", i, i)
	}
	st, body := importCSV("gs1", "unit=cc-a&kind=declaration&share=10&seed=7", "text/csv", b.String())
	if st != 201 {
		t.Fatalf("import: %d %s", st, body)
	}
	now = now.Add(time.Minute)
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	fw, _ := mw.CreateFormFile("file", "xe.csv")
	fw.Write([]byte("Biển số,Container\n29C-123.45,MSKU1234567\n"))
	mw.Close()
	if st, body := importCSV("gs1", "unit=cc-a&kind=vehicle", mw.FormDataContentType(), mp.String()); st != 201 {
		t.Fatalf("multipart: %d %s", st, body)
	}
	for _, c := range []struct {
		who, query, ctype, body string
		want                    int
	}{
		{"gs.b", "unit=cc-a&kind=vehicle", "text/csv", "Biển số\n1\n", 403},
		{"gs.b", "kind=vehicle", "text/csv", "Biển số\n1\n", 409}, // nobody on duty in cc-b
		{"gs1", "unit=cc-a&kind=vehicle", "application/json", "{}", 415},
		{"gs1", "unit=cc-a&kind=boat", "text/csv", "Biển số\n1\n", 400},
		{"gs1", "unit=cc-a&kind=vehicle&seed=0", "text/csv", "Biển số\n1\n", 400},
		{"gs1", "unit=nowhere&kind=vehicle", "text/csv", "Biển số\n1\n", 404},
		{"gs1", "unit=cc-a&kind=vehicle", "text/csv", strings.Repeat("x", MaxBytes+1), 413},
	} {
		if st, body := importCSV(c.who, c.query, c.ctype, c.body); st != c.want {
			t.Errorf("%s %s: %d %.200s, want %d", c.who, c.query, st, body, c.want)
		}
	}
	var lists []List
	s.JSON("gs1", "GET", "/api/v1/samples?unit=cc-a&day=2027-02-28", nil, 200, &lists)
	if len(lists) != 2 || lists[1].Seed != 7 || len(lists[1].Tasks) != 4 {
		t.Fatalf("lists of the shift day: %+v", lists)
	}
	l := lists[1]
	path := func(n int) string { return fmt.Sprintf("/api/v1/samples/%s/tasks/%d/done", l.ID, n) }
	if st, _ := s.Do("gs1", "POST", path(2), DoneRequest{Result: ResultNoFinding}); st != 403 {
		t.Fatalf("closed a colleague's task: %d", st)
	}
	if st, _ := s.Do("gs2", "POST", path(2), DoneRequest{Result: ResultSuspicious}); st != 400 {
		t.Fatalf("suspicious without a note: %d", st)
	}
	s.JSON("gs2", "POST", path(2), DoneRequest{Result: ResultSuspicious, Note: "Sai mã HS"}, 200, nil)
	if st, body := s.Do("gs2", "POST", path(2), DoneRequest{Result: ResultNoFinding}); st != 409 || !strings.Contains(string(body), `"code":"conflict"`) {
		t.Fatalf("closed twice: %d %s", st, body)
	}
	s.JSON("trucban.a", "POST", path(1), DoneRequest{Result: ResultNoFinding}, 200, nil)
	if st, _ := s.Do("trucban.b", "POST", path(3), DoneRequest{Result: ResultNoFinding}); st != 403 {
		t.Fatalf("another unit closed a task: %d", st)
	}
	if st, _ := s.Do("gs2", "POST", path(9), DoneRequest{Result: ResultNoFinding}); st != 404 {
		t.Fatalf("no such task: %d", st)
	}
	var mine []List
	s.JSON("gs2", "GET", "/api/v1/samples?mine=1", nil, 200, &mine)
	if len(mine) != 1 || mine[0].ID != l.ID || mine[0].Tasks[1].DoneBy != "gs2" {
		t.Fatalf("mine: %+v", mine)
	}
	if st, _ := s.Do("gs.b", "GET", "/api/v1/samples?unit=cc-a", nil); st != 403 {
		t.Fatalf("another unit's lists: %d", st)
	}
	if len(audited) != 4 {
		t.Fatalf("audit: %q", audited)
	}
}
