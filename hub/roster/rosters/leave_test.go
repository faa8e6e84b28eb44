package rosters

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/leave"
)

// Leave is entered by the officer himself or by his unit's leaders and duty
// officers, nobody else; a generated roster never puts an officer on leave
// on duty, and a slot left empty by it says so.
func TestLeaveKeepsOfficersOffTheRoster(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	delete(f.acc, "lanhdao.a2") // the unit's only leader is lanhdao.a
	post := func(user, body string) (int, leave.Leave) {
		status, resp := f.srv.Do(user, "POST", "/api/v1/leave", []byte(body))
		var l leave.Leave
		json.Unmarshal(resp, &l)
		return status, l
	}
	// The only leader is away 3–4 March; a surveillance officer enters his own week off.
	if status, l := post("trucban.a1", `{"officer":"lanhdao.a","from":"2027-03-03","to":"2027-03-04","kind":"công tác","note":"Hội nghị"}`); status != 201 || l.Unit != "cc-a" || l.EnteredBy != "trucban.a1" {
		t.Fatalf("duty officer enters a leader's leave: %d %+v", status, l)
	}
	status, own := post("giamsat.a1", `{"from":"2027-03-01","to":"2027-03-07","kind":"phép"}`)
	if status != 201 || own.Officer != "giamsat.a1" || own.OfficerName != "GS" {
		t.Fatalf("own leave: %d %+v", status, own)
	}
	for name, c := range map[string]struct {
		user, body string
		want       int
	}{
		"surveillance for another":   {"giamsat.a1", `{"officer":"giamsat.a2","from":"2027-03-01","to":"2027-03-02","kind":"ốm"}`, 403},
		"duty of another unit":       {"trucban.b", `{"officer":"giamsat.a2","from":"2027-03-01","to":"2027-03-02","kind":"ốm"}`, 403},
		"unknown kind":               {"trucban.a1", `{"officer":"giamsat.a2","from":"2027-03-01","to":"2027-03-02","kind":"holiday"}`, 400},
		"to before from":             {"trucban.a1", `{"officer":"giamsat.a2","from":"2027-03-05","to":"2027-03-02","kind":"ốm"}`, 400},
		"unknown officer":            {"trucban.a1", `{"officer":"ai.do","from":"2027-03-01","to":"2027-03-02","kind":"ốm"}`, 400},
		"unknown field (body typos)": {"trucban.a1", `{"officer":"giamsat.a2","form":"2027-03-01","to":"2027-03-02","kind":"ốm"}`, 400},
	} {
		if status, _ := post(c.user, c.body); status != c.want {
			t.Errorf("%s: %d, want %d", name, status, c.want)
		}
	}
	var list []leave.Leave
	f.srv.JSON("trucban.a1", "GET", "/api/v1/leave?unit=cc-a", nil, 200, &list)
	if len(list) != 2 || list[0].Officer != "giamsat.a1" {
		t.Fatalf("list: %+v", list)
	}
	if status, _ := f.srv.Do("trucban.b", "GET", "/api/v1/leave?unit=cc-a", nil); status != 403 {
		t.Fatalf("another unit lists cc-a's leave: %d", status)
	}

	var v View
	f.srv.JSON("trucban.a1", "POST", "/api/v1/rosters", GenerateRequest{Unit: "cc-a", From: "2027-03-01", To: "2027-03-08"}, 201, &v)
	away := map[string][2]time.Time{
		"lanhdao.a":  {time.Date(2027, 3, 3, 0, 0, 0, 0, leave.Zone), time.Date(2027, 3, 5, 0, 0, 0, 0, leave.Zone)},
		"giamsat.a1": {time.Date(2027, 3, 1, 0, 0, 0, 0, leave.Zone), time.Date(2027, 3, 8, 0, 0, 0, 0, leave.Zone)},
	}
	onDuty := map[string]int{}
	for _, a := range v.Roster.Roster.Assignments {
		onDuty[a.Officer]++
		if p, ok := away[a.Officer]; ok && a.Start.Before(p[1]) && p[0].Before(a.End) {
			t.Errorf("%s on duty %s–%s while on leave", a.Officer, a.Start, a.End)
		}
	}
	if onDuty["lanhdao.a"] == 0 || onDuty["giamsat.a2"] == 0 {
		t.Fatalf("the roster is empty where it should not be: %v", onDuty)
	}
	explained := 0
	for _, u := range v.Roster.Roster.Unfilled {
		p := away["lanhdao.a"]
		if u.Role == "shift_leader" && u.Start.Before(p[1]) && p[0].Before(u.Start.Add(24*time.Hour)) {
			if !strings.Contains(u.Reasons["lanhdao.a"], "nghỉ phép") {
				t.Errorf("slot %s unfilled, reason for the leader: %q", u.Start, u.Reasons["lanhdao.a"])
			}
			explained++
		}
	}
	if explained == 0 {
		t.Fatalf("no shift-leader slot left empty by the leave: %+v", v.Roster.Roster.Unfilled)
	}

	// Removing: not another's as surveillance; one's own yes.
	if status, _ := f.srv.Do("giamsat.a1", "DELETE", "/api/v1/leave/"+list[1].ID, nil); status != 403 {
		t.Fatalf("surveillance removed another's leave: %d", status)
	}
	if status, _ := f.srv.Do("giamsat.a1", "DELETE", "/api/v1/leave/"+own.ID, nil); status != 204 {
		t.Fatalf("remove own leave: %d", status)
	}
	if status, _ := f.srv.Do("giamsat.a1", "DELETE", "/api/v1/leave/"+own.ID, nil); status != 404 {
		t.Fatalf("remove twice: %d", status)
	}
}
