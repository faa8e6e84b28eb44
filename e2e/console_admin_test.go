package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fieldwatch/internal/testwait"
	"fieldwatch/sim/demo"
)

// fillID fills an input or picks an option (the page reads .value).
func fillID(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(testid(id)), value)
}

func clickID(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(testid(id)))
}

func visibleID(id string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(testid(id)))
}

// textOf is the text of the element with a data-testid ("" when absent).
func textOf(t *testing.T, b context.Context, id string) string {
	t.Helper()
	return eval[string](t, b, `(`+q(id)+`?.textContent || '')`)
}

// screenshotTo saves a screenshot of the page when FIELDWATCH_SCREENSHOTS names a
// directory, to look at the pages these tests walk through.
func screenshotTo(t *testing.T, b context.Context, name string) {
	t.Helper()
	dir := os.Getenv("FIELDWATCH_SCREENSHOTS")
	if dir == "" {
		return
	}
	c, cancel := context.WithTimeout(b, testwait.Deadline(busy*10*time.Second))
	defer cancel()
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Log(err)
	}
}

// goHash opens a page of the console by its address, as a user typing it.
func goHash(t *testing.T, b context.Context, hash string) {
	t.Helper()
	eval[bool](t, b, `(location.hash = '`+hash+`', true)`)
}

// logoutUI signs out through the user menu and waits for the login form.
func logoutUI(t *testing.T, b context.Context) {
	t.Helper()
	run(t, b, 10*time.Second, clickID("user-menu"), visibleID("logout"), clickID("logout"), visibleID("username"))
}

func seededPassword(t *testing.T, d *demo.Demo, user string) string {
	t.Helper()
	for _, l := range d.Logins() {
		if l.Username == user {
			return l.Password
		}
	}
	t.Fatalf("the demo seeds no account %s", user)
	return ""
}

// TestConsoleAdminCreatesAccount: the administrator creates an account in
// the administration page; logging in with it, the console asks for a new
// password (refusing a common one) and then shows the vehicles grid.
func TestConsoleAdminCreatesAccount(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 1)
	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), "admin", seededPassword(t, d, "admin"))
	waitJS(t, b, 5*time.Second, "administration in the administrator's menu", `!`+q("nav-admin")+`.hidden && !`+q("nav-audit")+`.hidden`)

	const user, initial, chosen = "kiemtra.huunghi", "Ban-dau-7Qx-2026", "Cua-khau-Huu-Nghi-26"
	run(t, b, 15*time.Second, clickID("nav-admin"), visibleID("admin-tab-users"), clickID("admin-tab-users"), visibleID("user-admin"),
		clickID("user-add"), visibleID("user-form"),
		fillID("user-username", user), fillID("user-name", "Nguyễn Văn Kiểm Tra"), fillID("user-unit", "cc-huu-nghi"),
		clickID("user-role-duty"), fillID("user-password", initial), clickID("user-save"),
		visibleID("user-"+user))
	waitJS(t, b, 5*time.Second, "the new account waiting for its first password change", q("user-"+user)+`.dataset.state === 'must_change'`)
	if got := textOf(t, b, "user-state-"+user); got != "Chờ đổi mật khẩu ban đầu" {
		t.Errorf("the new account's state reads %q", got)
	}
	screenshotTo(t, b, "admin-users")
	logoutUI(t, b)

	run(t, b, 15*time.Second, fillID("username", user), fillID("password", initial), clickID("login-submit"), visibleID("pw-form"), visibleID("pw-forced"))
	waitJS(t, b, 2*time.Second, "no menu while the password must change", `document.getElementById('nav').hidden && `+q("user-menu")+`.hidden`)
	screenshotTo(t, b, "password-forced")
	// A common password is refused by the hub, with the reason.
	run(t, b, 10*time.Second, fillID("pw-old", initial), fillID("pw-new", "haiquan12345"), fillID("pw-confirm", "haiquan12345"), clickID("pw-submit"))
	waitJS(t, b, 5*time.Second, "the hub refusing a common password", q("pw-error")+`.textContent.includes('phổ biến')`)
	// Neither going elsewhere nor reloading gets round the form.
	goHash(t, b, "#/map")
	if eval[bool](t, b, q("pw-form")+` === null`) {
		t.Fatal("the password form went away on a hash change")
	}
	goHash(t, b, "#/")
	run(t, b, 15*time.Second, chromedp.Reload(), visibleID("pw-forced"))
	run(t, b, 20*time.Second, fillID("pw-old", initial), fillID("pw-new", chosen), fillID("pw-confirm", chosen), clickID("pw-submit"), visibleID("vehicles"))
	waitJS(t, b, 5*time.Second, "the duty officer's menu", `!document.getElementById('nav').hidden && `+q("nav-admin")+`.hidden && !`+q("nav-instructions")+`.hidden`)

	// The new password works from now on, and the account no longer waits.
	logoutUI(t, b)
	loginAs(t, b, d.URL(), user, chosen)
	logoutUI(t, b)
	loginAs(t, b, d.URL(), "admin", seededPassword(t, d, "admin"))
	goHash(t, b, "#/admin/users")
	run(t, b, 10*time.Second, visibleID("user-"+user))
	waitJS(t, b, 5*time.Second, "the account active", q("user-"+user)+`.dataset.state === 'active'`)
}

// TestConsoleInstructionAcknowledged: the department's leader sends an
// urgent instruction to a vehicle from the instructions page and watches it
// reach the vehicle and come back acknowledged by the crew.
func TestConsoleInstructionAcknowledged(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 1)
	vehicle := d.VehicleIDs()[0]
	token := apiLogin(t, d, "lanhdao")
	testwait.For(t, 20*time.Second, "vehicle online", func() bool { return vehicles(t, d, token)[vehicle].Online })

	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), "lanhdao", seededPassword(t, d, "lanhdao"))
	const order = "Kiểm tra container TCNU1234567 tại bãi B, báo cáo ngay."
	run(t, b, 15*time.Second, clickID("nav-instructions"), visibleID("ins-compose"), visibleID("ins-vehicle-"+vehicle),
		fillID("ins-text", order), clickID("ins-urgent"), clickID("ins-vehicle-"+vehicle), clickID("ins-send"))
	waitJS(t, b, 10*time.Second, "the instruction sent", q("ins-message")+`.dataset.kind === 'ok'`)
	mine := `[...document.querySelectorAll('.ins-card')].find((c) => c.querySelector('.ins-text')?.textContent === '` + order + `')`
	waitJS(t, b, 10*time.Second, "the instruction listed", `!!`+mine)
	id := eval[string](t, b, mine+`.dataset.id`)
	card, chip := q("ins-"+id), q("ins-"+id+"-"+vehicle)
	if got := eval[string](t, b, card+`.querySelector('.ins-text').textContent`); got != order {
		t.Errorf("the card reads %q", got)
	}
	if got := textOf(t, b, "ins-urgent-"+id); got != "KHẨN" {
		t.Errorf("urgent mark reads %q", got)
	}
	waitJS(t, b, 15*time.Second, "the vehicle has it", `['delivered', 'read'].includes(`+chip+`?.dataset.state)`)
	if got := textOf(t, b, "ins-state-"+id+"-"+vehicle); got != "Đã nhận" && got != "Đã đọc" {
		t.Errorf("state chip reads %q", got)
	}
	screenshotTo(t, b, "instructions-delivered")

	// The crew acknowledges on the vehicle.
	mail := d.Node(vehicle).Mailbox()
	testwait.For(t, 10*time.Second, "the crew acknowledging", func() bool {
		_, err := mail.Mark(id, "acknowledged", "Tổ 1")
		return err == nil
	})
	waitJS(t, b, 15*time.Second, "the acknowledgement on the console", chip+`.dataset.state === 'acknowledged'`)
	if got := textOf(t, b, "ins-state-"+id+"-"+vehicle); got != "Đã xác nhận" {
		t.Errorf("state chip reads %q, want Đã xác nhận", got)
	}
	if got := eval[string](t, b, chip+`.textContent`); !strings.Contains(got, "Tổ 1") {
		t.Errorf("the chip %q does not say who acknowledged", got)
	}
	if got := eval[string](t, b, card+`.querySelector('.ins-progress').textContent`); got != "1/1 phương tiện đã xác nhận" {
		t.Errorf("progress reads %q", got)
	}
	screenshotTo(t, b, "instructions-acknowledged")
}

// TestConsoleAuditChain: the administrator's audit page says the chain is
// intact and lists the login; other roles have no way in.
func TestConsoleAuditChain(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 1)
	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), "admin", seededPassword(t, d, "admin"))
	run(t, b, 10*time.Second, clickID("nav-audit"), visibleID("aud-chain"))
	waitJS(t, b, 10*time.Second, "the chain checked", q("aud-chain")+`.dataset.ok !== undefined`)
	if ok := eval[string](t, b, q("aud-chain")+`.dataset.ok`); ok != "true" {
		t.Fatalf("chain_ok %s: %s", ok, textOf(t, b, "aud-chain"))
	}
	if got := textOf(t, b, "aud-chain"); !strings.Contains(got, "toàn vẹn") {
		t.Errorf("chain status reads %q", got)
	}
	login := `[...document.querySelectorAll('[data-testid^="aud-row-"]')].some((r) => r.dataset.action === 'auth.login' && r.dataset.user === 'admin')`
	waitJS(t, b, 5*time.Second, "the administrator's login listed", login)
	screenshotTo(t, b, "audit")

	// Filtering by action keeps only logins.
	run(t, b, 10*time.Second, fillID("aud-action", "auth.login"), fillID("aud-user", "admin"), clickID("aud-search"))
	waitJS(t, b, 10*time.Second, "only the administrator's logins", `(() => {
		const rows = [...document.querySelectorAll('[data-testid^="aud-row-"]')];
		return rows.length > 0 && rows.every((r) => r.dataset.action.startsWith('auth.login') && r.dataset.user === 'admin');
	})()`)
	if h := eval[string](t, b, `location.hash`); !strings.Contains(h, "action=auth.login") {
		t.Errorf("the filter is not in the address: %s", h)
	}
	// The download is the log as JSON lines, ending with the chain's check.
	export := eval[string](t, b, q("aud-export")+`.getAttribute('href')`)
	c, cancel := context.WithTimeout(b, testwait.Deadline(busy*10*time.Second))
	defer cancel()
	last, err := chromedp.Run(c, chromedp.Evaluate[string](`fetch('`+export+`').then((r) => r.text()).then((s) => s.trim().split('\n').pop())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(last, `"chain_ok":true`) {
		t.Errorf("export ends with %q", last)
	}

	// A leader has neither menu entry, and the address alone shows a clear refusal.
	logoutUI(t, b)
	loginAs(t, b, d.URL(), "lanhdao", seededPassword(t, d, "lanhdao"))
	if eval[bool](t, b, `!`+q("nav-audit")+`.hidden || !`+q("nav-admin")+`.hidden`) {
		t.Error("a leader sees the administrator's menu entries")
	}
	for _, page := range []string{"#/audit", "#/admin/users"} {
		goHash(t, b, page)
		run(t, b, 10*time.Second, visibleID("forbidden"))
		if got := textOf(t, b, "forbidden"); !strings.Contains(got, "không có quyền") {
			t.Errorf("%s: refusal reads %q", page, got)
		}
	}
}
