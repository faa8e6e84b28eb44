package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldwatch/internal/testwait"
	"fieldwatch/sim/demo"
)

// apiProfileAlert is what the test reads of a profile alert.
type apiProfileAlert struct {
	ID, Profile, Type, State, Message string
	Report                            string   `json:"report"`
	AckBy                             string   `json:"ack_by"`
	ResolvedBy                        string   `json:"resolved_by"`
	Note                              string   `json:"note"`
	Audience                          []string `json:"audience"`
}

// postAPI posts a JSON body with a bearer token and returns the status and body.
func postAPI(t *testing.T, d *demo.Demo, token, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, d.URL()+strings.TrimPrefix(path, "/"), strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestConsoleProfiles: the surveillance officer drafts a focus profile in
// the console (a report rule on an enterprise, himself as watcher) and
// submits it; a report naming the enterprise raises nothing yet; Hữu
// Nghị's leader, in his own session, approves it with a note; a crew's
// report naming the enterprise (diacritics and case aside) then raises an
// alert in the officer's AlertsPanel, which he acknowledges and resolves
// with a note.
func TestConsoleProfiles(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 1)
	const officer, leader, crew = "giamsat", "lanhdao.huunghi", "tocongtac.huunghi"
	const title = "Doanh nghiệp Minh Phát Logistics"
	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), officer, seededPassword(t, d, officer))
	waitJS(t, b, 5*time.Second, "profiles in the officer's menu", `!`+q("nav-profiles")+`.hidden`)
	run(t, b, 10*time.Second, clickID("nav-profiles"), visibleID("profiles"), visibleID("palert-panel"), clickID("profiles-new"), visibleID("profile-form"))
	run(t, b, 10*time.Second,
		fillID("prof-title", title),
		fillID("prof-unit", "cc-huu-nghi"),
		fillID("prof-content", "Theo dõi xe của doanh nghiệp nghi vấn chuyển tải hàng cấm qua cửa khẩu."),
		fillID("prof-requirements", "Báo ngay lãnh đạo Chi cục khi có thông tin."),
		fillID("prof-enterprises", "Công ty Minh Phát Logistics"),
		clickID("prof-rule-baocao"),
		// The geofence editor: a circle entered by numbers draws its preview.
		fillID("prof-geo-lat", "21.9688"), fillID("prof-geo-lon", "106.7068"), fillID("prof-geo-radius", "800"))
	eval[bool](t, b, `(`+q("prof-geo-radius")+`.dispatchEvent(new Event('input')), true)`)
	waitJS(t, b, 5*time.Second, "the geofence preview", `document.querySelector('[data-testid="prof-geo-preview"] circle.prof-area') !== null`)
	screenshotTo(t, b, "profile-form")
	run(t, b, 10*time.Second, clickID("prof-save"), visibleID("profile-detail"))
	waitJS(t, b, 10*time.Second, "the draft shown", q("profile-detail")+`?.dataset.state === 'draft'`)
	id := eval[string](t, b, q("profile-detail")+`.dataset.id`)
	run(t, b, 10*time.Second, clickID("profile-submit"))
	waitJS(t, b, 10*time.Second, "the profile submitted", q("profile-detail")+`?.dataset.state === 'submitted'`)
	if eval[bool](t, b, q("profile-approve")+` !== null`) {
		t.Error("the surveillance officer is offered to approve")
	}

	crewToken := apiLogin(t, d, crew)
	report := func(text string) {
		t.Helper()
		if status, body := postAPI(t, d, crewToken, "/api/v1/reports", `{"title":"Xe tải nghi vấn","text":"`+text+`"}`); status != 201 {
			t.Fatalf("report: %d %s", status, body)
		}
	}
	officerToken := apiLogin(t, d, officer)
	alertsOf := func() []apiProfileAlert {
		var all, out []apiProfileAlert
		getJSON(t, d, officerToken, "/api/v1/profile-alerts?mine=1", &all)
		for _, a := range all {
			if a.Profile == id {
				out = append(out, a)
			}
		}
		return out
	}
	report("Xe của cong ty MINH PHAT logistics vào bãi") // not approved yet: no effect
	if got := alertsOf(); len(got) != 0 {
		t.Fatalf("a submitted profile raised %+v", got)
	}
	logoutUI(t, b)

	// The leader, in his own session, approves it with a note.
	loginAs(t, b, d.URL(), leader, seededPassword(t, d, leader))
	goHash(t, b, "#/profiles/"+id)
	pending := `document.querySelector('[data-testid="profiles-pending-list"] [data-testid="profile-item-` + id + `"]')`
	waitJS(t, b, 10*time.Second, "the profile awaiting the leader", pending+` !== null`)
	run(t, b, 10*time.Second, visibleID("profile-approve"), clickID("profile-approve"), visibleID("dialog-input"),
		fillID("dialog-input", "Đồng ý, giao công chức giám sát theo dõi."), clickID("dialog-ok"))
	waitJS(t, b, 10*time.Second, "the profile approved and armed", q("profile-detail")+`?.dataset.state === 'approved' && `+q("profile-detail")+`.dataset.armed === 'true'`)
	step := `[...document.querySelectorAll('[data-testid^="profile-step-"][data-what="approved"]')]`
	waitJS(t, b, 5*time.Second, "the approval in the history", step+`.some((s) => s.textContent.includes('`+leader+`'))`)
	screenshotTo(t, b, "profile-approved")
	logoutUI(t, b)

	// Now a matching report raises one alert for the officer.
	report("Phát hiện xe của Công ty Minh Phát Logistics dừng lâu ở làn xuất")
	var alert apiProfileAlert
	testwait.For(t, 5*time.Second, "the alert raised", func() bool {
		got := alertsOf()
		if len(got) == 1 {
			alert = got[0]
		}
		return len(got) == 1
	})
	if alert.State != "open" || alert.Type != "report_match" || alert.Report == "" || !strings.Contains(alert.Message, title) {
		t.Errorf("alert: %+v", alert)
	}
	loginAs(t, b, d.URL(), officer, seededPassword(t, d, officer))
	run(t, b, 10*time.Second, clickID("nav-profiles"), visibleID("palert-panel"))
	item := "palert-item-" + alert.ID
	waitJS(t, b, 10*time.Second, "the alert in the officer's panel", q(item)+`?.dataset.state === 'open'`)
	if got := textOf(t, b, "palert-msg-"+alert.ID); !strings.Contains(got, "Minh Phát") {
		t.Errorf("the panel says %q", got)
	}
	screenshotTo(t, b, "profile-alert")
	run(t, b, 10*time.Second, clickID("palert-ack-"+alert.ID))
	waitJS(t, b, 10*time.Second, "the alert acknowledged", q(item)+`?.dataset.state === 'acknowledged'`)
	const note = "Đã xem camera, báo lãnh đạo Chi cục; xe đã được kiểm tra."
	run(t, b, 10*time.Second, clickID("palert-resolve-"+alert.ID), visibleID("dialog-input"), fillID("dialog-input", note), clickID("dialog-ok"))
	waitJS(t, b, 10*time.Second, "the resolved alert gone from the panel", q(item)+` === null`)
	got := alertsOf()
	if len(got) != 1 || got[0].State != "resolved" || got[0].Note != note || got[0].AckBy != officer || got[0].ResolvedBy != officer {
		t.Errorf("after resolving: %+v", got)
	}
	var ps []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	getJSON(t, d, officerToken, "/api/v1/profiles?state=approved", &ps)
	if !strings.Contains(mustJSON(ps), id) {
		t.Errorf("the approved list lacks %s: %+v", id, ps)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
