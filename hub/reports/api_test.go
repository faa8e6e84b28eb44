package reports

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/photos"
	"fieldwatch/hub/store"
)

type tree map[string]string

func (t tree) Within(unit, ancestor string) bool {
	for u := unit; u != ""; u = t[u] {
		if u == ancestor {
			return true
		}
	}
	return false
}

type vehicles []fleet.Vehicle

func (vs vehicles) UnitOf(id string) (string, error) {
	for _, v := range vs {
		if v.ID == id {
			return v.Unit, nil
		}
	}
	return "", fmt.Errorf("%w: %s", fleet.ErrUnknownVehicle, id)
}

func (vs vehicles) List() ([]fleet.Vehicle, error) { return vs, nil }

// auditor keeps the actions recorded.
type auditor struct {
	mu      sync.Mutex
	actions []string
}

func (a *auditor) Record(_ *http.Request, _ audit.Actor, action, object, _ string) {
	a.Add("", "", action, object, "", "")
}

func (a *auditor) Add(_, _, action, object, _, _ string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.actions = append(a.actions, action+" "+object)
	return nil
}

func (a *auditor) has(action string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.ContainsFunc(a.actions, func(s string) bool { return strings.HasPrefix(s, action+" ") })
}

// sender keeps the instructions sent.
type sender struct {
	mu   sync.Mutex
	sent []messaging.Instruction
}

func (s *sender) Send(from messaging.Sender, _, text string, urgent bool, to []messaging.Target) (messaging.Instruction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := messaging.Instruction{ID: fmt.Sprint("ins-", len(s.sent)+1), From: from.Username, Text: text, Urgent: urgent}
	for _, t := range to {
		in.To = append(in.To, messaging.Recipient{Vehicle: t.Vehicle, Unit: t.Unit, State: messaging.StateSent})
	}
	s.sent = append(s.sent, in)
	return in, nil
}

var tinyPNG = []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1,
	8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0d, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a,
	0x2d, 0xb4, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82}

type fixture struct {
	api   *API
	srv   *apitest.Server
	audit *auditor
	sent  *sender
	filed []Report
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ph, err := photos.New(db, photos.Params{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	fl := vehicles{{ID: "xe-01", Unit: "cc-a"}, {ID: "xe-02", Unit: "cc-b"}}
	scope := access.Scope{Tree: tree{"cuc": "tong-cuc", "cc-a": "cuc", "doi-a": "cc-a", "cc-b": "cuc"}, Vehicles: fl}
	f := &fixture{audit: &auditor{}, sent: &sender{}}
	f.api = NewAPI(APIParams{Reports: New(db, Params{}), Photos: ph, Instructions: f.sent, Fleet: fl, Scope: scope,
		Audit: f.audit, Filed: func(r Report) { f.filed = append(f.filed, r) }, Logger: slog.New(slog.DiscardHandler)})
	f.srv = apitest.New(t, scope, f.api.Routes())
	for _, u := range []auth.User{
		{Username: "tocongtac.a", Name: "Tổ công tác A", Unit: "cc-a", Roles: []string{auth.RoleCrew}},
		{Username: "lanhdao.a", Name: "Lãnh đạo A", Unit: "cc-a", Roles: []string{auth.RoleLeader}},
		{Username: "lanhdao.b", Name: "Lãnh đạo B", Unit: "cc-b", Roles: []string{auth.RoleLeader}},
		{Username: "trucban", Name: "Trực ban", Unit: "cuc", Roles: []string{auth.RoleDuty}},
		{Username: "lanhdao.cuc", Name: "Lãnh đạo Cục", Unit: "cuc", Roles: []string{auth.RoleLeader}},
	} {
		f.srv.User(u)
	}
	return f
}

// A crew member raises a report with a photo; the branch's leader (not a
// sibling branch's) decides; nothing is done before approval; every step is
// on the timeline and in the audit log.
func TestReportNeedsLeaderApproval(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.srv
	if status, body := s.Do("tocongtac.a", "POST", "/api/v1/photos", []byte("not a picture at all")); status != 415 {
		t.Fatalf("non-image photo: %d %s", status, body)
	}
	var photo photos.Photo
	s.JSON("tocongtac.a", "POST", "/api/v1/photos", tinyPNG, 201, &photo)
	if len(photo.ID) != 64 {
		t.Fatalf("photo: %+v", photo)
	}
	if _, again := s.Do("tocongtac.a", "POST", "/api/v1/photos", tinyPNG); !strings.Contains(string(again), photo.ID) {
		t.Fatalf("the same photo twice: %s", again)
	}
	req := map[string]any{"client_id": "dien-thoai-1", "title": "Xe tải nghi vấn", "text": "Container không niêm phong", "vehicle": "xe-01",
		"action": "Dừng xe, kiểm tra thực tế", "photos": []string{photo.ID}, "position": map[string]float64{"lat": 21.85, "lon": 106.76}, "via": "phone"}
	var rep Report
	s.JSON("tocongtac.a", "POST", "/api/v1/reports", req, 201, &rep)
	if rep.State != "pending" || rep.Via != "phone" || rep.Unit != "cc-a" {
		t.Fatalf("create: %+v", rep)
	}
	var again Report
	s.JSON("tocongtac.a", "POST", "/api/v1/reports", req, 201, &again)
	if again.ID != rep.ID {
		t.Fatalf("a resent report (same client_id) made another: %s", again.ID)
	}
	var list []Report
	s.JSON("lanhdao.a", "GET", "/api/v1/reports?state=pending", nil, 200, &list)
	if !slices.ContainsFunc(list, func(r Report) bool { return r.ID == rep.ID }) {
		t.Errorf("the branch's leader does not see the pending report: %+v", list)
	}
	s.JSON("lanhdao.b", "GET", "/api/v1/reports?state=pending", nil, 200, &list)
	if slices.ContainsFunc(list, func(r Report) bool { return r.ID == rep.ID }) {
		t.Errorf("a sibling branch's leader sees it")
	}
	if status, _ := s.Do("lanhdao.b", "GET", "/api/v1/photos/"+photo.ID, nil); status != 403 {
		t.Errorf("sibling leader reads the photo: %d", status)
	}
	// A photo uploaded by a department officer, on a report about a branch's vehicle: the branch's leader sees it.
	var deptPhoto photos.Photo
	s.JSON("trucban", "POST", "/api/v1/photos", append(slices.Clone(tinyPNG), 'x'), 201, &deptPhoto)
	s.JSON("trucban", "POST", "/api/v1/reports", map[string]any{"title": "Từ Cục", "vehicle": "xe-01", "photos": []string{deptPhoto.ID}}, 201, nil)
	if status, _ := s.Do("lanhdao.a", "GET", "/api/v1/photos/"+deptPhoto.ID, nil); status != 200 {
		t.Errorf("the branch leader cannot see the photo of a report on its vehicle: %d", status)
	}
	if status, body := s.Do("tocongtac.a", "POST", "/api/v1/reports/"+rep.ID+"/done", map[string]any{"note": "làm luôn"}); status != 409 || !strings.Contains(string(body), "not_approved") {
		t.Fatalf("done before approval: %d %s", status, body)
	}
	if status, _ := s.Do("lanhdao.b", "POST", "/api/v1/reports/"+rep.ID+"/decision", map[string]any{"decision": "approve"}); status != 403 {
		t.Fatalf("sibling leader decides: %d", status)
	}
	if status, _ := s.Do("tocongtac.a", "POST", "/api/v1/reports/"+rep.ID+"/decision", map[string]any{"decision": "approve"}); status != 403 {
		t.Fatalf("crew decides: %d", status)
	}
	s.JSON("lanhdao.a", "POST", "/api/v1/reports/"+rep.ID+"/reply", map[string]any{"text": "Giữ nguyên hiện trường, chờ tôi"}, 200, nil)
	s.JSON("lanhdao.a", "POST", "/api/v1/reports/"+rep.ID+"/decision", map[string]any{"decision": "approve", "note": "Đồng ý kiểm tra"}, 200, nil)
	if status, _ := s.Do("lanhdao.a", "POST", "/api/v1/reports/"+rep.ID+"/decision", map[string]any{"decision": "reject"}); status != 409 {
		t.Fatalf("decided twice: %d", status)
	}
	s.JSON("tocongtac.a", "POST", "/api/v1/reports/"+rep.ID+"/done", map[string]any{"note": "Đã kiểm tra, lập biên bản"}, 200, &rep)
	if rep.State != "done" {
		t.Fatalf("done: %+v", rep)
	}
	var steps []string
	for _, st := range rep.Timeline {
		steps = append(steps, st.What)
	}
	if strings.Join(steps, ",") != "raised,replied,approved,done" {
		t.Errorf("timeline %v", steps)
	}
	// The reply went to the vehicle as an instruction, named on the timeline.
	if len(f.sent.sent) != 1 || f.sent.sent[0].Text != "Giữ nguyên hiện trường, chờ tôi" || f.sent.sent[0].To[0].Vehicle != "xe-01" ||
		rep.Timeline[1].Instruction != f.sent.sent[0].ID {
		t.Errorf("reply instruction: %+v, timeline %+v", f.sent.sent, rep.Timeline[1])
	}
	for _, want := range []string{"report.create", "report.reply", "report.approve", "report.done", "instruction.send"} {
		if !f.audit.has(want) {
			t.Errorf("audit lacks %s: %v", want, f.audit.actions)
		}
	}
	if len(f.filed) != 3 { // the resent report is filed again for the profiles, as before
		t.Errorf("profiles told of %d reports", len(f.filed))
	}
}

// Requests that break a rule, or name what does not exist, get their
// status.
func TestReportErrors(t *testing.T) {
	t.Parallel()
	s := newFixture(t).srv
	for _, c := range []struct {
		user, method, path string
		body               any
		want               int
	}{
		{"tocongtac.a", "POST", "/api/v1/reports", map[string]any{"title": " "}, 400},
		{"tocongtac.a", "POST", "/api/v1/reports", map[string]any{"title": "x", "vehicle": "xe-02"}, 403},
		{"tocongtac.a", "POST", "/api/v1/reports", map[string]any{"title": "x", "vehicle": "xe-99"}, 404},
		{"tocongtac.a", "POST", "/api/v1/reports", map[string]any{"title": "x", "photos": []string{strings.Repeat("a", 64)}}, 400},
		{"tocongtac.a", "POST", "/api/v1/reports", map[string]any{"title": "x", "position": map[string]float64{"lat": 91}}, 400},
		{"lanhdao.a", "GET", "/api/v1/reports/nope", nil, 404},
		{"lanhdao.a", "POST", "/api/v1/reports/nope/decision", map[string]any{"decision": "maybe"}, 400},
		{"lanhdao.a", "GET", "/api/v1/photos/nope", nil, 404},
	} {
		if status, body := s.Do(c.user, c.method, c.path, c.body); status != c.want {
			t.Errorf("%s %s %v: %d %s, want %d", c.method, c.path, c.body, status, body, c.want)
		}
	}
	// A unit with no vehicle: an empty reply is refused.
	var rep Report
	s.JSON("trucban", "POST", "/api/v1/reports", map[string]any{"title": "Cục"}, 201, &rep)
	if status, _ := s.Do("lanhdao.cuc", "POST", "/api/v1/reports/"+rep.ID+"/reply", map[string]any{"text": " "}); status != 400 {
		t.Errorf("empty reply: %d", status)
	}
}

// A crew report that came through the vehicle's outbox is filed once, for
// the vehicle's unit; an unreadable one is dropped.
func TestVehicleReport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	body, _ := json.Marshal(map[string]any{"client_id": "xe-1", "by": "Tổ 1", "title": "Xe nghi vấn", "lat": 21.8, "lon": 106.7})
	for range 2 {
		if err := f.api.VehicleReport("xe-02", body); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []string{`{"title":"no client id"}`, `not json`, `{"client_id":"c","title":""}`} {
		if err := f.api.VehicleReport("xe-02", json.RawMessage(bad)); err != nil {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if err := f.api.VehicleReport("xe-99", body); err != nil {
		t.Errorf("unknown vehicle: %v", err)
	}
	list, _ := f.api.p.Reports.List(func(*Report) bool { return true }, 0)
	if len(list) != 1 || list[0].Unit != "cc-b" || list[0].By != "vehicle:xe-02" || list[0].Via != "vehicle" || list[0].Position == nil {
		t.Fatalf("filed: %+v", list)
	}
	if !f.audit.has("report.create") {
		t.Errorf("audit: %v", f.audit.actions)
	}
}
