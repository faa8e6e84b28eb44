package server

import (
	"encoding/json"
	"strings"
	"testing"

	"fieldwatch/hub/auth"
)

// Two officers of a unit hand over a shift through the API; an officer of
// another unit can neither read the log nor take the shift.
func TestHandoverBetweenTwoOfficers(t *testing.T) {
	h, srv := newTestHub(t)
	for _, u := range []auth.User{
		{Username: "trucban.a1", Name: "Trực ban A1", Unit: "cc-a", Roles: []string{auth.RoleDuty}},
		{Username: "trucban.a2", Name: "Trực ban A2", Unit: "cc-a", Roles: []string{auth.RoleDuty}},
		{Username: "trucban.b", Name: "Trực ban B", Unit: "cc-b", Roles: []string{auth.RoleDuty}},
	} {
		if err := h.auth.PutUser(u, password); err != nil {
			t.Fatal(err)
		}
	}
	a1, a2, b := loginAs(t, h, "trucban.a1", password), loginAs(t, h, "trucban.a2", password), loginAs(t, h, "trucban.b", password)
	if status, body := do(t, "POST", srv.URL+"/api/v1/dutylog", a1, "application/json", `{"kind":"equipment","text":"Camera cổng 2 mất tín hiệu","open":true}`); status != 201 {
		t.Fatalf("entry: %d %s", status, body)
	}
	if status, _ := do(t, "POST", srv.URL+"/api/v1/dutylog", a1, "application/json", `{"kind":"nonsense","text":"x"}`); status != 400 {
		t.Fatalf("bad kind: %d", status)
	}
	status, body := do(t, "POST", srv.URL+"/api/v1/handovers", a1, "application/json", `{"summary":"Bàn giao: camera cổng 2 chưa khắc phục"}`)
	var ho struct {
		ID        string
		OpenItems []struct{ Text string } `json:"open_items"`
	}
	if status != 201 || json.Unmarshal([]byte(body), &ho) != nil || len(ho.OpenItems) != 1 {
		t.Fatalf("handover: %d %s", status, body)
	}
	if status, _ := do(t, "GET", srv.URL+"/api/v1/dutylog?unit=cc-a", b, "", ""); status != 403 {
		t.Fatalf("another unit reads the log: %d", status)
	}
	if status, _ := do(t, "POST", srv.URL+"/api/v1/handovers/cc-a/"+ho.ID+"/accept", b, "application/json", `{}`); status != 403 {
		t.Fatalf("another unit takes the shift: %d", status)
	}
	if status, _ := do(t, "POST", srv.URL+"/api/v1/handovers/cc-a/"+ho.ID+"/accept", a1, "application/json", `{}`); status != 409 {
		t.Fatalf("the outgoing officer accepts: %d", status)
	}
	if status, body := do(t, "POST", srv.URL+"/api/v1/handovers/cc-a/"+ho.ID+"/accept", a2, "application/json", `{"note":"Đã nhận ca"}`); status != 200 || !strings.Contains(body, "Trực ban A2") {
		t.Fatalf("accept: %d %s", status, body)
	}
	_, body = do(t, "GET", srv.URL+"/api/v1/dutylog/report", a2, "", "")
	if !strings.Contains(body, `"equipment":1`) || !strings.Contains(body, "Đã nhận ca") {
		t.Fatalf("daily report: %s", body)
	}
}
