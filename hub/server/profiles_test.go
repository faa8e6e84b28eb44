package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/profiles"
	"fieldwatch/hub/rules"
)

const testProfileSpec = `"title":"Xe 01 quanh cửa khẩu","content":"Theo dõi","requirements":"Báo lãnh đạo",` +
	`"scope":{"vehicles":["xe-01"],"keywords":["hàng cấm"]},"rules":[{"id":"bc","type":"report_match"}],"watch_on_duty":true`

// profileFixtures are the authorisation matrix's fixtures of the profile
// routes: fresh profiles and alerts of unit cc-a (xe-01's).
func profileFixtures(t *testing.T) map[string]routeFixture {
	profileID, alertID := "", ""
	spec := profiles.Spec{Title: "Hồ sơ thử", Scope: profiles.Scope{Scope: rules.Scope{Vehicles: []string{"xe-01"}}},
		Rules: []rules.Rule{{ID: "bc", Type: rules.ReportMatch}}, WatchOnDuty: true}
	draft := func(h *Hub) {
		p, err := h.profiles.Create("cc-a", "test", spec)
		if err != nil {
			t.Fatal(err)
		}
		profileID = p.ID
	}
	submitted := func(h *Hub) {
		draft(h)
		if _, err := h.profiles.Submit(profileID, "test"); err != nil {
			t.Fatal(err)
		}
	}
	alert := func(h *Hub) {
		p, err := h.profiles.Create("cc-a", "test", spec)
		if err == nil {
			_, err = h.profiles.Submit(p.ID, "test")
		}
		if err == nil {
			p, err = h.profiles.Decide(p.ID, "lanhdao", true, "")
		}
		seq++
		var got []profiles.Alert
		if err == nil {
			got, err = h.palerts.Process([]rules.Watch{p.Watch()}, rules.Event{At: time.Now(), Vehicle: "xe-01",
				Report: &rules.Report{ID: fmt.Sprint("bc-", seq), Vehicle: "xe-01"}}, func(a *profiles.Alert) { a.Unit = "cc-a" })
		}
		if err != nil || len(got) != 1 {
			t.Fatalf("alert fixture: %v %v", err, got)
		}
		alertID = got[0].ID
	}
	json := "application/json"
	body := func(s string) func() string { return func() string { return s } }
	atProfile, atAlert := map[string]string{"id": "@profile"}, map[string]string{"id": "@palert"}
	return map[string]routeFixture{
		"@profile":                             {body: func() string { return profileID }},
		"@palert":                              {body: func() string { return alertID }},
		"POST /api/v1/profiles":                {bodyScoped: true, ctype: json, body: body(`{"unit":"cc-a",` + testProfileSpec + `}`)},
		"GET /api/v1/profiles/{id}":            {bodyScoped: true, params: atProfile, prepare: draft},
		"PUT /api/v1/profiles/{id}":            {bodyScoped: true, params: atProfile, prepare: draft, ctype: json, body: body(`{` + testProfileSpec + `}`)},
		"POST /api/v1/profiles/{id}/submit":    {bodyScoped: true, params: atProfile, prepare: draft, ctype: json, body: body(`{}`)},
		"POST /api/v1/profiles/{id}/close":     {bodyScoped: true, params: atProfile, prepare: draft, ctype: json, body: body(`{"note":"Hết hạn"}`)},
		"POST /api/v1/profiles/{id}/decision":  {bodyScoped: true, params: atProfile, prepare: submitted, ctype: json, body: body(`{"approve":true,"note":"Đồng ý"}`)},
		"POST /api/v1/profile-alerts/{id}/ack": {bodyScoped: true, params: atAlert, prepare: alert, ctype: json, body: body(`{}`)},
		"POST /api/v1/profile-alerts/{id}/resolve": {bodyScoped: true, params: atAlert, prepare: alert, ctype: json,
			body: body(`{"note":"Đã kiểm tra"}`)},
	}
}

// A surveillance officer drafts and submits; only a leader over the unit
// who is not the author decides; another branch sees nothing; once
// approved, a matching report raises one alert for the watchers, who
// acknowledge it and resolve it with a note; every step is audited.
func TestProfileApprovalAndAlertsOverHTTP(t *testing.T) {
	h, srv := newTestHub(t)
	for _, u := range []auth.User{
		{Username: "giamsat.a", Name: "Giám sát A", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}},
		{Username: "lanhdao.a", Name: "Lãnh đạo A", Unit: "cc-a", Roles: []string{auth.RoleLeader}},
		{Username: "lanhdao.b", Name: "Lãnh đạo B", Unit: "cc-b", Roles: []string{auth.RoleLeader}},
		{Username: "tocongtac.a", Name: "Tổ công tác A", Unit: "cc-a", Roles: []string{auth.RoleCrew}},
	} {
		if err := h.auth.PutUser(u, password); err != nil {
			t.Fatal(err)
		}
	}
	officer, leaderA, leaderB, crew := loginAs(t, h, "giamsat.a", password), loginAs(t, h, "lanhdao.a", password),
		loginAs(t, h, "lanhdao.b", password), loginAs(t, h, "tocongtac.a", password)
	const ct = "application/json"
	call := func(method, path, tok, body string, want int) string {
		t.Helper()
		status, resp := do(t, method, srv.URL+path, tok, ct, body)
		if status != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, status, resp, want)
		}
		return resp
	}
	spec := `"title":"Doanh nghiệp Hoàng Long","scope":{"vehicles":["xe-01"],"enterprises":["Công ty Hoàng Long"]},` +
		`"rules":[{"id":"bc","type":"report_match"}],"watchers":["giamsat.a"]`
	call("POST", "/api/v1/profiles", officer, `{"unit":"cc-a",`+spec+`,"watchers":["tocongtac.a"]}`, 400) // a crew member does not watch
	call("POST", "/api/v1/profiles", officer, `{"unit":"cc-b",`+spec+`}`, 403)                            // not one's subtree
	call("POST", "/api/v1/profiles", officer, `{"unit":"cc-a","bogus":1,`+spec+`}`, 400)
	var p struct {
		ID, State, Status string
		Armed             bool
		Pending           *struct{ Number int }
	}
	json.Unmarshal([]byte(call("POST", "/api/v1/profiles", officer, `{"unit":"cc-a",`+spec+`}`, 201)), &p)
	report := func(text string) {
		call("POST", "/api/v1/reports", crew, `{"title":"Xe tải","text":"`+text+`","vehicle":"xe-02"}`, 403) // xe-02 is cc-b's
		call("POST", "/api/v1/reports", crew, `{"title":"Xe tải","text":"`+text+`"}`, 201)
	}
	mine := func(tok, q string) []profiles.Alert {
		var l []profiles.Alert
		json.Unmarshal([]byte(call("GET", "/api/v1/profile-alerts?mine=1"+q, tok, "", 200)), &l)
		return l
	}
	report("Xe của CÔNG TY HOÀNG LONG chở hàng") // the profile is a draft
	call("POST", "/api/v1/profiles/"+p.ID+"/decision", leaderA, `{"approve":true}`, 409)
	call("POST", "/api/v1/profiles/"+p.ID+"/submit", officer, `{}`, 200)
	report("Xe của CÔNG TY HOÀNG LONG chở hàng (2)") // submitted
	if l := mine(officer, ""); len(l) != 0 {
		t.Fatalf("alerts before approval: %+v", l)
	}
	call("POST", "/api/v1/profiles/"+p.ID+"/decision", officer, `{"approve":true}`, 403) // surveillance does not decide
	call("POST", "/api/v1/profiles/"+p.ID+"/decision", leaderB, `{"approve":true}`, 403) // another branch
	call("GET", "/api/v1/profiles/"+p.ID, leaderB, "", 403)
	if l := call("GET", "/api/v1/profiles", leaderB, "", 200); strings.Contains(l, p.ID) {
		t.Fatalf("another branch lists the profile: %s", l)
	}
	if l := call("GET", "/api/v1/profiles?state=pending", leaderA, "", 200); !strings.Contains(l, p.ID) {
		t.Fatalf("the leader does not see it pending: %s", l)
	}
	call("POST", "/api/v1/profiles/"+p.ID+"/decision", leaderA, `{"note":"?"}`, 400)
	json.Unmarshal([]byte(call("POST", "/api/v1/profiles/"+p.ID+"/decision", leaderA, `{"approve":true,"note":"Đồng ý"}`, 200)), &p)
	if p.State != "approved" || !p.Armed {
		t.Fatalf("after approval: %+v", p)
	}
	report("Xe của cong ty hoang long dừng lâu")
	l := mine(officer, "&state=open")
	if len(l) != 1 || l[0].Profile != p.ID || l[0].Type != rules.ReportMatch || l[0].Unit != "cc-a" {
		t.Fatalf("alerts after approval: %+v", l)
	}
	if other := mine(leaderA, ""); len(other) != 0 {
		t.Fatalf("an alert addressed to the leader, who is no watcher: %+v", other)
	}
	if all := call("GET", "/api/v1/profile-alerts", leaderB, "", 200); strings.Contains(all, l[0].ID) {
		t.Fatalf("another branch sees the alert: %s", all)
	}
	id := l[0].ID
	call("POST", "/api/v1/profile-alerts/"+id+"/ack", leaderB, `{}`, 403)
	call("POST", "/api/v1/profile-alerts/"+id+"/ack", officer, `{}`, 200)
	call("POST", "/api/v1/profile-alerts/"+id+"/resolve", officer, `{"note":""}`, 400)
	call("POST", "/api/v1/profile-alerts/"+id+"/resolve", officer, `{"note":"Đã kiểm tra, hàng đúng khai báo"}`, 200)
	if l := mine(officer, "&state=resolved"); len(l) != 1 || l[0].ResolvedBy != "giamsat.a" || l[0].AckBy != "giamsat.a" {
		t.Fatalf("resolved: %+v", l)
	}
	// A leader proposes a revision: it is pending; the leader may not approve it themself.
	json.Unmarshal([]byte(call("PUT", "/api/v1/profiles/"+p.ID, leaderA, `{`+spec+`,"content":"Mở rộng"}`, 200)), &p)
	if p.Pending == nil || p.Pending.Number != 2 {
		t.Fatalf("revision: %+v", p)
	}
	call("POST", "/api/v1/profiles/"+p.ID+"/decision", leaderA, `{"approve":true}`, 403)
	call("POST", "/api/v1/profiles/"+p.ID+"/close", officer, `{"note":"Kết thúc"}`, 200)
	entries, err := h.auditLog.Search(audit.Query{Object: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{"profile.create", "profile.submit", "profile.approve", "profile.revise", "profile.close"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("audit lacks %s: %v", want, actions)
		}
	}
}

// The cameras of an approved profile join its watchers' tour, and only
// then: a submitted profile adds nothing, and another officer's tour is
// unchanged.
func TestProfileCamerasJoinTheWatchersTour(t *testing.T) {
	h, srv := newTestHub(t)
	for _, u := range []auth.User{{Username: "giamsat.a", Name: "GS", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}},
		{Username: "giamsat.a2", Name: "GS 2", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}}} {
		if err := h.auth.PutUser(u, password); err != nil {
			t.Fatal(err)
		}
	}
	spec := profiles.Spec{Title: "Xe 01 quanh cửa khẩu", Scope: profiles.Scope{Scope: rules.Scope{Vehicles: []string{"xe-01"}}},
		Rules: []rules.Rule{{ID: "bc", Type: rules.ReportMatch}}, Watchers: []string{"giamsat.a"}}
	p, err := h.profiles.Create("cc-a", "giamsat.a2", spec)
	if err == nil {
		_, err = h.profiles.Submit(p.ID, "giamsat.a2")
	}
	if err != nil {
		t.Fatal(err)
	}
	tour := func(user string) []string {
		_, body := do(t, "GET", srv.URL+"/api/v1/watch/mine", loginAs(t, h, user, password), "", "")
		var got struct {
			Cameras []struct {
				Vehicle, Camera, Group string
				GroupName              string `json:"group_name"`
			} `json:"cameras"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("watch/mine: %s", body)
		}
		var out []string
		for _, c := range got.Cameras {
			out = append(out, c.Vehicle+"/"+c.Camera+" "+c.GroupName)
		}
		return out
	}
	if got := tour("giamsat.a"); len(got) != 0 {
		t.Fatalf("a submitted profile's cameras in the tour: %v", got)
	}
	if _, err := h.profiles.Decide(p.ID, "lanhdao", true, ""); err != nil {
		t.Fatal(err)
	}
	v, err := h.fleet.Get("xe-01")
	if err != nil || len(v.Cameras) == 0 {
		t.Fatalf("xe-01: %+v %v", v, err)
	}
	got := tour("giamsat.a")
	if len(got) != len(v.Cameras) || !strings.HasSuffix(got[0], "Hồ sơ: Xe 01 quanh cửa khẩu") || !strings.HasPrefix(got[0], "xe-01/") {
		t.Fatalf("the watcher's tour: %v (xe-01 has %d cameras)", got, len(v.Cameras))
	}
	if got := tour("giamsat.a2"); len(got) != 0 {
		t.Fatalf("another officer's tour: %v", got)
	}
}
