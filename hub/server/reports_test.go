package server

import (
	"encoding/json"
	"strings"
	"testing"

	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
)

// A crew member raises a report with a photo; the branch's leader (not a
// sibling branch's) decides; nothing is done before approval; every step is
// on the timeline and in the audit log.
func TestReportNeedsLeaderApproval(t *testing.T) {
	h, srv := newTestHub(t)
	for _, u := range []auth.User{
		{Username: "tocongtac.a", Name: "Tổ công tác A", Unit: "cc-a", Roles: []string{auth.RoleCrew}},
		{Username: "lanhdao.a", Name: "Lãnh đạo A", Unit: "cc-a", Roles: []string{auth.RoleLeader}},
		{Username: "lanhdao.b", Name: "Lãnh đạo B", Unit: "cc-b", Roles: []string{auth.RoleLeader}},
	} {
		if err := h.auth.PutUser(u, password); err != nil {
			t.Fatal(err)
		}
	}
	crew, leaderA, leaderB := loginAs(t, h, "tocongtac.a", password), loginAs(t, h, "lanhdao.a", password), loginAs(t, h, "lanhdao.b", password)

	if status, body := do(t, "POST", srv.URL+"/api/v1/photos", crew, "image/png", "not a picture at all"); status != 415 {
		t.Fatalf("non-image photo: %d %s", status, body)
	}
	status, body := do(t, "POST", srv.URL+"/api/v1/photos", crew, "image/png", tinyPNG)
	var photo struct{ ID string }
	if status != 201 || json.Unmarshal([]byte(body), &photo) != nil || len(photo.ID) != 64 {
		t.Fatalf("photo: %d %s", status, body)
	}
	if _, again := do(t, "POST", srv.URL+"/api/v1/photos", crew, "image/png", tinyPNG); !strings.Contains(again, photo.ID) {
		t.Fatalf("the same photo twice: %s", again)
	}
	req := `{"client_id":"dien-thoai-1","title":"Xe tải nghi vấn","text":"Container không niêm phong","vehicle":"xe-01",` +
		`"action":"Dừng xe, kiểm tra thực tế","photos":["` + photo.ID + `"],"position":{"lat":21.85,"lon":106.76},"via":"phone"}`
	status, body = do(t, "POST", srv.URL+"/api/v1/reports", crew, "application/json", req)
	var rep struct {
		ID, State string
		Timeline  []struct{ What string }
	}
	if status != 201 || json.Unmarshal([]byte(body), &rep) != nil || rep.State != "pending" {
		t.Fatalf("create: %d %s", status, body)
	}
	if _, again := do(t, "POST", srv.URL+"/api/v1/reports", crew, "application/json", req); !strings.Contains(again, rep.ID) {
		t.Fatalf("a resent report (same client_id) made another: %s", again)
	}
	if _, list := do(t, "GET", srv.URL+"/api/v1/reports?state=pending", leaderA, "", ""); !strings.Contains(list, rep.ID) {
		t.Errorf("the branch's leader does not see the pending report: %s", list)
	}
	if _, list := do(t, "GET", srv.URL+"/api/v1/reports?state=pending", leaderB, "", ""); strings.Contains(list, rep.ID) {
		t.Errorf("a sibling branch's leader sees it: %s", list)
	}
	if status, _ := do(t, "GET", srv.URL+"/api/v1/photos/"+photo.ID, leaderB, "", ""); status != 403 {
		t.Errorf("sibling leader reads the photo: %d", status)
	}
	// A photo uploaded by a department officer, on a report about a branch's vehicle: the branch's leader sees it.
	dept := loginAs(t, h, "trucban", password)
	_, body = do(t, "POST", srv.URL+"/api/v1/photos", dept, "image/png", tinyPNG+"x")
	var deptPhoto struct{ ID string }
	json.Unmarshal([]byte(body), &deptPhoto)
	if status, body := do(t, "POST", srv.URL+"/api/v1/reports", dept, "application/json",
		`{"title":"Từ Cục","vehicle":"xe-01","photos":["`+deptPhoto.ID+`"]}`); status != 201 {
		t.Fatalf("department report: %d %s", status, body)
	}
	if status, _ := do(t, "GET", srv.URL+"/api/v1/photos/"+deptPhoto.ID, leaderA, "", ""); status != 200 {
		t.Errorf("the branch leader cannot see the photo of a report on its vehicle: %d", status)
	}
	if status, body := do(t, "POST", srv.URL+"/api/v1/reports/"+rep.ID+"/done", crew, "application/json", `{"note":"làm luôn"}`); status != 409 || !strings.Contains(body, "not_approved") {
		t.Fatalf("done before approval: %d %s", status, body)
	}
	if status, _ := do(t, "POST", srv.URL+"/api/v1/reports/"+rep.ID+"/decision", leaderB, "application/json", `{"decision":"approve"}`); status != 403 {
		t.Fatalf("sibling leader decides: %d", status)
	}
	if status, _ := do(t, "POST", srv.URL+"/api/v1/reports/"+rep.ID+"/decision", crew, "application/json", `{"decision":"approve"}`); status != 403 {
		t.Fatalf("crew decides: %d", status)
	}
	if status, body := do(t, "POST", srv.URL+"/api/v1/reports/"+rep.ID+"/reply", leaderA, "application/json", `{"text":"Giữ nguyên hiện trường, chờ tôi"}`); status != 200 {
		t.Fatalf("reply: %d %s", status, body)
	}
	if status, body := do(t, "POST", srv.URL+"/api/v1/reports/"+rep.ID+"/decision", leaderA, "application/json", `{"decision":"approve","note":"Đồng ý kiểm tra"}`); status != 200 {
		t.Fatalf("approve: %d %s", status, body)
	}
	if status, _ := do(t, "POST", srv.URL+"/api/v1/reports/"+rep.ID+"/decision", leaderA, "application/json", `{"decision":"reject"}`); status != 409 {
		t.Fatalf("decided twice: %d", status)
	}
	status, body = do(t, "POST", srv.URL+"/api/v1/reports/"+rep.ID+"/done", crew, "application/json", `{"note":"Đã kiểm tra, lập biên bản"}`)
	if status != 200 || json.Unmarshal([]byte(body), &rep) != nil || rep.State != "done" {
		t.Fatalf("done: %d %s", status, body)
	}
	var steps []string
	for _, s := range rep.Timeline {
		steps = append(steps, s.What)
	}
	if strings.Join(steps, ",") != "raised,replied,approved,done" {
		t.Errorf("timeline %v", steps)
	}
	// The reply went to the vehicle as an instruction.
	if _, list := do(t, "GET", srv.URL+"/api/v1/instructions", leaderA, "", ""); !strings.Contains(list, "Giữ nguyên hiện trường") {
		t.Errorf("reply instruction missing: %s", list)
	}
	recs, _ := h.auditLog.Search(audit.Query{Object: rep.ID})
	var acts []string
	for _, r := range recs {
		acts = append(acts, r.Action)
	}
	for _, want := range []string{"report.create", "report.reply", "report.approve", "report.done", "access.denied"} {
		all, _ := h.auditLog.Search(audit.Query{Action: want})
		if len(all) == 0 {
			t.Errorf("audit lacks %s (report's: %v)", want, acts)
		}
	}
}
