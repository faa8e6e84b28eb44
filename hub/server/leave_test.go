package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/leave"
	"fieldwatch/hub/roster"
)

// Leave is entered by the officer himself or by his unit's leaders and duty
// officers, nobody else; a generated roster never puts an officer on leave
// on duty, and a slot left empty by it says so.
func TestLeaveKeepsOfficersOffTheRoster(t *testing.T) {
	h, srv := newTestHub(t)
	putUsers(t, h, append(rosterPool("Lãnh đạo A"), auth.User{Username: "trucban.b", Name: "TB B", Unit: "cc-b", Roles: []string{auth.RoleDuty}})...)
	duty, watcher, other := loginAs(t, h, "trucban.a1", password), loginAs(t, h, "giamsat.a1", password), loginAs(t, h, "trucban.b", password)
	post := func(tok, body string) (int, leave.Leave) {
		status, resp := do(t, "POST", srv.URL+"/api/v1/leave", tok, "application/json", body)
		var l leave.Leave
		json.Unmarshal([]byte(resp), &l)
		return status, l
	}
	// The only leader is away 3–4 March; a surveillance officer enters his own week off.
	if status, l := post(duty, `{"officer":"lanhdao.a","from":"2027-03-03","to":"2027-03-04","kind":"công tác","note":"Hội nghị"}`); status != 201 || l.Unit != "cc-a" || l.EnteredBy != "trucban.a1" {
		t.Fatalf("duty officer enters a leader's leave: %d %+v", status, l)
	}
	status, own := post(watcher, `{"from":"2027-03-01","to":"2027-03-07","kind":"phép"}`)
	if status != 201 || own.Officer != "giamsat.a1" || own.OfficerName != "GS" {
		t.Fatalf("own leave: %d %+v", status, own)
	}
	for name, c := range map[string]struct {
		tok, body string
		want      int
	}{
		"surveillance for another":   {watcher, `{"officer":"giamsat.a2","from":"2027-03-01","to":"2027-03-02","kind":"ốm"}`, 403},
		"duty of another unit":       {other, `{"officer":"giamsat.a2","from":"2027-03-01","to":"2027-03-02","kind":"ốm"}`, 403},
		"unknown kind":               {duty, `{"officer":"giamsat.a2","from":"2027-03-01","to":"2027-03-02","kind":"holiday"}`, 400},
		"to before from":             {duty, `{"officer":"giamsat.a2","from":"2027-03-05","to":"2027-03-02","kind":"ốm"}`, 400},
		"unknown officer":            {duty, `{"officer":"ai.do","from":"2027-03-01","to":"2027-03-02","kind":"ốm"}`, 400},
		"unknown field (body typos)": {duty, `{"officer":"giamsat.a2","form":"2027-03-01","to":"2027-03-02","kind":"ốm"}`, 400},
	} {
		if status, _ := post(c.tok, c.body); status != c.want {
			t.Errorf("%s: %d, want %d", name, status, c.want)
		}
	}
	_, body := do(t, "GET", srv.URL+"/api/v1/leave?unit=cc-a", duty, "", "")
	var list []leave.Leave
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list) != 2 || list[0].Officer != "giamsat.a1" {
		t.Fatalf("list: %v %s", err, body)
	}
	if status, _ := do(t, "GET", srv.URL+"/api/v1/leave?unit=cc-a", other, "", ""); status != 403 {
		t.Fatalf("another unit lists cc-a's leave: %d", status)
	}

	status, body = do(t, "POST", srv.URL+"/api/v1/rosters", duty, "application/json", `{"unit":"cc-a","from":"2027-03-01","to":"2027-03-08"}`)
	var v struct{ Roster *roster.Roster }
	if status != 201 || json.Unmarshal([]byte(body), &v) != nil {
		t.Fatalf("generate: %d %.300s", status, body)
	}
	away := map[string][2]time.Time{
		"lanhdao.a":  {time.Date(2027, 3, 3, 0, 0, 0, 0, leave.Zone), time.Date(2027, 3, 5, 0, 0, 0, 0, leave.Zone)},
		"giamsat.a1": {time.Date(2027, 3, 1, 0, 0, 0, 0, leave.Zone), time.Date(2027, 3, 8, 0, 0, 0, 0, leave.Zone)},
	}
	onDuty := map[string]int{}
	for _, a := range v.Roster.Assignments {
		onDuty[a.Officer]++
		if p, ok := away[a.Officer]; ok && a.Start.Before(p[1]) && p[0].Before(a.End) {
			t.Errorf("%s on duty %s–%s while on leave", a.Officer, a.Start, a.End)
		}
	}
	if onDuty["lanhdao.a"] == 0 || onDuty["giamsat.a2"] == 0 {
		t.Fatalf("the roster is empty where it should not be: %v", onDuty)
	}
	explained := 0
	for _, u := range v.Roster.Unfilled {
		if u.Role != "shift_leader" {
			continue
		}
		p := away["lanhdao.a"]
		if u.Start.Before(p[1]) && p[0].Before(u.Start.Add(24*time.Hour)) {
			if !strings.Contains(u.Reasons["lanhdao.a"], "nghỉ phép") {
				t.Errorf("slot %s unfilled, reason for the leader: %q", u.Start, u.Reasons["lanhdao.a"])
			}
			explained++
		}
	}
	if explained == 0 {
		t.Fatalf("no shift-leader slot left empty by the leave: %+v", v.Roster.Unfilled)
	}

	// Removing: not another's as surveillance; one's own yes.
	if status, _ := do(t, "DELETE", srv.URL+"/api/v1/leave/"+list[1].ID, watcher, "", ""); status != 403 {
		t.Fatalf("surveillance removed another's leave: %d", status)
	}
	if status, _ := do(t, "DELETE", srv.URL+"/api/v1/leave/"+own.ID, watcher, "", ""); status != 204 {
		t.Fatalf("remove own leave: %d", status)
	}
	if status, _ := do(t, "DELETE", srv.URL+"/api/v1/leave/"+own.ID, watcher, "", ""); status != 404 {
		t.Fatalf("remove twice: %d", status)
	}
}
