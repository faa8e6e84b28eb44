package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/samples"
	"fieldwatch/hub/watch"
)

// watchFixtures are the matrix fixtures of the continuous-surveillance
// routes (merged into fixtures() by TestAuthorizationMatrix).
func watchFixtures(t *testing.T) map[string]routeFixture {
	json := "application/json"
	group := func(h *Hub) {
		if _, err := h.watch.PutGroup(watch.Group{ID: "nh-test", Unit: "cc-a", Name: "Cổng A", Members: []watch.Member{{Kind: watch.MemberVehicle, Vehicle: "xe-01"}}}); err != nil {
			t.Fatal(err)
		}
	}
	asgID, listID := "", ""
	return map[string]routeFixture{
		"POST /api/v1/watch/groups": {bodyScoped: true, ctype: json, body: func() string {
			return `{"unit":"cc-a","name":"Bãi xe","members":[{"kind":"camera","vehicle":"xe-01","camera":"cam1"}]}`
		}},
		"PUT /api/v1/watch/groups/{id}": {bodyScoped: true, params: map[string]string{"id": "nh-test"}, prepare: group, ctype: json, body: func() string {
			return `{"name":"Cổng A","members":[{"kind":"unit","unit":"cc-a"}]}`
		}},
		"DELETE /api/v1/watch/groups/{id}": {bodyScoped: true, params: map[string]string{"id": "nh-test"}, prepare: group},
		"POST /api/v1/watch/assignments": {bodyScoped: true, prepare: group, ctype: json, body: func() string {
			return `{"unit":"cc-a","officer":"surveillance.cc-a","groups":["nh-test"],"shift":"2027-01-01"}`
		}},
		"POST /api/v1/watch/assignments/auto": {bodyScoped: true, prepare: group, ctype: json, body: func() string { return `{"unit":"cc-a","shift":"2027-01-01"}` }},
		"DELETE /api/v1/watch/assignments/{id}": {bodyScoped: true, params: map[string]string{"id": "@watchasg"}, prepare: func(h *Hub) {
			group(h)
			a, err := h.watch.AddAssignment(watch.Assignment{Unit: "cc-a", Officer: "surveillance.cc-a", Groups: []string{"nh-test"},
				From: time.Date(2027, 1, 1, 8, 0, 0, 0, calendar.Zone), To: time.Date(2027, 1, 2, 8, 0, 0, 0, calendar.Zone)})
			if err != nil {
				t.Fatal(err)
			}
			asgID = a.ID
		}},
		"@watchasg": {body: func() string { return asgID }},
		// Without ?unit= a list is one's own unit's; nobody is on duty in the matrix's hub, so 409 to those allowed.
		"POST /api/v1/samples": {ctype: "text/csv", body: func() string { return "Số tờ khai;Doanh nghiệp\n105001;Công ty A\n" }},
		"POST /api/v1/samples/{id}/tasks/{n}/done": {bodyScoped: true, params: map[string]string{"id": "@samplelist", "n": "1"}, prepare: func(h *Hub) {
			tab, err := samples.Decode([]byte("Biển số\n29C-123.45\n"))
			if err != nil {
				t.Fatal(err)
			}
			l, err := h.samples.Add(samples.Import{Unit: "cc-a", Day: "2027-01-01", Kind: samples.KindVehicle, Share: 100, Table: tab,
				Officers: []string{"surveillance.cc-a"}, By: "test"})
			if err != nil {
				t.Fatal(err)
			}
			listID = l.ID
		}, ctype: json, body: func() string { return `{"result":"no_finding"}` }},
		"@samplelist": {body: func() string { return listID }},
	}
}

// watchHub is a test hub on a fake clock with cc-a's officers, cameras in
// cc-a and doi-a, and a published two-day roster (2 surveillance, 1 office
// a day; five surveillance officers, so one is free on both days).
func watchHub(t *testing.T) (*Hub, string, func(time.Time), map[string]string) {
	h, _ := newTestHub(t)
	// The cameras are there before the shift (as a restart with a new
	// configuration would note them); the test's "now" is then 10:00.
	// The surveillance routes take the fake clock with the store, so the
	// hub is served again once the store is replaced.
	now := time.Date(2027, 3, 1, 7, 0, 0, 0, calendar.Zone)
	h.watch = watch.New(h.db, func() time.Time { return now })
	remount(h)
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(srv.Close)
	for _, v := range []fleet.Vehicle{
		{ID: "xe-01", Name: "Xe 01", Unit: "cc-a", Cameras: []fleet.Camera{{ID: "cam1", Name: "Trước"}, {ID: "cam2", Name: "Sau"}}},
		{ID: "xe-04", Name: "Xe 04", Unit: "doi-a", Cameras: []fleet.Camera{{ID: "cam1", Name: "Trước"}, {ID: "cam2", Name: "Sau"}}},
	} {
		if err := h.fleet.Put(v); err != nil {
			t.Fatal(err)
		}
	}
	if vs, err := h.fleet.List(); err != nil {
		t.Fatal(err)
	} else if _, err := h.watch.NoteCameras(vs); err != nil {
		t.Fatal(err)
	}
	now = time.Date(2027, 3, 1, 10, 0, 0, 0, calendar.Zone)
	users := []auth.User{{Username: "lanhdao.a", Name: "LĐ A", Unit: "cc-a", Roles: []string{auth.RoleLeader}},
		{Username: "trucban.a", Name: "TB A", Unit: "cc-a", Roles: []string{auth.RoleDuty}},
		{Username: "trucban.b", Name: "TB B", Unit: "cc-b", Roles: []string{auth.RoleDuty}},
		{Username: "giamsat.b", Name: "GS B", Unit: "cc-b", Roles: []string{auth.RoleSurveillance}}}
	for i := 1; i <= 5; i++ {
		users = append(users, auth.User{Username: fmt.Sprintf("giamsat.a%d", i), Name: fmt.Sprintf("GS A%d", i), Unit: "cc-a", Roles: []string{auth.RoleSurveillance}})
	}
	tok := map[string]string{}
	for _, u := range users {
		if err := h.auth.PutUser(u, password); err != nil {
			t.Fatal(err)
		}
		tok[u.Username] = loginAs(t, h, u.Username, password)
	}
	status, body := do(t, "POST", srv.URL+"/api/v1/rosters", tok["trucban.a"], "application/json", `{"unit":"cc-a","from":"2027-03-01","to":"2027-03-03",
		"templates":[{"name":"Ca 24 giờ","start":"08:00","hours":24,"days":"every","slots":[{"role":"surveillance","count":2},{"role":"office","count":1}]}]}`)
	var r struct{ ID string }
	if status != 201 || json.Unmarshal([]byte(body), &r) != nil {
		t.Fatalf("roster: %d %s", status, body)
	}
	if status, body := do(t, "POST", srv.URL+"/api/v1/rosters/"+r.ID+"/publish", tok["lanhdao.a"], "", ""); status != 200 {
		t.Fatalf("publish: %d %s", status, body)
	}
	tok["@url"], tok["@roster"] = srv.URL, r.ID
	return h, srv.URL, func(t time.Time) { now = t }, tok
}

func decodeAs[T any](t *testing.T, status, want int, body string) T {
	t.Helper()
	var v T
	if status != want {
		t.Fatalf("status %d, want %d: %.500s", status, want, body)
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %.300s: %v", body, err)
	}
	return v
}

// rosterSlot is an effective roster assignment as the rosters API gives it.
type rosterSlot struct {
	Shift, Role, Officer string
	Start                time.Time
}

type coverageAnswer struct {
	Coverage watch.Coverage
	Names    map[string]string
}

func TestWatchAssignAndCoverage(t *testing.T) {
	h, url, setNow, tok := watchHub(t)
	duty := tok["trucban.a"]
	post := func(token, path, body string) (int, string) {
		return do(t, "POST", url+path, token, "application/json", body)
	}
	// Groups: scope and roles.
	st, body := post(duty, "/api/v1/watch/groups", `{"unit":"cc-a","name":"Đội A","members":[{"kind":"unit","unit":"doi-a"}]}`)
	g1 := decodeAs[watch.GroupView](t, st, 201, body)
	st, body = post(duty, "/api/v1/watch/groups", `{"unit":"cc-a","name":"Xe 01","members":[{"kind":"vehicle","vehicle":"xe-01"}]}`)
	g2 := decodeAs[watch.GroupView](t, st, 201, body)
	if len(g1.Cameras) != 2 || len(g2.Cameras) != 2 {
		t.Fatalf("groups resolve to %v and %v", g1.Cameras, g2.Cameras)
	}
	for _, c := range []struct {
		who, body string
		want      int
	}{
		{"trucban.b", `{"unit":"cc-a","name":"x","members":[{"kind":"vehicle","vehicle":"xe-01"}]}`, 403},
		{"giamsat.a1", `{"unit":"cc-a","name":"x","members":[{"kind":"vehicle","vehicle":"xe-01"}]}`, 403},
		{"trucban.a", `{"unit":"cc-a","name":"x","members":[{"kind":"vehicle","vehicle":"xe-02"}]}`, 400},
		{"trucban.a", `{"unit":"cc-a","name":"x","members":[{"kind":"camera","vehicle":"xe-01","camera":"cam9"}]}`, 400},
		{"trucban.a", `{"unit":"cc-a","name":"","members":[{"kind":"vehicle","vehicle":"xe-01"}]}`, 400},
	} {
		if st, body := post(tok[c.who], "/api/v1/watch/groups", c.body); st != c.want {
			t.Errorf("%s %s: %d %s, want %d", c.who, c.body, st, body, c.want)
		}
	}
	if st, _ := do(t, "GET", url+"/api/v1/watch/groups?unit=cc-a", tok["giamsat.b"], "", ""); st != 403 {
		t.Fatalf("another unit's groups: %d", st)
	}
	// Automatic spread over the two surveillance officers on duty.
	type autoAnswer struct {
		Officers    []string
		Assignments []watch.AssignmentView
	}
	st, body = post(duty, "/api/v1/watch/assignments/auto", `{"unit":"cc-a","shift":"2027-03-01"}`)
	auto := decodeAs[autoAnswer](t, st, 200, body)
	if len(auto.Officers) != 2 || len(auto.Assignments) != 2 || len(auto.Assignments[0].Groups) != 1 || auto.Assignments[0].Cameras != 2 {
		t.Fatalf("auto: %+v", auto)
	}
	if st, _ := post(tok["trucban.b"], "/api/v1/watch/assignments/auto", `{"unit":"cc-a","shift":"2027-03-01"}`); st != 403 {
		t.Fatalf("auto-assign for another unit: %d", st)
	}
	coverage := func() watch.Coverage {
		st, body := do(t, "GET", url+"/api/v1/watch/coverage?unit=cc-a&shift=2027-03-01", tok["giamsat.a1"], "", "")
		return decodeAs[coverageAnswer](t, st, 200, body).Coverage
	}
	if c := coverage(); c.Summary.Cameras != 4 || c.Summary.CoveredPercent != 100 || c.Summary.FullyCovered != 4 {
		t.Fatalf("after the automatic spread: %+v", c.Summary)
	}
	// The officer's tour: the cameras of its group now.
	first := auto.Assignments[0]
	type mine struct {
		Cameras         []watch.TourCamera
		IntervalSeconds int  `json:"interval_seconds"`
		OnDuty          bool `json:"on_duty"`
	}
	st, body = do(t, "GET", url+"/api/v1/watch/mine", tok[first.Officer], "", "")
	m := decodeAs[mine](t, st, 200, body)
	if len(m.Cameras) != 2 || m.Cameras[0].Group != first.Groups[0] || m.IntervalSeconds != 20 || !m.OnDuty {
		t.Fatalf("mine: %+v", m)
	}
	// A leader approves a swap: the first officer's slot goes to an officer
	// on neither day's roster; that group's cameras are now watched by nobody.
	var r struct {
		Effective struct{ Assignments []rosterSlot }
	}
	_, body = do(t, "GET", url+"/api/v1/rosters/"+tok["@roster"], duty, "", "")
	json.Unmarshal([]byte(body), &r)
	idx := slices.IndexFunc(r.Effective.Assignments, func(a rosterSlot) bool {
		return a.Officer == first.Officer
	})
	// The officer on neither day substitutes.
	sub := ""
	for i := 1; i <= 5; i++ {
		o := fmt.Sprintf("giamsat.a%d", i)
		if !slices.ContainsFunc(r.Effective.Assignments, func(a rosterSlot) bool {
			return a.Officer == o
		}) {
			sub = o
		}
	}
	a := r.Effective.Assignments[idx]
	st, body = post(duty, "/api/v1/rosters/"+tok["@roster"]+"/overrides", fmt.Sprintf(`{"shift":%q,"start":%q,"role":"surveillance","from":%q,"to":%q}`,
		a.Shift, a.Start.Format(time.RFC3339), a.Officer, sub))
	if st != 201 {
		t.Fatalf("propose swap: %d %s", st, body)
	}
	if st, body := post(tok["lanhdao.a"], "/api/v1/rosters/"+tok["@roster"]+"/overrides/1/decision", `{"approve":true}`); st != 200 {
		t.Fatalf("approve swap: %d %s", st, body)
	}
	c := coverage()
	if c.Summary.CoveredPercent != 50 || c.Summary.FullyUncovered != 2 {
		t.Fatalf("after the swap: %+v", c.Summary)
	}
	for _, cc := range c.Cameras {
		if len(cc.Uncovered) > 0 && (cc.Uncovered[0].Reason != watch.ReasonOffDuty || cc.Uncovered[0].Officers[0] != first.Officer) {
			t.Fatalf("%s: %+v", cc.Camera, cc.Uncovered)
		}
	}
	// A new spread puts the substitute on those cameras.
	post(duty, "/api/v1/watch/assignments/auto", `{"unit":"cc-a","shift":"2027-03-01"}`)
	if c := coverage(); c.Summary.CoveredPercent != 100 {
		t.Fatalf("after a new spread: %+v", c.Cameras)
	}
	// At 14:00 a camera joins xe-01 (its whole vehicle is a group: watched at
	// once) and a new vehicle xe-05 joins cc-a (no group takes it).
	setNow(time.Date(2027, 3, 1, 14, 0, 0, 0, calendar.Zone))
	h.fleet.Put(fleet.Vehicle{ID: "xe-01", Name: "Xe 01", Unit: "cc-a", Cameras: []fleet.Camera{{ID: "cam1", Name: "Trước"}, {ID: "cam2", Name: "Sau"}, {ID: "cam3", Name: "Nóc"}}})
	h.fleet.Put(fleet.Vehicle{ID: "xe-05", Name: "Xe 05", Unit: "cc-a", Cameras: []fleet.Camera{{ID: "cam1", Name: "Trước"}}})
	c = coverage()
	byRef := map[string]watch.CameraCoverage{}
	for _, cc := range c.Cameras {
		byRef[cc.Camera.String()] = cc
	}
	at14 := time.Date(2027, 3, 1, 14, 0, 0, 0, calendar.Zone)
	if cc := byRef["xe-01/cam3"]; !cc.Scope.From.Equal(at14) || len(cc.Uncovered) != 0 {
		t.Fatalf("new camera of a watched vehicle: %+v", cc)
	}
	if cc := byRef["xe-05/cam1"]; len(cc.Uncovered) != 1 || cc.Uncovered[0].Reason != watch.ReasonAddedLater || !cc.Uncovered[0].From.Equal(at14) {
		t.Fatalf("new vehicle with no group: %+v", cc)
	}
	// Manual assignments: leaders and duty officers, officers of the unit.
	st, body = post(duty, "/api/v1/watch/assignments", fmt.Sprintf(`{"unit":"cc-a","officer":"giamsat.a1","groups":[%q],"from":"2027-03-01T14:00:00+07:00","to":"2027-03-01T20:00:00+07:00"}`, g1.ID))
	man := decodeAs[watch.AssignmentView](t, st, 201, body)
	for who, body := range map[string]string{
		"giamsat.a1": fmt.Sprintf(`{"unit":"cc-a","officer":"giamsat.a1","groups":[%q]}`, g1.ID),
		"trucban.b":  fmt.Sprintf(`{"unit":"cc-a","officer":"giamsat.a1","groups":[%q]}`, g1.ID),
	} {
		if st, _ := post(tok[who], "/api/v1/watch/assignments", body); st != 403 {
			t.Errorf("%s assigned: %d", who, st)
		}
	}
	if st, _ := post(duty, "/api/v1/watch/assignments", fmt.Sprintf(`{"unit":"cc-a","officer":"giamsat.b","groups":[%q]}`, g1.ID)); st != 400 {
		t.Errorf("an officer of another unit assigned: %d", st)
	}
	if st, _ := do(t, "DELETE", url+"/api/v1/watch/assignments/"+man.ID, tok["trucban.b"], "", ""); st != 403 {
		t.Errorf("another unit deleted an assignment: %d", st)
	}
	if st, _ := do(t, "DELETE", url+"/api/v1/watch/assignments/"+man.ID, duty, "", ""); st != 200 {
		t.Errorf("delete: %d", st)
	}
	if recs, err := h.auditLog.Search(audit.Query{Action: "watch."}); err != nil || len(recs) != 6 {
		t.Fatalf("audit records of watch changes: %d %v", len(recs), err)
	}
}

func TestSampleImportAndTasks(t *testing.T) {
	_, url, _, tok := watchHub(t)
	var b strings.Builder
	b.WriteString("\xef\xbb\xbfSố tờ khai;Doanh nghiệp;Loại hình;Luồng\r\n")
	for i := range 40 {
		fmt.Fprintf(&b, "1050%02d;\"Công ty %d; TNHH\";A11;xanh\r\n", i, i)
	}
	b.WriteString("105099;thiếu cột\r\n")
	st, body := do(t, "POST", url+"/api/v1/samples?unit=cc-a&kind=declaration&share=10&seed=7", tok["giamsat.a1"], "text/csv", b.String())
	l := decodeAs[samples.List](t, st, 201, body)
	if l.Items != 40 || l.BadRows != 1 || l.Errors[0].Line != 42 || len(l.Tasks) != 4 || l.Seed != 7 || len(l.Officers) != 2 {
		t.Fatalf("import: %+v", l)
	}
	want := samples.Draw(40, 10, 7)
	for i, tk := range l.Tasks {
		if tk.Line != want[i]+2 || tk.Officer != l.Officers[i%2] {
			t.Fatalf("task %d: %+v", i, tk)
		}
	}
	// Multipart upload, comma separator, vehicles.
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	fw, _ := mw.CreateFormFile("file", "xe.csv")
	fw.Write([]byte("Biển số,Container\n29C-123.45,MSKU1234567\n15H-888.88,TGHU7654321\n"))
	mw.Close()
	st, body = do(t, "POST", url+"/api/v1/samples?unit=cc-a&kind=vehicle&share=5", tok["trucban.a"], mw.FormDataContentType(), mp.String())
	if l2 := decodeAs[samples.List](t, st, 201, body); len(l2.Tasks) != 1 || l2.Seed == 0 {
		t.Fatalf("multipart: %+v", l2)
	}
	for _, c := range []struct {
		who, query, ctype, body string
		want                    int
	}{
		{"giamsat.b", "unit=cc-a&kind=vehicle", "text/csv", "Biển số\n1\n", 403},
		{"giamsat.a1", "unit=cc-a&kind=vehicle", "application/json", "{}", 415},
		{"giamsat.a1", "unit=cc-a&kind=boat", "text/csv", "Biển số\n1\n", 400},
		{"giamsat.a1", "unit=cc-a&kind=vehicle&share=0", "text/csv", "Biển số\n1\n", 400},
		{"giamsat.a1", "unit=cc-a&kind=vehicle", "text/csv", "", 400},
		{"giamsat.a1", "unit=cc-a&kind=vehicle", "text/csv", strings.Repeat("x", samples.MaxBytes+1), 413},
	} {
		if st, body := do(t, "POST", url+"/api/v1/samples?"+c.query, tok[c.who], c.ctype, c.body); st != c.want {
			t.Errorf("%s %s: %d %.200s, want %d", c.who, c.query, st, body, c.want)
		}
	}
	// Closing tasks: one's own, or a duty officer for a colleague.
	other := l.Officers[1]
	done := func(who string, n int, body string) int {
		st, _ := do(t, "POST", fmt.Sprintf("%s/api/v1/samples/%s/tasks/%d/done", url, l.ID, n), tok[who], "application/json", body)
		return st
	}
	if st := done(l.Officers[0], 2, `{"result":"no_finding"}`); st != 403 {
		t.Fatalf("closed a colleague's task: %d", st)
	}
	if st := done(other, 2, `{"result":"suspicious"}`); st != 400 {
		t.Fatalf("suspicious without a note: %d", st)
	}
	if st := done(other, 2, `{"result":"suspicious","note":"Sai mã HS"}`); st != 200 {
		t.Fatalf("close own: %d", st)
	}
	if st := done(other, 2, `{"result":"no_finding"}`); st != 409 {
		t.Fatalf("closed twice: %d", st)
	}
	if st := done("trucban.a", 1, `{"result":"no_finding"}`); st != 200 {
		t.Fatalf("duty officer closing for a colleague: %d", st)
	}
	if st := done("trucban.b", 3, `{"result":"no_finding"}`); st != 403 {
		t.Fatalf("another unit closed a task: %d", st)
	}
	st, body = do(t, "GET", url+"/api/v1/samples?mine=1", tok[other], "", "")
	if mine := decodeAs[[]samples.List](t, st, 200, body); len(mine) != 1 || mine[0].ID != l.ID {
		t.Fatalf("mine: %+v", mine)
	}
	if st, _ := do(t, "GET", url+"/api/v1/samples?unit=cc-a", tok["giamsat.b"], "", ""); st != 403 {
		t.Fatalf("another unit's lists: %d", st)
	}
}
