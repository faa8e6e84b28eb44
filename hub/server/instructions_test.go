package server

import (
	"encoding/json"
	"strings"
	"testing"

	"fieldwatch/hub/auth"
)

// An instruction to an officer by account: within the sender's scope only,
// delivered when the officer's app fetches it, acknowledged by the officer.
func TestInstructionToAnOfficer(t *testing.T) {
	h, srv := newTestHub(t)
	for _, u := range []auth.User{
		{Username: "lanhdao.a", Name: "Lãnh đạo A", Unit: "cc-a", Roles: []string{auth.RoleLeader}},
		{Username: "lanhdao.b", Name: "Lãnh đạo B", Unit: "cc-b", Roles: []string{auth.RoleLeader}},
		{Username: "giamsat.a", Name: "Giám sát A", Unit: "doi-a", Roles: []string{auth.RoleSurveillance}},
	} {
		if err := h.auth.PutUser(u, password); err != nil {
			t.Fatal(err)
		}
	}
	leaderA, leaderB, officer := loginAs(t, h, "lanhdao.a", password), loginAs(t, h, "lanhdao.b", password), loginAs(t, h, "giamsat.a", password)
	if status, _ := do(t, "POST", srv.URL+"/api/v1/instructions", leaderB, "application/json", `{"text":"Theo dõi cổng 2","users":["giamsat.a"]}`); status != 403 {
		t.Fatalf("a sibling branch's leader instructs our officer: %d", status)
	}
	status, body := do(t, "POST", srv.URL+"/api/v1/instructions", leaderA, "application/json", `{"text":"Theo dõi cổng 2","users":["giamsat.a"],"urgent":true}`)
	var in struct {
		ID string
		To []struct {
			User, State string
			AckedBy     string `json:"acked_by"`
		} `json:"to"`
	}
	if status != 201 || json.Unmarshal([]byte(body), &in) != nil || len(in.To) != 1 || in.To[0].State != "sent" {
		t.Fatalf("send: %d %s", status, body)
	}
	if _, list := do(t, "GET", srv.URL+"/api/v1/instructions", officer, "", ""); !strings.Contains(list, in.ID) {
		t.Fatalf("the officer does not see it: %s", list)
	}
	if _, one := do(t, "GET", srv.URL+"/api/v1/instructions/"+in.ID, leaderA, "", ""); !strings.Contains(one, `"state":"delivered"`) {
		t.Fatalf("not delivered after the officer's app fetched it: %s", one)
	}
	if status, _ := do(t, "GET", srv.URL+"/api/v1/instructions/"+in.ID, leaderB, "", ""); status != 403 {
		t.Fatalf("sibling leader reads it: %d", status)
	}
	status, body = do(t, "POST", srv.URL+"/api/v1/instructions/"+in.ID+"/receipt", officer, "application/json", `{"state":"acknowledged"}`)
	if status != 200 || json.Unmarshal([]byte(body), &in) != nil || in.To[0].State != "acknowledged" || in.To[0].AckedBy != "Giám sát A" {
		t.Fatalf("receipt: %d %s", status, body)
	}
}
