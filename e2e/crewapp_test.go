package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"fieldwatch/internal/testwait"
	"fieldwatch/sim/demo"
	"fieldwatch/vehicle/node"
)

// crewAppTimeout bounds the whole crew app test, demo and browser included.
const crewAppTimeout = 150 * time.Second

// newCrewBrowser starts headless Chromium the size of a phone, with a fake
// camera and microphone that getUserMedia may use without asking.
func newCrewBrowser(t *testing.T, ctx context.Context) context.Context {
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
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(412, 915),
		chromedp.Headless, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		chromedp.Flag("use-fake-device-for-media-stream", true), chromedp.Flag("use-fake-ui-for-media-stream", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	return bctx
}

// crewNetwork cuts the page's network (offline: every request fails and
// navigator.onLine is false), cuts only the requests matching pattern
// (the page itself still loads), or with neither restores it.
func crewNetwork(t *testing.T, b context.Context, offline bool, pattern string) {
	t.Helper()
	conds := []*network.Conditions{}
	if offline || pattern != "" {
		conds = append(conds, &network.Conditions{URLPattern: pattern, Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	}
	emulateSW := true
	if _, err := chromedp.Call(b, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &emulateSW, MatchedNetworkConditions: conds,
	}); err != nil {
		t.Fatalf("network conditions: %v", err)
	}
	if _, err := chromedp.Call(b, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: offline, DownloadThroughput: -1, UploadThroughput: -1,
	}); err != nil {
		t.Fatalf("network state: %v", err)
	}
}

// crewPhoto writes a JPEG larger than the app sends (3000x2000), which
// the app must scale down to 2048 px.
func crewPhoto(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3000, 2000))
	for y := range 2000 {
		for x := range 3000 {
			img.Set(x, y, color.RGBA{uint8(x / 12), uint8(y / 8), uint8((x + y) / 20), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dau-hieu.jpg")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// crewScreenshot saves the page when FIELDWATCH_SCREENSHOTS names a directory.
func crewScreenshot(t *testing.T, b context.Context, name string) {
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
	if err := os.WriteFile(filepath.Join(dir, "crew-"+name+".png"), png, 0o644); err != nil {
		t.Log(err)
	}
}

type crewAppInstruction struct {
	ID string `json:"id"`
	To []struct {
		Vehicle string `json:"vehicle"`
		State   string `json:"state"`
		AckedBy string `json:"acked_by"`
	} `json:"to"`
}

type crewAppReport struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Vehicle  string   `json:"vehicle"`
	State    string   `json:"state"`
	Photos   []string `json:"photos"`
	Via      string   `json:"via"`
	ByName   string   `json:"by_name"`
	Position *struct {
		Lat float64 `json:"lat"`
		Lon float64 `json:"lon"`
	} `json:"position"`
}

type crewAppStream struct {
	Vehicle         string `json:"vehicle"`
	Camera          string `json:"camera"`
	Live            bool   `json:"live"`
	Publishing      bool   `json:"publishing"`
	PacketsReceived uint64 `json:"packets_received"`
	VideoCodec      string `json:"video_codec"`
}

// TestCrewApp drives the crew's phone app at the hub's /m/ in a
// phone-sized Chromium: log in as a crew member; acknowledge an
// instruction a leader sent (the hub shows it acknowledged); with the
// network cut, write a report with a photo, see it queued, reload the app
// still without a network (it opens from the phone's copy), restore the
// network and find the report at the hub once with its photo; then broadcast the fake camera live as a
// camera of the vehicle and find it live at the hub's relay.
func TestCrewApp(t *testing.T) {
	fullLane(t)
	ctx, cancel := context.WithTimeout(t.Context(), crewAppTimeout)
	defer cancel()
	d := startDemo(t, 1, 1)
	base := d.URL()
	const crew, leaderName, vehicleID = "tocongtac.huunghi", "lanhdao.huunghi", "xe-01"
	leader := apiLogin(t, d, leaderName)
	b := newCrewBrowser(t, ctx)
	// The phone stands at the Hữu Nghị border gate, and lets the app read its GPS.
	lat, lon, accuracy := 21.8486, 106.7594, 8.0
	if _, err := chromedp.CallBrowser(b, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lon, Accuracy: &accuracy}); err != nil {
		t.Fatal(err)
	}

	// Log in as the crew member.
	run(t, b, 20*time.Second,
		chromedp.Navigate(base+"m/"),
		chromedp.WaitVisible(chromedp.CSS(testid("login-user"))),
		chromedp.SendKeys(chromedp.CSS(testid("login-user")), crew),
		chromedp.SendKeys(chromedp.CSS(testid("login-password")), demoPassword),
		chromedp.Click(chromedp.CSS(testid("login-submit"))),
		chromedp.WaitVisible(chromedp.CSS(testid("instructions"))),
	)
	if mode := eval[string](t, b, q("mode")+`.dataset.mode`); mode != "hub" {
		t.Errorf("the app thinks it runs in %q mode at the hub", mode)
	}
	if who := eval[string](t, b, q("who")+`.textContent`); who != "Tổ công tác Hữu Nghị" {
		t.Errorf("header shows %q as the user", who)
	}
	crewScreenshot(t, b, "1-logged-in")

	// A leader sends an instruction; the crew opens it (read) and acknowledges it.
	var sent crewAppInstruction
	if code, err := postAt(base, leader, "api/v1/instructions", map[string]any{"text": "Kiểm tra xe container biển số 12C-345.67 tại bãi B", "vehicles": []string{vehicleID}}, &sent); err != nil || code != http.StatusCreated {
		t.Fatalf("send instruction: %d %v", code, err)
	}
	hubState := func() (state, by string) {
		var in crewAppInstruction
		if err := getAt(base, leader, "api/v1/instructions/"+sent.ID, &in); err != nil {
			t.Fatal(err)
		}
		for _, r := range in.To {
			if r.Vehicle == vehicleID {
				return r.State, r.AckedBy
			}
		}
		t.Fatalf("instruction %s has no recipient %s", sent.ID, vehicleID)
		return "", ""
	}
	card := "instruction-" + sent.ID
	waitJS(t, b, 15*time.Second, "the instruction on the phone", q(card)+` !== null`)
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("instruction-open-"+sent.ID))))
	testwait.For(t, 10*time.Second, "the hub shows the instruction read", func() bool { s, _ := hubState(); return s == "read" })
	crewScreenshot(t, b, "2-instruction")
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("ack-"+sent.ID+"-"+vehicleID))))
	testwait.For(t, 10*time.Second, "the hub shows the instruction acknowledged", func() bool { s, _ := hubState(); return s == "acknowledged" })
	if _, by := hubState(); by != "Tổ công tác Hữu Nghị" {
		t.Errorf("acknowledged by %q", by)
	}
	waitJS(t, b, 10*time.Second, "the phone shows it acknowledged", q("ack-state-"+sent.ID+"-"+vehicleID)+`?.dataset.state === 'acknowledged'`)

	// Without a network: a report with a photo waits on the phone.
	crewNetwork(t, b, true, "")
	waitJS(t, b, 10*time.Second, "the app knows it is offline", q("net")+`.dataset.online === 'false'`)
	const title = "Xe tải nghi chở hàng lậu"
	run(t, b, 20*time.Second,
		chromedp.Click(chromedp.CSS(testid("nav-reports"))),
		chromedp.Click(chromedp.CSS(testid("report-new"))),
		chromedp.WaitVisible(chromedp.CSS(testid("report-title"))),
		chromedp.SendKeys(chromedp.CSS(testid("report-title")), title),
		chromedp.SendKeys(chromedp.CSS(testid("report-text")), "Xe tải biển số 12C-999.99 dừng lâu cạnh đường mòn, bốc dỡ thùng carton."),
		chromedp.SendKeys(chromedp.CSS(testid("report-action")), "Đề nghị cho kiểm tra hàng trên xe."),
		chromedp.SetValue(chromedp.CSS(testid("report-vehicle")), vehicleID),
		chromedp.SetUploadFiles(chromedp.CSS(testid("report-photos")), []string{crewPhoto(t)}),
	)
	waitJS(t, b, 15*time.Second, "the photo scaled and ready", q("report-photo-count")+`.dataset.count === '1' && `+q("report-photo-count")+`.dataset.busy === '0'`)
	waitJS(t, b, 10*time.Second, "the GPS position", q("report-gps")+`.dataset.state === 'ok'`)
	crewScreenshot(t, b, "3-report-form")
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("report-submit"))))
	waitJS(t, b, 10*time.Second, "one item queued", q("queue-indicator")+`.dataset.count === '1'`)
	if got := eval[string](t, b, q("queue-indicator")+`.textContent`); got != "1 mục chờ gửi" {
		t.Errorf("queue indicator reads %q", got)
	}
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("queue-indicator"))))
	waitJS(t, b, 10*time.Second, "the queued report tried and waiting",
		`(() => { const el = document.querySelector('[data-testid^="queue-item-"]'); return el?.dataset.kind === 'report' && el.dataset.state === 'queued' && Number(el.dataset.attempts) >= 1; })()`)
	crewScreenshot(t, b, "4-queued")
	var reports []crewAppReport
	if err := getAt(base, leader, "api/v1/reports", &reports); err != nil || len(reports) != 0 {
		t.Fatalf("the hub has %d reports (%v) while the phone is offline", len(reports), err)
	}

	// The app, reloaded without a network, opens from its copy on the
	// phone (service worker) with the report still queued.
	waitJS(t, b, 10*time.Second, "the app copied on the phone", `navigator.serviceWorker.controller !== null`)
	run(t, b, 20*time.Second, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(testid("queue-indicator"))))
	waitJS(t, b, 10*time.Second, "the report still queued after the reload", q("queue-indicator")+`.dataset.count === '1' && `+q("net")+`.dataset.online === 'false'`)
	if got := eval[string](t, b, `document.querySelector('[data-testid^="queue-photos-"]')?.textContent ?? ''`); !strings.Contains(got, "0/1") {
		t.Errorf("queued photo progress reads %q, want 0/1", got)
	}
	crewScreenshot(t, b, "4b-reloaded-offline")

	// The same with only the API out of reach (as on a vehicle served
	// over plain HTTP, where there is no service worker).
	crewNetwork(t, b, false, strings.TrimSuffix(base, "/")+"/api/*")
	run(t, b, 20*time.Second, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(testid("queue-indicator"))))
	waitJS(t, b, 10*time.Second, "the report still queued", q("queue-indicator")+`.dataset.count === '1'`)

	// The network returns: the report and its photo reach the hub, once.
	crewNetwork(t, b, false, "")
	waitJS(t, b, 30*time.Second, "the queue sent", q("queue-indicator")+`.dataset.count === '0'`)
	testwait.For(t, 10*time.Second, "the report at the hub", func() bool {
		reports = nil
		return getAt(base, leader, "api/v1/reports", &reports) == nil && len(reports) > 0
	})
	if len(reports) != 1 {
		t.Fatalf("the hub has %d reports, want 1: %+v", len(reports), reports)
	}
	rep := reports[0]
	if rep.Title != title || rep.Vehicle != vehicleID || rep.Via != "phone" || rep.State != "pending" || len(rep.Photos) != 1 {
		t.Errorf("report at the hub: %+v", rep)
	}
	if rep.Position == nil || rep.Position.Lat < 21.848 || rep.Position.Lat > 21.849 || rep.Position.Lon < 106.759 || rep.Position.Lon > 106.760 {
		t.Errorf("report position at the hub: %+v, want %v, %v", rep.Position, lat, lon)
	}
	if len(rep.Photos) == 1 {
		req, _ := http.NewRequest(http.MethodGet, base+"api/v1/photos/"+rep.Photos[0], nil)
		req.Header.Set("Authorization", "Bearer "+leader)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
		if resp.StatusCode != http.StatusOK || err != nil || format != "jpeg" || max(cfg.Width, cfg.Height) > 2048 || cfg.Width < 1000 {
			t.Errorf("photo at the hub: %s, %s %dx%d, %v", resp.Status, format, cfg.Width, cfg.Height, err)
		}
	}
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("nav-reports"))))
	waitJS(t, b, 10*time.Second, "the report on the phone awaiting the leader", q("report-state-"+rep.ID)+`?.textContent === 'Chờ lãnh đạo duyệt'`)
	crewScreenshot(t, b, "5-report-sent")

	// The phone camera broadcasts live as a camera of the vehicle.
	run(t, b, 10*time.Second,
		chromedp.Click(chromedp.CSS(testid("nav-publish"))),
		chromedp.WaitVisible(chromedp.CSS(testid("publish-start"))),
		chromedp.SetValue(chromedp.CSS(testid("publish-vehicle")), vehicleID),
		chromedp.Click(chromedp.CSS(testid("publish-start"))),
	)
	waitJS(t, b, 20*time.Second, "the broadcast live", q("publish-state")+`.dataset.state === 'live'`)
	crewScreenshot(t, b, "6-live")
	const phoneCam = "phone-tocongtac-huunghi"
	stream := func() crewAppStream {
		var list []crewAppStream
		if err := getAt(base, leader, "api/v1/streams", &list); err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			if s.Vehicle == vehicleID && s.Camera == phoneCam {
				return s
			}
		}
		return crewAppStream{}
	}
	var first crewAppStream
	testwait.For(t, 15*time.Second, "the phone's stream live at the hub", func() bool {
		first = stream()
		return first.Live && first.PacketsReceived > 0
	})
	testwait.For(t, 10*time.Second, "the phone's packets still arriving", func() bool { return stream().PacketsReceived > first.PacketsReceived+50 })
	if first.VideoCodec != "" && !strings.EqualFold(first.VideoCodec, "video/H264") {
		t.Errorf("the phone sends %s, the relay forwards H.264", first.VideoCodec)
	}
	seen := false
	for _, v := range vehicles(t, d, leader)[vehicleID].Cameras {
		seen = seen || v.ID == phoneCam && v.Live
	}
	if !seen {
		t.Errorf("the console's vehicle list has no live camera %s", phoneCam)
	}
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("publish-stop"))))
	crewScreenshot(t, b, "7-stopped")
	waitJS(t, b, 5*time.Second, "the broadcast stopped", q("publish-state")+`.dataset.state === 'idle'`)
	testwait.For(t, 10*time.Second, "the hub no longer receiving the phone", func() bool { return !stream().Publishing })
	t.Logf("phone stream reached %d packets, codec %s", first.PacketsReceived, first.VideoCodec)
}

// TestCrewAppOnVehicle drives the crew app served by a vehicle node on
// its LAN: the app finds it is on a vehicle, the crew logs in with the
// passcode and acknowledges an instruction that came through the
// vehicle; with the vehicle's link to the hub cut, a report written on
// the phone goes to the vehicle (its text) and stays on the phone (its
// photo), and reaches the hub once when the link returns.
func TestCrewAppOnVehicle(t *testing.T) {
	fullLane(t)
	ctx, cancel := context.WithTimeout(t.Context(), crewAppTimeout)
	defer cancel()
	const vehicleID, passcode, crewName = "xe-01", "ma-to-cong-tac-01", "Nguyễn Văn An"
	crewAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	d, err := demo.Start(t.Context(), demo.Options{
		HTTPAddr: "127.0.0.1:0", DataDir: t.TempDir(), Vehicles: 1, CamerasPerVehicle: 1, Password: demoPassword,
		Logger:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Vehicle: func(c *node.Config) { c.Crew = node.CrewConfig{Addr: crewAddr, Passcode: passcode} },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("demo close: %v", err)
		}
	})
	base := d.URL()
	leader := apiLogin(t, d, "lanhdao.huunghi")
	b := newCrewBrowser(t, ctx)

	var sent crewAppInstruction
	if code, err := postAt(base, leader, "api/v1/instructions", map[string]any{"text": "Dừng xe tại chốt km 12, chờ lệnh", "urgent": true, "vehicles": []string{vehicleID}}, &sent); err != nil || code != http.StatusCreated {
		t.Fatalf("send instruction: %d %v", code, err)
	}
	run(t, b, 20*time.Second,
		chromedp.Navigate("http://"+crewAddr+"/m/"),
		chromedp.WaitVisible(chromedp.CSS(testid("login-name"))),
		chromedp.SendKeys(chromedp.CSS(testid("login-name")), crewName),
		chromedp.SendKeys(chromedp.CSS(testid("login-passcode")), passcode),
		chromedp.Click(chromedp.CSS(testid("login-submit"))),
		chromedp.WaitVisible(chromedp.CSS(testid("instructions"))),
	)
	if mode := eval[string](t, b, q("mode")+`.dataset.mode`); mode != "vehicle" {
		t.Errorf("the app thinks it runs in %q mode on the vehicle", mode)
	}
	if got := eval[bool](t, b, q("nav-publish")+` === null && `+q("nav-vehicles")+` === null`); !got {
		t.Error("the vehicle's app offers hub-only sections")
	}
	waitJS(t, b, 15*time.Second, "the urgent instruction on the phone", q("instruction-"+sent.ID)+`?.dataset.urgent === 'true'`)
	waitJS(t, b, 10*time.Second, "the vehicle linked to the hub", q("vehicle-link")+`?.dataset.online === 'true'`)
	run(t, b, 10*time.Second,
		chromedp.Click(chromedp.CSS(testid("instruction-open-"+sent.ID))),
		chromedp.Click(chromedp.CSS(testid("ack-"+sent.ID+"-"+vehicleID))),
	)
	waitJS(t, b, 10*time.Second, "the vehicle has the acknowledgement", q("ack-state-"+sent.ID+"-"+vehicleID)+`?.dataset.state === 'acknowledged'`)
	testwait.For(t, 15*time.Second, "the hub shows it acknowledged by the crew member", func() bool {
		var in crewAppInstruction
		return getAt(base, leader, "api/v1/instructions/"+sent.ID, &in) == nil && len(in.To) == 1 &&
			in.To[0].State == "acknowledged" && in.To[0].AckedBy == crewName
	})
	crewScreenshot(t, b, "v1-acknowledged")

	// The vehicle loses the hub: the report and its photo wait in the vehicle.
	if err := d.SetLink(vehicleID, false); err != nil {
		t.Fatal(err)
	}
	waitJS(t, b, 15*time.Second, "the app shows the vehicle cut off", q("vehicle-link")+`?.dataset.online === 'false'`)
	const title = "Người lạ chụp ảnh khu vực kiểm soát"
	run(t, b, 20*time.Second,
		chromedp.Click(chromedp.CSS(testid("nav-reports"))),
		chromedp.Click(chromedp.CSS(testid("report-new"))),
		chromedp.WaitVisible(chromedp.CSS(testid("report-title"))),
		chromedp.SendKeys(chromedp.CSS(testid("report-title")), title),
		chromedp.SendKeys(chromedp.CSS(testid("report-text")), "Hai người đi xe máy dừng lại chụp ảnh cổng kiểm soát."),
		chromedp.SetUploadFiles(chromedp.CSS(testid("report-photos")), []string{crewPhoto(t)}),
	)
	waitJS(t, b, 15*time.Second, "the photo ready, with the note that the vehicle forwards it",
		q("report-photo-count")+`.dataset.count === '1' && `+q("report-photo-count")+`.dataset.busy === '0' && !`+q("report-vehicle-photos")+`.hidden`)
	crewScreenshot(t, b, "v2-report-form")
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("report-submit"))))
	waitJS(t, b, 10*time.Second, "the report handed to the vehicle", `document.querySelector('[data-testid^="report-sent-"]') !== null && `+q("queue-indicator")+`.dataset.count === '0'`)
	crewScreenshot(t, b, "v3-report-queued")
	var reports []crewAppReport
	if err := getAt(base, leader, "api/v1/reports", &reports); err != nil || len(reports) != 0 {
		t.Fatalf("the hub has %d reports (%v) while the vehicle is cut off", len(reports), err)
	}
	if err := d.SetLink(vehicleID, true); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, 20*time.Second, "the report at the hub through the vehicle", func() bool {
		reports = nil
		return getAt(base, leader, "api/v1/reports", &reports) == nil && len(reports) > 0
	})
	if len(reports) != 1 || reports[0].Title != title || reports[0].Via != "vehicle" || reports[0].ByName != crewName ||
		reports[0].Vehicle != vehicleID || len(reports[0].Photos) != 1 {
		t.Fatalf("reports at the hub: %+v", reports)
	}
	testwait.For(t, 20*time.Second, "the report's photo forwarded by the vehicle", func() bool {
		req, _ := http.NewRequest(http.MethodGet, base+"api/v1/photos/"+reports[0].Photos[0], nil)
		req.Header.Set("Authorization", "Bearer "+leader)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200 && resp.Header.Get("Content-Type") == "image/jpeg"
	})
	waitJS(t, b, 15*time.Second, "the app shows the vehicle linked again", q("vehicle-link")+`?.dataset.online === 'true'`)
}

// TestCrewAppFirstLogin: a new crew account must change its initial
// password in the app before anything else (the hub's rule is shown in
// Vietnamese), then stays logged in across a reload; English on request
// is kept across a reload too.
func TestCrewAppFirstLogin(t *testing.T) {
	fullLane(t)
	ctx, cancel := context.WithTimeout(t.Context(), crewAppTimeout)
	defer cancel()
	d := startDemo(t, 1, 1)
	base := d.URL()
	admin := apiLogin(t, d, "admin")
	const user, initial, chosen = "tocongtac.moi", "mat-khau-ban-dau-2026", "Hai-con-meo-tren-mai-nha-2026"
	if code, err := postAt(base, admin, "api/v1/users", map[string]any{
		"username": user, "name": "Trần Thị Bình", "unit": "cc-huu-nghi", "roles": []string{"crew"}, "password": initial,
	}, nil); err != nil || code != http.StatusCreated {
		t.Fatalf("create account: %d %v", code, err)
	}
	b := newCrewBrowser(t, ctx)
	run(t, b, 20*time.Second,
		chromedp.Navigate(base+"m/"),
		chromedp.WaitVisible(chromedp.CSS(testid("login-user"))),
		chromedp.SendKeys(chromedp.CSS(testid("login-user")), user),
		chromedp.SendKeys(chromedp.CSS(testid("login-password")), initial),
		chromedp.Click(chromedp.CSS(testid("login-submit"))),
		chromedp.WaitVisible(chromedp.CSS(testid("pw-form"))),
		chromedp.SendKeys(chromedp.CSS(testid("pw-old")), initial),
		chromedp.SendKeys(chromedp.CSS(testid("pw-new")), user+"-2026-abc"),
		chromedp.SendKeys(chromedp.CSS(testid("pw-confirm")), user+"-2026-abc"),
		chromedp.Click(chromedp.CSS(testid("pw-submit"))),
	)
	waitJS(t, b, 10*time.Second, "the hub's rule shown", q("pw-error")+`.textContent === 'Mật khẩu mới không được chứa tên đăng nhập.'`)
	run(t, b, 20*time.Second,
		chromedp.SetValue(chromedp.CSS(testid("pw-new")), chosen),
		chromedp.SetValue(chromedp.CSS(testid("pw-confirm")), chosen),
		chromedp.Click(chromedp.CSS(testid("pw-submit"))),
		chromedp.WaitVisible(chromedp.CSS(testid("instructions"))),
		chromedp.Click(chromedp.CSS(testid("lang"))),
	)
	waitJS(t, b, 5*time.Second, "English", q("nav-instructions")+`.textContent.startsWith('Instructions')`)
	run(t, b, 20*time.Second, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(testid("instructions"))))
	waitJS(t, b, 5*time.Second, "still logged in, in English, after a reload", q("nav-instructions")+`.textContent.startsWith('Instructions') && `+q("who")+`.textContent === 'Trần Thị Bình'`)
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(testid("lang"))))
	waitJS(t, b, 5*time.Second, "Vietnamese again", q("nav-instructions")+`.textContent.startsWith('Chỉ thị')`)
	if code, err := postAt(base, "", "api/v1/auth/login", map[string]string{"username": user, "password": chosen}, nil); err != nil || code != http.StatusOK {
		t.Errorf("log in with the chosen password: %d %v", code, err)
	}
}
