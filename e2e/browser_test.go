package e2e

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// newBrowser starts Debian's Chromium, headless, for one test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed (apt-get install -y chromium; .ci/run does it): %v", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.Headless,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 900),
		chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// run runs browser actions with a deadline, failing the test on error.
func run(t *testing.T, ctx context.Context, d time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JS expression.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitJS polls a boolean JS expression until it is true.
func waitJS(t *testing.T, ctx context.Context, d time.Duration, what, js string) {
	t.Helper()
	eventually(t, d, what, func() bool { return eval[bool](t, ctx, js) })
}

func loginAs(t *testing.T, ctx context.Context, url, user, password string) {
	t.Helper()
	run(t, ctx, 20*time.Second,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=username]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=username]`), user),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=password]`), password),
		chromedp.Click(chromedp.CSS(`[data-testid=login-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=vehicles]`)),
	)
}

// TestConsoleLiveVideo logs in to the demo console in Chromium, opens a
// camera and proves real decoding: framesDecoded grows, the picture is
// 640x360, and a screenshot of it is not blank.
func TestConsoleLiveVideo(t *testing.T) {
	d := startDemo(t, 1, 1)
	ctx := newBrowser(t)
	token := apiLogin(t, d, "trucban")
	eventually(t, 20*time.Second, "camera live at the hub", func() bool {
		v := vehicles(t, d, token)["xe-01"]
		return len(v.Cameras) == 1 && v.Cameras[0].Live
	})
	loginAs(t, ctx, d.URL(), "trucban", demoPassword)
	waitJS(t, ctx, 15*time.Second, "grid tile playing", `document.querySelector('[data-testid="tile-xe-01-cam1"]')?.dataset.state === 'live'`)
	run(t, ctx, 10*time.Second,
		chromedp.Click(chromedp.CSS(`[data-testid="tile-xe-01-cam1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=camera-video]`)),
	)
	waitJS(t, ctx, 15*time.Second, "video decoding at 640x360",
		`(() => { const v = document.querySelector('[data-testid=camera-video]'); return v.videoWidth === 640 && v.videoHeight === 360; })()`)
	frames := func() int {
		return eval[int](t, ctx, `Number(document.querySelector('[data-testid=camera-stats]').dataset.framesDecoded || 0)`)
	}
	eventually(t, 10*time.Second, "framesDecoded reported", func() bool { return frames() > 0 })
	first := frames()
	eventually(t, 10*time.Second, "framesDecoded growing", func() bool { return frames() >= first+25 })
	t.Logf("framesDecoded %d -> %d", first, frames())
	size := eval[string](t, ctx, `document.querySelector('[data-testid=stat-resolution]').textContent`)
	if size != "640×360" {
		t.Errorf("stats panel shows resolution %q, want 640×360", size)
	}
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	shot, err := chromedp.Run(c, chromedp.Screenshot(chromedp.CSS(`[data-testid=camera-video]`)))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "camera.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	colours, spread := imageStats(t, shot)
	t.Logf("screenshot %s: %d distinct colours, brightness spread %d", path, colours, spread)
	if colours < 50 || spread < 64 {
		t.Errorf("screenshot looks blank: %d colours, spread %d", colours, spread)
	}
}

// TestConsoleShowsOutage cuts a vehicle's link while the grid is open: the
// card shows the vehicle offline, then online again with its tile decoding.
func TestConsoleShowsOutage(t *testing.T) {
	d := startDemo(t, 1, 1)
	ctx := newBrowser(t)
	loginAs(t, ctx, d.URL(), "trucban", demoPassword)
	card := `document.querySelector('[data-testid="vehicle-xe-01"]')`
	waitJS(t, ctx, 20*time.Second, "vehicle online on the console", card+`?.dataset.online === 'true'`)
	waitJS(t, ctx, 20*time.Second, "tile live", `document.querySelector('[data-testid="tile-xe-01-cam1"]')?.dataset.state === 'live'`)

	if err := d.SetLink("xe-01", false); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, 8*time.Second, "vehicle offline on the console", card+`.dataset.online === 'false'`)
	badge := eval[string](t, ctx, `document.querySelector('[data-testid="badge-xe-01"]').textContent`)
	if badge != "○ Mất kết nối" {
		t.Errorf("offline badge reads %q", badge)
	}
	time.Sleep(3 * time.Second) // the outage lasts a while
	if err := d.SetLink("xe-01", true); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, 15*time.Second, "vehicle online again", card+`.dataset.online === 'true'`)
	decoded := func() int {
		return eval[int](t, ctx, `document.querySelector('[data-testid="video-xe-01-cam1"]').getVideoPlaybackQuality().totalVideoFrames`)
	}
	before := decoded()
	eventually(t, 15*time.Second, "tile decoding again", func() bool { return decoded() >= before+25 })

	// The camera itself fails at the vehicle: the tile says so, then recovers.
	tile := `document.querySelector('[data-testid="tile-xe-01-cam1"]')`
	if err := d.SetCamera("xe-01", "cam1", false); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, 15*time.Second, "tile shows the camera down", tile+`.dataset.state === 'camDown'`)
	if err := d.SetCamera("xe-01", "cam1", true); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, 20*time.Second, "tile live again", tile+`.dataset.state === 'live'`)
	before = decoded()
	eventually(t, 15*time.Second, "tile decoding after the camera came back", func() bool { return decoded() >= before+25 })
}

const demoPassword = "mat-khau-kiem-thu"

// imageStats counts distinct colours and the spread of brightness.
func imageStats(t *testing.T, data []byte) (colours int, spread int) {
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
	return len(seen), hi - lo
}
