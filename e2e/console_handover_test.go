package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleHandover: a shift handed over by two duty officers of Hữu
// Nghị, each in his own browser session (separate browser contexts, so
// separate cookies). The outgoing officer writes the log, one entry left
// open, and hands over with a summary; the incoming officer sees the
// pending handover with the open item and takes over; the outgoing
// officer's page then shows it accepted, and the history names both. The
// daily report downloads as a PDF from the page.
func TestConsoleHandover(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 1)
	const out, in = "trucban.huunghi", "trucban2.huunghi"
	const outName, inName = "Trực ban Chi cục Hữu Nghị", "Nguyễn Văn An"
	const openItem = "Camera cổng 2 mất tín hiệu từ 14:05, đã báo kỹ thuật"

	a := newBrowser(t, ctx)
	loginAs(t, a, d.URL(), out, seededPassword(t, d, out))
	waitJS(t, a, 5*time.Second, "the duty log in the menu", `!`+q("nav-dutylog")+`.hidden`)
	run(t, a, 10*time.Second, clickID("nav-dutylog"), visibleID("dl-form"), visibleID("ho-form"))
	write := func(kind, text string, open bool) {
		steps := []chromedp.Action[chromedp.Void]{fillID("dl-kind", kind), fillID("dl-text", text)}
		if open {
			steps = append(steps, clickID("dl-open"))
		}
		run(t, a, 10*time.Second, append(steps, clickID("dl-add"))...)
		waitJS(t, a, 5*time.Second, "the entry listed", `[...document.querySelectorAll('`+testid("dl-entry")+`')].some((r) => r.textContent.includes(`+hoQuote(text)+`))`)
	}
	write("event", "Xe 29C-123.45 qua cổng xuất lúc 09:10, niêm phong nguyên vẹn", false)
	write("equipment", openItem, true)
	if got := eval[int](t, a, `document.querySelectorAll('`+testid("dl-entry")+`[data-open="true"]').length`); got != 1 {
		t.Fatalf("%d open entries, want 1", got)
	}
	waitJS(t, a, 5*time.Second, "the open item offered for handover", q("ho-form")+`.textContent.includes(`+hoQuote(openItem)+`)`)
	run(t, a, 10*time.Second, fillID("ho-summary", "Ca trực bình thường; camera cổng 2 chưa khắc phục, theo dõi tiếp."), clickID("ho-submit"), visibleID("ho-waiting"))
	screenshotTo(t, a, "handover-pending-outgoing")

	// The incoming officer, in a separate browser context of his own.
	bctx, cancel := chromedp.NewContext(a, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(bctx); err != nil { // the tab lives as long as bctx
		t.Fatal(err)
	}
	loginAs(t, bctx, d.URL(), in, seededPassword(t, d, in))
	if who := textOf(t, bctx, "user-menu"); !strings.Contains(who, inName) {
		t.Fatalf("the second session is %q, want %s's own", who, inName)
	}
	goHash(t, bctx, "#/dutylog")
	run(t, bctx, 10*time.Second, visibleID("ho-pending"), visibleID("ho-accept"))
	if got := textOf(t, bctx, "ho-pending"); !strings.Contains(got, outName) || !strings.Contains(got, "camera cổng 2 chưa khắc phục") {
		t.Errorf("the pending handover reads %q", got)
	}
	if items := eval[[]string](t, bctx, `[...document.querySelectorAll('`+testid("ho-open-item")+`')].map((e) => e.textContent)`); len(items) != 1 || !strings.Contains(items[0], openItem) {
		t.Errorf("open items handed over: %q", items)
	}
	screenshotTo(t, bctx, "handover-pending-incoming")
	run(t, bctx, 10*time.Second, fillID("ho-note", "Đã nhận ca, tiếp tục theo dõi camera cổng 2"), clickID("ho-accept"), visibleID("ho-last-accepted"))

	// The outgoing officer's page, refreshed on its own, shows it accepted.
	waitJS(t, a, 10*time.Second, "the handover accepted on the outgoing officer's page",
		q("ho-row")+`?.dataset.state === 'accepted' && !`+q("ho-pending"))
	row := textOf(t, a, "ho-row")
	if !strings.Contains(row, outName) || !strings.Contains(row, inName) || !strings.Contains(row, "Đã nhận ca, tiếp tục") {
		t.Errorf("the history row reads %q, want both officers and the note", row)
	}
	screenshotTo(t, a, "handover-accepted")

	// The daily report downloads as a PDF with the session's cookie.
	href := eval[string](t, a, q("dl-pdf")+`.href`)
	if !strings.Contains(href, "format=pdf") || !strings.Contains(href, "unit=") {
		t.Fatalf("PDF link %q", href)
	}
	c, cancelFetch := context.WithTimeout(a, 10*time.Second)
	defer cancelFetch()
	res, err := chromedp.Run(c, chromedp.Evaluate[string](`fetch(`+hoQuote(href)+`).then(async (r) => r.status + ' ' + r.headers.get('content-type') + ' ' +
		r.headers.get('content-disposition') + ' ' + new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res, "200 application/pdf attachment; filename=\"bao-cao-truc-ban_") || !strings.HasSuffix(res, "%PDF-") {
		t.Errorf("PDF download: %q", res)
	}
}

// TestConsoleCalendarAndRosters: the working-day calendar shows Tết 2026
// as public holidays; a duty officer generates a roster and sees its month
// grid, the unfilled slots (or that all are filled) and the officers' load.
func TestConsoleCalendarAndRosters(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 1)
	const duty = "trucban.huunghi"
	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), duty, seededPassword(t, d, duty))
	goHash(t, b, "#/calendar?year=2026")
	run(t, b, 10*time.Second, visibleID("cal-month-2"))
	waitJS(t, b, 5*time.Second, "2026 drawn", `!!document.querySelector('[data-date="2026-02-17"]')`)
	tet := eval[[]string](t, b, `['2026-02-16','2026-02-17','2026-02-18','2026-02-19','2026-02-20'].map((d) => document.querySelector('`+testid("cal-month-2")+` [data-date="' + d + '"]').dataset.kind)`)
	for i, k := range tet {
		if k != "holiday" {
			t.Errorf("Tết day %d (Feb %d, 2026) shows as %q, want holiday", i, 16+i, k)
		}
	}
	if k := eval[string](t, b, `document.querySelector('[data-date="2026-02-24"]').dataset.kind`); k != "workday" {
		t.Errorf("24 Feb 2026 shows as %q, want an ordinary working day", k)
	}
	if got := eval[string](t, b, `document.querySelector('[data-date="2026-02-17"]').title`); !strings.Contains(got, "Tết") {
		t.Errorf("the first day of Tết is titled %q", got)
	}
	screenshotTo(t, b, "calendar-2026")

	goHash(t, b, "#/rosters")
	run(t, b, 10*time.Second, visibleID("ros-gen-form"), fillID("ros-from", "2027-02-01"), fillID("ros-to", "2027-02-15"),
		clickID("ros-generate"), visibleID("ros-grid"))
	waitJS(t, b, 5*time.Second, "the grid filled", `document.querySelectorAll('`+testid("ros-day")+` .ros-a').length >= 14`)
	if n := eval[int](t, b, `document.querySelectorAll('`+testid("ros-day")+`').length`); n != 28 {
		t.Errorf("February 2027 drawn with %d days", n)
	}
	unfilled := textOf(t, b, "ros-unfilled")
	rows := eval[int](t, b, `document.querySelectorAll('`+testid("ros-unfilled-row")+`').length`)
	if rows == 0 && !strings.Contains(unfilled, "Đã xếp đủ") {
		t.Errorf("neither unfilled slots nor 'all filled': %q", unfilled)
	}
	if rows > 0 && eval[string](t, b, q("ros-unfilled-summary")+`.textContent`) == "" {
		t.Error("an unfilled slot without an explanation")
	}
	if got := textOf(t, b, "ros-load"); !strings.Contains(got, "Nguyễn Văn An") {
		t.Errorf("the load table lacks the pool: %q", got)
	}
	screenshotTo(t, b, "roster-month")
}

// hoQuote quotes s as a JavaScript string literal.
func hoQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}
