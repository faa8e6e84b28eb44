package e2e

import (
	"fieldwatch/internal/testwait"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestConsoleWatch: continuous surveillance. A duty officer opens the watch
// page, finds the branch's seeded camera group, assigns automatically and
// sees the shift's coverage complete; the surveillance officer on shift
// (per the demo's published roster) gets the group, and their camera tour
// plays the first assigned camera (really decoded in a <video>), advances
// to the next one by keyboard, and by itself after the interval.
func TestConsoleWatch(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 2) // xe-01 (Hữu Nghị) with cam1 and cam2
	const unit = "cc-huu-nghi"
	officer := onShift(t, d, apiLogin(t, d, "lanhdao.huunghi"), unit, "surveillance")

	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), "trucban.huunghi", demoPassword)
	waitJS(t, b, 5*time.Second, "the watch page in the duty officer's menu", `!`+q("nav-watch")+`.hidden`)
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("nav-watch"))), chromedp.WaitVisible(chromedp.CSS(testid("watch"))))
	waitJS(t, b, 10*time.Second, "the seeded group of xe-01 with its two cameras",
		`[...document.querySelectorAll('[data-testid^="watch-group-"] [data-testid="watch-group-cameras"]')].map((e) => e.textContent).join() === '2'`)
	waitJS(t, b, 10*time.Second, "coverage shows xe-01's cameras unassigned",
		q("cov-row-xe-01-cam1")+`?.dataset.covered === 'false' && `+q("cov-row-xe-01-cam1")+`.querySelector('[data-reason="no_assignment"]') !== null`)
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("watch-auto"))))
	waitJS(t, b, 10*time.Second, "the surveillance officer on shift assigned", q("watch-asg-"+officer.Username)+` !== null`)
	waitJS(t, b, 10*time.Second, "coverage complete", q("cov-summary")+`?.dataset.percent === '100' && `+
		q("cov-row-xe-01-cam1")+`.dataset.covered === 'true' && `+q("cov-row-xe-01-cam2")+`.dataset.covered === 'true'`)
	if got := textOf(t, b, "cov-summary"); !strings.Contains(got, "Độ phủ 100.0%") {
		t.Errorf("the coverage summary reads %q", got)
	}
	if got := textOf(t, b, "watch-asg-"+officer.Username); !strings.Contains(got, "Khu vực Xe chỉ huy 01") || !strings.Contains(got, "Tự động") {
		t.Errorf("the assignment row reads %q", got)
	}
	screenshotTo(t, b, "watch")

	// The officer's tour, in a browser of their own.
	o := newBrowser(t, ctx)
	loginAs(t, o, d.URL(), officer.Username, demoPassword)
	run(t, o, 10*time.Second, chromedp.Navigate(d.URL()+"#/watch"), chromedp.WaitVisible(chromedp.CSS(testid("tour"))))
	waitJS(t, o, 10*time.Second, "the tour on xe-01's first camera", q("tour")+`.dataset.current === 'xe-01/cam1'`)
	frames := func(cam string) int {
		return eval[int](t, o, `(`+q("tour-video-xe-01-"+cam)+`?.getVideoPlaybackQuality().totalVideoFrames) || 0`)
	}
	testwait.For(t, 15*time.Second, "cam1 decoding in the tour", func() bool { return frames("cam1") >= 25 })
	if w := eval[int](t, o, q("tour-video-xe-01-cam1")+`.videoWidth`); w != 640 {
		t.Errorf("the tour's video is %d pixels wide, want the clip's 640", w)
	}
	if got := textOf(t, o, "tour-current"); !strings.Contains(got, "Xe chỉ huy 01") || !strings.Contains(got, "từ") {
		t.Errorf("the tour bar reads %q", got)
	}
	// Next by keyboard: only cam2 plays.
	run(t, o, 5*time.Second, chromedp.SendKeys(chromedp.CSS(testid("tour")), kb.ArrowRight))
	waitJS(t, o, 5*time.Second, "the tour on the next camera", q("tour")+`.dataset.current === 'xe-01/cam2' && `+q("tour-video-xe-01-cam1")+` === null`)
	testwait.For(t, 15*time.Second, "cam2 decoding in the tour", func() bool { return frames("cam2") >= 25 })
	if got := textOf(t, o, "tour-pos"); got != "2/2" {
		t.Errorf("the tour's position reads %q", got)
	}
	// By itself after the interval (set to 5 s): back to cam1.
	run(t, o, 5*time.Second, chromedp.SetValue(chromedp.CSS(testid("tour-seconds")), "5"),
		chromedp.Evaluate[chromedp.Void](q("tour-seconds")+`.dispatchEvent(new Event('change'))`))
	waitJS(t, o, 10*time.Second, "the tour advancing by itself", q("tour")+`.dataset.current === 'xe-01/cam1'`)
	testwait.For(t, 15*time.Second, "cam1 decoding again", func() bool { return frames("cam1") >= 25 })
	screenshotTo(t, o, "watch-tour")
}
