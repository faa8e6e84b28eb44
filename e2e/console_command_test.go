package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fieldwatch/hub/calendar"
	"fieldwatch/sim/demo"
)

// mustPost posts JSON with a bearer token, failing the test unless the hub
// answers 2xx.
func mustPost(t *testing.T, base, token, path string, body, out any) {
	t.Helper()
	if status, err := postAt(base, token, path, body, out); err != nil || status >= 300 {
		t.Fatalf("POST %s: %d %v", path, status, err)
	}
}

// onShift finds who holds a slot of a unit's shift now, per the demo's
// published roster.
func onShift(t *testing.T, d *demo.Demo, token, unit, role string) demo.Login {
	t.Helper()
	var list []struct{ Officer, Role string }
	if err := getAt(d.URL(), token, "api/v1/onduty?unit="+unit, &list); err != nil {
		t.Fatalf("on duty: %v", err)
	}
	for _, o := range list {
		if o.Role == role {
			for _, l := range d.Logins() {
				if l.Username == o.Officer {
					return l
				}
			}
		}
	}
	t.Fatalf("nobody holds the %s slot of %s now: %+v", role, unit, list)
	return demo.Login{}
}

// TestConsoleCommandCentre: the duty officer on shift (per the demo's
// published roster) opens the duty screen and sees that they are on shift
// and who is with them, the alert of the focus profile they watch (raised
// by a matching report), the tour of the cameras assigned to them playing,
// the urgent instruction a leader sent them and the notice of their
// shifts sent when the roster was published, the transmission fault they
// opened, their branch's vehicle on the map with its running mission's
// waypoint, and the mission; the
// leader's screen lists what awaits approval (the suspicious-sign report,
// the unpublished draft roster, a submitted focus profile) and the day's duty report with its
// downloads. A crew account has no duty screen; an officer off shift sees
// when their next shift starts.
func TestConsoleCommandCentre(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 2, 1)
	const unit = "cc-huu-nghi"
	leaderTok := apiLogin(t, d, "lanhdao.huunghi")
	officer := onShift(t, d, leaderTok, unit, "office")
	offTok := apiLogin(t, d, officer.Username)

	mustPost(t, d.URL(), leaderTok, "api/v1/instructions", map[string]any{"users": []string{officer.Username}, "urgent": true,
		"text": "Tăng cường theo dõi camera cổng B từ 14 giờ"}, nil)
	mustPost(t, d.URL(), offTok, "api/v1/incidents", map[string]any{"kind": "transmission", "vehicle": "xe-01", "title": "Mất đường truyền xe 01"}, nil)
	mustPost(t, d.URL(), offTok, "api/v1/dutylog", map[string]any{"kind": "event", "text": "Nhận ca, thiết bị hoạt động bình thường"}, nil)
	// A focus profile the officer drafted, watching for reports on refrigerated
	// containers, approved by the leader: the report below raises its alert.
	var prof struct{ ID string }
	mustPost(t, d.URL(), offTok, "api/v1/profiles", map[string]any{"unit": unit, "title": "Container lạnh quá cảnh",
		"content": "Theo dõi container lạnh quá cảnh qua cửa khẩu", "requirements": "Báo ngay lãnh đạo khi có dấu hiệu",
		"scope": map[string]any{"vehicles": []string{"xe-01"}, "keywords": []string{"container lạnh"}},
		"rules": []map[string]any{{"id": "bc", "type": "report_match"}}, "watchers": []string{officer.Username}}, &prof)
	mustPost(t, d.URL(), offTok, "api/v1/profiles/"+prof.ID+"/submit", map[string]any{}, nil)
	mustPost(t, d.URL(), leaderTok, "api/v1/profiles/"+prof.ID+"/decision", map[string]any{"approve": true, "note": "Đồng ý"}, nil)
	mustPost(t, d.URL(), offTok, "api/v1/reports", map[string]any{"title": "Xe tải nghi chở hàng lậu", "text": "Xe 12C-345.67 chở container lạnh dừng lâu ở bãi",
		"action": "Kiểm tra thực tế", "vehicle": "xe-01"}, nil)
	// The officer watches xe-01's cameras this shift; xe-01 is on a mission.
	var groups []struct{ ID, Name string }
	if err := getAt(d.URL(), leaderTok, "api/v1/watch/groups?unit="+unit, &groups); err != nil || len(groups) == 0 {
		t.Fatalf("the demo's watch groups of %s: %+v %v", unit, groups, err)
	}
	// Assigned from the shift's start until a while from now (two hours, or
	// half of what is left of the shift near its 08:00 end): the rest of the
	// shift is unwatched, which the coverage says, at any time of day.
	now := time.Now()
	vn := now.In(calendar.Zone).Add(-8 * time.Hour)
	shiftStart := time.Date(vn.Year(), vn.Month(), vn.Day(), 8, 0, 0, 0, calendar.Zone)
	until := now.Add(min(2*time.Hour, shiftStart.Add(24*time.Hour).Sub(now)/2))
	mustPost(t, d.URL(), leaderTok, "api/v1/watch/assignments", map[string]any{"unit": unit, "officer": officer.Username, "groups": []string{groups[0].ID},
		"from": shiftStart.Format(time.RFC3339), "to": until.Format(time.RFC3339)}, nil)
	var mission struct{ ID string }
	mustPost(t, d.URL(), offTok, "api/v1/missions", map[string]any{"vehicle": "xe-01", "crew": []string{"tocongtac.huunghi"}, "site": "Bãi kiểm hoá Hữu Nghị",
		"waypoints": []map[string]any{{"name": "Cổng bãi kiểm hoá", "lat": 21.9712, "lon": 106.7081}},
		"from":      time.Now().Add(time.Hour).Format(time.RFC3339), "to": time.Now().Add(3 * time.Hour).Format(time.RFC3339), "purpose": "Giám sát kiểm hoá"}, &mission)
	mustPost(t, d.URL(), offTok, "api/v1/missions/"+mission.ID+"/start", map[string]any{}, nil)
	next := time.Now().AddDate(0, 2, 0).Format("2006-01") + "-01"
	mustPost(t, d.URL(), offTok, "api/v1/rosters", map[string]any{"unit": unit, "from": next, "to": next[:8] + "08"}, nil)

	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), officer.Username, officer.Password)
	waitJS(t, b, 5*time.Second, "the duty screen in the officer's menu", `!`+q("nav-command")+`.hidden`)
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("nav-command"))), chromedp.WaitVisible(chromedp.CSS(testid("command"))))
	waitJS(t, b, 10*time.Second, "the officer shown on shift", q("cc-on-shift")+` !== null`)
	if got := textOf(t, b, "cc-on-shift"); !strings.Contains(got, "Đang trong ca") || !strings.Contains(got, "Văn phòng") {
		t.Errorf("the shift badge reads %q", got)
	}
	if n := eval[int](t, b, `document.querySelectorAll('`+testid("cc-duty-officer")+`').length`); n != 3 {
		t.Errorf("%d officers shown on the shift, want 3", n)
	}
	urgent := `document.querySelector('` + testid("cc-instruction") + `[data-urgent="true"]')`
	waitJS(t, b, 10*time.Second, "the urgent instruction", urgent+` !== null`)
	if got := eval[string](t, b, urgent+`.textContent`); !strings.Contains(got, "cổng B") || !strings.Contains(got, "KHẨN") {
		t.Errorf("the instruction row reads %q", got)
	}
	// The roster's publication told the officer their shifts.
	if !eval[bool](t, b, `[...document.querySelectorAll('`+testid("cc-instruction")+`')].some((r) => r.textContent.includes('đã được công bố'))`) {
		t.Error("no hand-off notice of the published roster awaits the officer")
	}
	waitJS(t, b, 10*time.Second, "the open incident", q("cc-incident")+` !== null`)
	if got := textOf(t, b, "cc-incident"); !strings.Contains(got, "Mất đường truyền xe 01") || !strings.Contains(got, "Hạn") {
		t.Errorf("the incident row reads %q", got)
	}
	waitJS(t, b, 20*time.Second, "the branch's vehicle on the map", `document.querySelector('`+testid("cc-map")+` `+testid("marker-xe-01")+`') !== null`)
	if eval[bool](t, b, q("marker-xe-02")+` !== null`) {
		t.Error("the map shows another branch's vehicle")
	}
	waitJS(t, b, 10*time.Second, "the profile's alert in the officer's panel", `document.querySelector('`+testid("command")+` .palert-item[data-type="report_match"][data-state="open"]') !== null`)
	if got := textOf(t, b, "palert-list"); !strings.Contains(got, "Container lạnh quá cảnh") {
		t.Errorf("the alert panel reads %q", got)
	}
	waitJS(t, b, 10*time.Second, "the open alerts counted in the tab's title", `/^\(\d+\) /.test(document.title)`)
	waitJS(t, b, 20*time.Second, "the tour playing xe-01's camera", q("tour-video-xe-01-cam1")+`?.videoWidth === 640`)
	waitJS(t, b, 10*time.Second, "the running mission's waypoint on the map", `[...document.querySelectorAll('`+testid("cc-map")+` `+testid("map-place")+`')].some((p) => p.textContent.includes('Cổng bãi kiểm hoá'))`)
	waitJS(t, b, 10*time.Second, "xe-01's mission running", `[...document.querySelectorAll('`+testid("cc-mission")+`')].some((r) => r.dataset.state === 'active' && r.textContent.includes('Bãi kiểm hoá Hữu Nghị'))`)
	waitJS(t, b, 10*time.Second, "the shift's coverage", q("cc-coverage-summary")+` !== null`)
	if pct := eval[string](t, b, q("cc-coverage-summary")+`.dataset.percent`); pct == "0" || pct == "100" {
		t.Errorf("coverage %s%%: want part of the shift, as assigned", pct)
	}
	if eval[bool](t, b, q("cc-uncovered")+` !== null`) {
		t.Errorf("a camera shows unwatched now: %s", textOf(t, b, "cc-uncovered"))
	}
	if eval[bool](t, b, q("cc-approvals")+` !== null`) {
		t.Error("a duty officer's screen shows the leader's approvals")
	}
	screenshotTo(t, b, "command-officer")

	lb := newBrowser(t, ctx)
	loginAs(t, lb, d.URL(), "lanhdao.huunghi", demoPassword)
	run(t, lb, 10*time.Second, chromedp.Navigate(d.URL()+"#/command"), chromedp.WaitVisible(chromedp.CSS(testid("cc-approvals"))))
	waitJS(t, lb, 10*time.Second, "the report and the draft roster awaiting the leader",
		`[...document.querySelectorAll('`+testid("cc-approval")+`')].map((e) => e.dataset.kind).sort().join() === 'publish,report'`)
	// A profile awaiting the leader's decision joins the list.
	var draft struct{ ID string }
	mustPost(t, d.URL(), offTok, "api/v1/profiles", map[string]any{"unit": unit, "title": "Xe biển Lào ra vào bãi", "content": "Theo dõi xe biển Lào",
		"requirements": "Ghi nhận giờ ra vào", "scope": map[string]any{"vehicles": []string{"xe-01"}}, "rules": []map[string]any{{"id": "cam", "type": "camera_offline"}},
		"watchers": []string{officer.Username}}, &draft)
	mustPost(t, d.URL(), offTok, "api/v1/profiles/"+draft.ID+"/submit", map[string]any{}, nil)
	waitJS(t, lb, 10*time.Second, "the submitted profile awaiting the leader", `document.querySelector('`+testid("cc-approval")+`[data-kind="profile"]')?.textContent.includes('Xe biển Lào') === true`)
	if got := textOf(t, lb, "cc-approvals"); !strings.Contains(got, "Xe tải nghi chở hàng lậu") || !strings.Contains(got, "chưa công bố") {
		t.Errorf("the approvals read %q", got)
	}
	waitJS(t, lb, 10*time.Second, "the day's duty report", `document.querySelector('`+testid("cc-report-count")+`[data-kind="event"]')?.textContent.includes('1') === true`)
	if n := eval[int](t, lb, `[...document.querySelectorAll('`+testid("cc-report")+` a')].filter((a) => /format=(pdf|xlsx)/.test(a.href)).length`); n != 2 {
		t.Errorf("%d report downloads offered, want PDF and XLSX", n)
	}
	screenshotTo(t, lb, "command-leader")

	crew := loginWithRole(t, d, "crew")
	cb := newBrowser(t, ctx)
	loginAs(t, cb, d.URL(), crew.Username, crew.Password)
	if !eval[bool](t, cb, q("nav-command")+`.hidden`) {
		t.Error("a crew account's menu offers the duty screen")
	}
	// An office officer off shift today sees when their next shift starts.
	var off demo.Login
	for _, l := range d.Logins() {
		if l.Unit == unit && l.Role == "duty" && l.Username != officer.Username {
			off = l
		}
	}
	run(t, cb, 10*time.Second, clickID("user-menu"), clickID("logout"))
	loginAs(t, cb, d.URL(), off.Username, off.Password)
	run(t, cb, 10*time.Second, chromedp.Navigate(d.URL()+"#/command"), chromedp.WaitVisible(chromedp.CSS(testid("command"))))
	waitJS(t, cb, 10*time.Second, "the off-shift officer's next shift", q("cc-next-shift")+` !== null`)
	if got := textOf(t, cb, "cc-off-shift"); !strings.Contains(got, "Không trong ca trực") || !strings.Contains(got, "ca tiếp theo 08:00") {
		t.Errorf("%s's shift badge reads %q", off.Username, got)
	}
}
