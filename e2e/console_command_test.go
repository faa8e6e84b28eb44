package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
// and who is with them, the urgent instruction a leader sent them, the
// transmission fault they opened, and their branch's vehicle on the map; the
// leader's screen lists what awaits approval (the suspicious-sign report
// and the unpublished draft roster) and the day's duty report with its
// downloads. A crew account has no duty screen.
func TestConsoleCommandCentre(t *testing.T) {
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
	mustPost(t, d.URL(), offTok, "api/v1/reports", map[string]any{"title": "Xe tải nghi chở hàng lậu", "text": "Xe 12C-345.67 dừng lâu ở bãi",
		"action": "Kiểm tra thực tế", "vehicle": "xe-01"}, nil)
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
	waitJS(t, b, 10*time.Second, "the urgent instruction", q("cc-instruction")+`?.dataset.urgent === 'true'`)
	if got := textOf(t, b, "cc-instruction"); !strings.Contains(got, "cổng B") || !strings.Contains(got, "KHẨN") {
		t.Errorf("the instruction row reads %q", got)
	}
	waitJS(t, b, 10*time.Second, "the open incident", q("cc-incident")+` !== null`)
	if got := textOf(t, b, "cc-incident"); !strings.Contains(got, "Mất đường truyền xe 01") || !strings.Contains(got, "Hạn") {
		t.Errorf("the incident row reads %q", got)
	}
	waitJS(t, b, 20*time.Second, "the branch's vehicle on the map", `document.querySelector('`+testid("cc-map")+` `+testid("marker-xe-01")+`') !== null`)
	if eval[bool](t, b, q("marker-xe-02")+` !== null`) {
		t.Error("the map shows another branch's vehicle")
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
	if got := textOf(t, lb, "cc-approvals"); !strings.Contains(got, "Xe tải nghi chở hàng lậu") || !strings.Contains(got, "chưa công bố") {
		t.Errorf("the approvals read %q", got)
	}
	waitJS(t, lb, 10*time.Second, "the day's duty report", `document.querySelector('`+testid("cc-report-count")+`[data-kind="event"]')?.textContent.includes('1')`)
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
}
