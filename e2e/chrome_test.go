package e2e

import (
	"bytes"
	"context"
	"errors"
	"fieldwatch/internal/testwait"
	"image"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, which CI installs (apt-get install chromium).
const chromiumPath = "/usr/bin/chromium"

// browserTestTimeout bounds a whole browser test, demo included, so that a
// hung browser cannot hang CI. It is a ceiling for a busy machine (a test
// takes 7–40 s alone), not a goal.
var browserTestTimeout = testwait.Deadline(5 * time.Minute)

// busy stretches each browser step's deadline: the steps are timed for a
// quiet machine, and CI shares two cores with other work. A deadline only
// matters when something never happens; meeting it early costs nothing.
const busy = 3

// testContext is t.Context() with the browser tests' overall deadline.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), browserTestTimeout)
	t.Cleanup(cancel)
	return ctx
}

// newBrowser starts headless Chromium for one test, with a fresh profile,
// WebRTC allowed on loopback and autoplay without a gesture. The browser
// dies with ctx.
func newBrowser(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	path := chromiumPath
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		found, lerr := exec.LookPath("chromium")
		if lerr != nil {
			t.Fatalf("Chromium is not installed at %s nor on PATH (apt-get install -y chromium): the browser tests need it", chromiumPath)
		}
		path = found
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 900),
		chromedp.Headless, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first action starts the browser, which lives as long as the
	// context of that action: bctx itself, bounded by ctx's deadline.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	return bctx
}

// run runs browser actions with a deadline, failing the test on error.
func run(t *testing.T, ctx context.Context, d time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, testwait.Deadline(busy*d))
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, testwait.Deadline(busy*10*time.Second))
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitJS polls a boolean JavaScript expression until it is true.
func waitJS(t *testing.T, ctx context.Context, d time.Duration, what, js string) {
	t.Helper()
	testwait.For(t, busy*d, what, func() bool { return eval[bool](t, ctx, js) })
}

// testid is a CSS selector for a data-testid.
func testid(id string) string { return `[data-testid="` + id + `"]` }

// q is the JavaScript for the element with a data-testid.
func q(id string) string { return `document.querySelector('` + testid(id) + `')` }

// loginAs signs in through the console's form and waits for the grid.
func loginAs(t *testing.T, ctx context.Context, url, user, password string) {
	t.Helper()
	run(t, ctx, 20*time.Second,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(testid("username"))),
		chromedp.SendKeys(chromedp.CSS(testid("username")), user),
		chromedp.SendKeys(chromedp.CSS(testid("password")), password),
		chromedp.Click(chromedp.CSS(testid("login-submit"))),
		chromedp.WaitVisible(chromedp.CSS(testid("vehicles"))),
	)
}

// imageStats counts the distinct colours of a PNG (quantised to 6 bits per
// channel, every other pixel) and the spread of its brightness.
func imageStats(t *testing.T, data []byte) (size image.Point, colours, spread int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	seen := map[[3]uint32]bool{}
	lo, hi := 255, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 10, g >> 10, bl >> 10}] = true
			l := int((r>>8)*3+(g>>8)*6+(bl>>8)) / 10
			lo, hi = min(lo, l), max(hi, l)
		}
	}
	return b.Size(), len(seen), hi - lo
}
