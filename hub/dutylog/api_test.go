package dutylog_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/dutylog"
	"fieldwatch/hub/dutyreport"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/store"
)

type flatTree struct{}

func (flatTree) Within(unit, ancestor string) bool { return unit == ancestor }

type units struct{}

func (units) Known(id string) bool { return id == "cc-a" || id == "cc-b" }

type nobodyAudits struct{}

func (nobodyAudits) Record(*http.Request, audit.Actor, string, string, string) {}

// Two officers of a unit hand over a shift through the API; an officer of
// another unit can neither read the log nor take the shift.
func TestHandoverBetweenTwoOfficers(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log, scope := dutylog.New(dutylog.Params{DB: db}), access.Scope{Tree: flatTree{}}
	routes := dutylog.NewAPI(dutylog.APIParams{Log: log, Scope: scope, Units: units{}, Audit: nobodyAudits{}}).Routes()
	routes = append(routes, dutyreport.NewAPI(dutyreport.APIParams{Log: log, Scope: scope, Units: units{}, Audit: nobodyAudits{}}).Routes()...)
	s := apitest.New(t, scope, routes)
	for _, u := range []auth.User{
		{Username: "trucban.a1", Name: "Trực ban A1", Unit: "cc-a", Roles: []string{auth.RoleDuty}},
		{Username: "trucban.a2", Name: "Trực ban A2", Unit: "cc-a", Roles: []string{auth.RoleDuty}},
		{Username: "trucban.b", Name: "Trực ban B", Unit: "cc-b", Roles: []string{auth.RoleDuty}},
	} {
		s.User(u)
	}
	if status, body := s.Do("trucban.a1", "POST", "/api/v1/dutylog", dutylog.AddRequest{Kind: "equipment", Text: "Camera cổng 2 mất tín hiệu", Open: true}); status != 201 {
		t.Fatalf("entry: %d %s", status, body)
	}
	if status, _ := s.Do("trucban.a1", "POST", "/api/v1/dutylog", dutylog.AddRequest{Kind: "nonsense", Text: "x"}); status != 400 {
		t.Fatalf("bad kind: %d", status)
	}
	status, body := s.Do("trucban.a1", "POST", "/api/v1/handovers", dutylog.HandoverRequest{Summary: "Bàn giao: camera cổng 2 chưa khắc phục"})
	var ho struct {
		ID        string
		OpenItems []struct{ Text string } `json:"open_items"`
	}
	if status != 201 || json.Unmarshal(body, &ho) != nil || len(ho.OpenItems) != 1 {
		t.Fatalf("handover: %d %s", status, body)
	}
	if status, _ := s.Do("trucban.b", "GET", "/api/v1/dutylog?unit=cc-a", nil); status != 403 {
		t.Fatalf("another unit reads the log: %d", status)
	}
	if status, _ := s.Do("trucban.b", "POST", "/api/v1/handovers/cc-a/"+ho.ID+"/accept", []byte(`{}`)); status != 403 {
		t.Fatalf("another unit takes the shift: %d", status)
	}
	if status, _ := s.Do("trucban.a1", "POST", "/api/v1/handovers/cc-a/"+ho.ID+"/accept", []byte(`{}`)); status != 409 {
		t.Fatalf("the outgoing officer accepts: %d", status)
	}
	if status, body := s.Do("trucban.a2", "POST", "/api/v1/handovers/cc-a/"+ho.ID+"/accept", dutylog.AcceptRequest{Note: "Đã nhận ca"}); status != 200 || !strings.Contains(string(body), "Trực ban A2") {
		t.Fatalf("accept: %d %s", status, body)
	}
	if status, _ := s.Do("trucban.a2", "POST", "/api/v1/dutylog/cc-a/nope/close", nil); status != 404 {
		t.Fatalf("close an unknown item: %d", status)
	}
	_, body = s.Do("trucban.a2", "GET", "/api/v1/dutylog/report", nil)
	if !strings.Contains(string(body), `"equipment":1`) || !strings.Contains(string(body), "Đã nhận ca") {
		t.Fatalf("daily report: %s", body)
	}
	var sl dutylog.ShiftLog
	s.JSON("trucban.a2", "GET", "/api/v1/dutylog?unit=cc-a", nil, 200, &sl)
	if sl.Unit != "cc-a" || len(sl.Open) != 1 {
		t.Fatalf("shift log: %+v", sl)
	}
}
