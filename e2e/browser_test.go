package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fieldwatch/internal/testwait"
	"fieldwatch/sim/demo"
)

// liveCamera logs in through the API and waits until the demo's first
// vehicle is online with its first camera live at the hub.
func liveCamera(t *testing.T, d *demo.Demo, login demo.Login) (vehicle, camera string) {
	t.Helper()
	ids := d.VehicleIDs()
	if len(ids) == 0 {
		t.Fatal("the demo has no vehicles")
	}
	vehicle = ids[0]
	token := apiLogin(t, d, login.Username)
	testwait.For(t, 20*time.Second, "vehicle online with a live camera at the hub", func() bool {
		v := vehicles(t, d, token)[vehicle]
		if !v.Online || len(v.Cameras) == 0 || !v.Cameras[0].Live {
			return false
		}
		camera = v.Cameras[0].ID
		return true
	})
	return vehicle, camera
}

// TestConsoleLiveVideo logs in to the demo console in Chromium, opens a
// camera and proves real decoding: framesDecoded grows, the picture is
// 640x360, the capture stamps are read, and a screenshot is not blank.
func TestConsoleLiveVideo(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 1)
	login := loginWithRole(t, d, "duty", "admin")
	vehicle, camera := liveCamera(t, d, login)
	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), login.Username, login.Password)

	tile := "tile-" + vehicle + "-" + camera
	waitJS(t, b, 15*time.Second, "grid tile playing", q(tile)+`?.dataset.state === 'live'`)
	run(t, b, 10*time.Second,
		chromedp.Click(chromedp.CSS(testid(tile))),
		chromedp.WaitVisible(chromedp.CSS(testid("camera-video"))),
	)
	waitJS(t, b, 15*time.Second, "the <video> decoding at 640x360",
		`(() => { const v = `+q("camera-video")+`; return v.videoWidth === 640 && v.videoHeight === 360; })()`)
	frames := func() int { return eval[int](t, b, `Number(`+q("camera-stats")+`.dataset.framesDecoded || 0)`) }
	testwait.For(t, 10*time.Second, "framesDecoded reported by getStats", func() bool { return frames() > 0 })
	first := frames()
	testwait.For(t, 10*time.Second, "framesDecoded growing by a second of video", func() bool { return frames() >= first+25 })
	t.Logf("framesDecoded %d -> %d", first, frames())

	text := func(id string) string { return eval[string](t, b, q(id)+`.textContent`) }
	if got := text("stat-resolution"); got != "640×360" {
		t.Errorf("stats panel shows resolution %q, want 640×360", got)
	}
	waitJS(t, b, 6*time.Second, "the hub counting this viewer", `Number(`+q("hub-viewers")+`.textContent) >= 1`)
	for _, id := range []string{"stat-bitrate", "stat-fps", "hub-bitrate"} {
		if got := text(id); got == "—" || got == "" {
			t.Errorf("stats panel %s is empty", id)
		}
	}
	// The SEI capture stamps parse: capture -> screen latency in the panel.
	latencyRE := regexp.MustCompile(`^(-?\d+) ms$`)
	var latency int
	testwait.For(t, 10*time.Second, "capture latency shown", func() bool {
		m := latencyRE.FindStringSubmatch(text("stat-latency"))
		if m == nil {
			return false
		}
		latency, _ = strconv.Atoi(m[1])
		return true
	})
	onScreen := eval[string](t, b, q("camera-stats")+`.dataset.latencyOnScreen`)
	t.Logf("capture latency %d ms (matched to presented frames: %s)", latency, onScreen)
	if latency < 0 || latency > 3000 {
		t.Errorf("capture latency %d ms: the stamps are misread", latency)
	}

	c, cancel := context.WithTimeout(b, testwait.Deadline(busy*10*time.Second))
	defer cancel()
	shot, err := chromedp.Run(c, chromedp.Screenshot(chromedp.CSS(testid("camera-video"))))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "camera.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	size, colours, spread := imageStats(t, shot)
	t.Logf("screenshot %s: %v, %d distinct colours, brightness spread %d", path, size, colours, spread)
	if size.X < 320 || size.Y < 180 {
		t.Errorf("screenshot of the video is only %v", size)
	}
	if colours < 50 || spread < 64 {
		t.Errorf("screenshot looks blank: %d colours, brightness spread %d", colours, spread)
	}

	// English on request, kept across a reload.
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("lang"))))
	waitJS(t, b, 10*time.Second, "the camera live in English", q("camera-state")+`?.textContent === 'Live'`)
	run(t, b, 15*time.Second, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(testid("camera-video"))))
	waitJS(t, b, 10*time.Second, "English after a reload", q("camera-state")+`?.textContent === 'Live'`)
}

// TestConsoleShowsOutage cuts a vehicle's link while the grid is open: the
// card and the map show the vehicle offline, then online again with its
// tile decoding; then the camera itself fails at the vehicle and recovers.
func TestConsoleShowsOutage(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 1)
	login := loginWithRole(t, d, "duty", "admin")
	id, cam := liveCamera(t, d, login)
	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), login.Username, login.Password)

	card, tile, badge, link := q("vehicle-"+id), q("tile-"+id+"-"+cam), q("badge-"+id), q("link-"+id)
	waitJS(t, b, 15*time.Second, "vehicle online on the console", card+`?.dataset.online === 'true'`)
	waitJS(t, b, 15*time.Second, "tile live", tile+`?.dataset.state === 'live'`)
	waitJS(t, b, 10*time.Second, "vehicle on the map", q("marker-"+id)+`?.dataset.online === 'true'`)
	if got := eval[string](t, b, link+`?.textContent`); got != "Cắt kết nối" {
		t.Errorf("demo link button reads %q, want Cắt kết nối", got)
	}

	if err := d.SetLink(id, false); err != nil {
		t.Fatal(err)
	}
	waitJS(t, b, 8*time.Second, "vehicle offline on the console", card+`.dataset.online === 'false'`)
	if got := eval[string](t, b, badge+`.textContent`); got != "○ Mất kết nối" {
		t.Errorf("offline badge reads %q, want ○ Mất kết nối", got)
	}
	waitJS(t, b, 10*time.Second, "tile says the stream is gone", tile+`.dataset.live === 'false' && `+tile+`.dataset.state !== 'live'`)
	waitJS(t, b, 5*time.Second, "map marker offline", q("marker-"+id)+`?.dataset.online === 'false'`)
	waitJS(t, b, 5*time.Second, "demo button offers to restore", link+`.textContent === 'Khôi phục kết nối'`)

	if err := d.SetLink(id, true); err != nil {
		t.Fatal(err)
	}
	waitJS(t, b, 15*time.Second, "vehicle online again", card+`.dataset.online === 'true'`)
	decoded := func() int {
		return eval[int](t, b, q("video-"+id+"-"+cam)+`.getVideoPlaybackQuality().totalVideoFrames`)
	}
	before := decoded()
	testwait.For(t, 15*time.Second, "tile decoding again", func() bool { return decoded() >= before+25 })
	waitJS(t, b, 10*time.Second, "tile live again", tile+`.dataset.state === 'live'`)

	// The camera itself fails at the vehicle: the tile says so, then recovers.
	if err := d.SetCamera(id, cam, false); err != nil {
		t.Fatal(err)
	}
	waitJS(t, b, 15*time.Second, "tile shows the camera down", tile+`.dataset.state === 'camDown'`)
	if err := d.SetCamera(id, cam, true); err != nil {
		t.Fatal(err)
	}
	waitJS(t, b, 20*time.Second, "tile live after the camera came back", tile+`.dataset.state === 'live'`)
	before = decoded()
	testwait.For(t, 15*time.Second, "tile decoding after the camera came back", func() bool { return decoded() >= before+25 })
}
