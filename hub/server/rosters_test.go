package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/roster"
	"fieldwatch/hub/roster/rosters"
)

// Publishing a roster tells each officer their shifts, once even if
// published again; approving a swap on a published roster tells both
// officers; a rejected one tells nobody.
func TestRosterHandOffNotices(t *testing.T) {
	h, srv := newTestHub(t)
	putUsers(t, h, rosterPool("LĐ A", "LĐ A2")...)
	leader, duty := loginAs(t, h, "lanhdao.a", password), loginAs(t, h, "trucban.a1", password)
	_, body := do(t, "POST", srv.URL+"/api/v1/rosters", duty, "application/json", `{"unit":"cc-a","from":"2027-03-01","to":"2027-03-08"}`)
	var v struct {
		ID     string
		Roster *roster.Roster
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("generate: %s", body)
	}
	notices := func(user string) []string {
		tok := loginAs(t, h, user, password)
		_, body := do(t, "GET", srv.URL+"/api/v1/instructions", tok, "", "")
		var list []struct {
			Text string
			To   []struct{ User string }
		}
		json.Unmarshal([]byte(body), &list)
		var out []string
		for _, in := range list {
			if len(in.To) == 1 && in.To[0].User == user {
				out = append(out, in.Text)
			}
		}
		return out
	}
	for range 2 {
		if status, _ := do(t, "POST", srv.URL+"/api/v1/rosters/"+v.ID+"/publish", leader, "", ""); status != 200 {
			t.Fatalf("publish: %d", status)
		}
	}
	// A notice is its recipient's and its sender's, not every officer's
	// who sees the unit.
	seen := func(viewer, recipient string) bool {
		_, body := do(t, "GET", srv.URL+"/api/v1/instructions", loginAs(t, h, viewer, password), "", "")
		var list []struct{ To []struct{ User string } }
		json.Unmarshal([]byte(body), &list)
		return slices.ContainsFunc(list, func(in struct{ To []struct{ User string } }) bool {
			return len(in.To) == 1 && in.To[0].User == recipient
		})
	}
	if !seen("lanhdao.a", "giamsat.a2") || seen("lanhdao.a2", "giamsat.a2") || seen("trucban.a1", "giamsat.a2") {
		t.Errorf("a roster notice seen by its sender %v, another leader %v, another officer %v",
			seen("lanhdao.a", "giamsat.a2"), seen("lanhdao.a2", "giamsat.a2"), seen("trucban.a1", "giamsat.a2"))
	}
	mine := v.Roster.ByOfficer("giamsat.a2")
	got := notices("giamsat.a2")
	if len(mine) == 0 || len(got) != 1 || !strings.Contains(got[0], fmt.Sprintf("(%d)", len(mine))) ||
		!strings.Contains(got[0], mine[0].Start.In(roster.Zone).Format("02/01 15:04")+" (giám sát)") {
		t.Fatalf("giamsat.a2 has %d shifts and got notices %q", len(mine), got)
	}
	// A swap of office shifts between the first and the third day.
	var first, third roster.Assignment
	day0 := time.Date(2027, 3, 1, 0, 0, 0, 0, roster.Zone)
	for _, a := range v.Roster.OnDay(day0) {
		if a.Role == "office" {
			first = a
		}
	}
	for _, a := range v.Roster.OnDay(day0.AddDate(0, 0, 2)) {
		if a.Role == "office" {
			third = a
		}
	}
	propose := fmt.Sprintf(`{"shift":%q,"start":%q,"role":"office","from":%q,"to":%q}`, first.Shift, first.Start.Format(time.RFC3339), first.Officer, third.Officer)
	before := len(notices(third.Officer))
	do(t, "POST", srv.URL+"/api/v1/rosters/"+v.ID+"/overrides", duty, "application/json", propose)
	do(t, "POST", srv.URL+"/api/v1/rosters/"+v.ID+"/overrides/1/decision", leader, "application/json", `{"approve":false}`)
	if n := len(notices(third.Officer)); n != before {
		t.Fatalf("a rejected swap sent %d notices", n-before)
	}
	do(t, "POST", srv.URL+"/api/v1/rosters/"+v.ID+"/overrides", duty, "application/json", propose)
	if status, body := do(t, "POST", srv.URL+"/api/v1/rosters/"+v.ID+"/overrides/2/decision", leader, "application/json", `{"approve":true}`); status != 200 {
		t.Fatalf("approve: %d %s", status, body)
	}
	for _, who := range []string{first.Officer, third.Officer} {
		got := notices(who)
		if len(got) == 0 || !strings.Contains(got[0], "duyệt đổi ca") || !strings.Contains(got[0], "01/03/2027 08:00") {
			t.Errorf("%s's notices: %q", who, got)
		}
	}
}

// remindShifts runs one pass of the roster domain's shift reminders.
func (h *Hub) remindShifts(now time.Time) { h.rosters.RemindShifts(now) }

// The stored roster and its key, as tests put one in the database.
type (
	storedRoster   = rosters.Roster
	storedOverride = rosters.Override
)

func rosterKey(id string) string { return rosters.Key(id) }

var defaultTemplates = rosters.DefaultTemplates

// rosterPool is a unit cc-a of one or two leaders (with the given names), three
// duty officers and three surveillance officers.
func rosterPool(leaders ...string) []auth.User {
	var users []auth.User
	for i, name := range leaders {
		users = append(users, auth.User{Username: []string{"lanhdao.a", "lanhdao.a2"}[i], Name: name, Unit: "cc-a", Roles: []string{auth.RoleLeader}})
	}
	for i := 1; i <= 3; i++ {
		users = append(users, auth.User{Username: fmt.Sprintf("trucban.a%d", i), Name: "TB", Unit: "cc-a", Roles: []string{auth.RoleDuty}},
			auth.User{Username: fmt.Sprintf("giamsat.a%d", i), Name: "GS", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}})
	}
	return users
}

// putUsers stores accounts with the test password.
func putUsers(t *testing.T, h *Hub, users ...auth.User) {
	t.Helper()
	for _, u := range users {
		if err := h.auth.PutUser(u, password); err != nil {
			t.Fatal(err)
		}
	}
}

// An hour before a shift of a published roster, each of its officers is
// reminded, once, of the shift and who else is on it; earlier, or on a
// draft, nobody is.
func TestShiftReminders(t *testing.T) {
	h, srv := newTestHub(t)
	putUsers(t, h, rosterPool("LĐ A", "LĐ A2")...)
	leader := loginAs(t, h, "lanhdao.a", password)
	_, body := do(t, "POST", srv.URL+"/api/v1/rosters", leader, "application/json", `{"unit":"cc-a","from":"2027-03-01","to":"2027-03-08"}`)
	var v struct {
		ID     string
		Roster *roster.Roster
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("generate: %s", body)
	}
	start := time.Date(2027, 3, 1, 8, 0, 0, 0, roster.Zone)
	first := v.Roster.OnDay(start)
	reminders := func(user string) []string {
		var out []string
		list, _ := h.messages.List(func(in *messaging.Instruction) bool {
			return in.From == "he-thong" && len(in.To) == 1 && in.To[0].User == user
		}, 100)
		for _, in := range list {
			out = append(out, in.Text)
		}
		return out
	}
	h.remindShifts(start.Add(-30 * time.Minute)) // a draft: nobody
	if got := reminders(first[0].Officer); len(got) != 0 {
		t.Fatalf("reminded of a draft roster: %q", got)
	}
	if status, _ := do(t, "POST", srv.URL+"/api/v1/rosters/"+v.ID+"/publish", leader, "", ""); status != 200 {
		t.Fatalf("publish: %d", status)
	}
	h.remindShifts(start.Add(-90 * time.Minute)) // too early
	if got := reminders(first[0].Officer); len(got) != 0 {
		t.Fatalf("reminded 90 minutes ahead: %q", got)
	}
	h.remindShifts(start.Add(-45 * time.Minute))
	h.remindShifts(start.Add(-30 * time.Minute)) // a second pass sends nothing
	if len(first) != 3 {
		t.Fatalf("the first shift has %d officers", len(first))
	}
	for _, a := range first {
		got := reminders(a.Officer)
		if len(got) != 1 || !strings.Contains(got[0], "08:00 01/03/2027") || !strings.Contains(got[0], "Cùng ca:") {
			t.Errorf("%s: reminders %q", a.Officer, got)
		}
	}
	for _, a := range v.Roster.OnDay(start.AddDate(0, 0, 1)) { // after 24 hours' rest, not on the first shift
		if got := reminders(a.Officer); len(got) != 0 {
			t.Errorf("%s reminded of tomorrow's shift already: %q", a.Officer, got)
		}
	}
}
