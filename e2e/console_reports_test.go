package e2e

import (
	"bytes"
	"image"
	"image/color"
	_ "image/jpeg" // photos the hub stores are JPEGs
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fieldwatch/sim/demo"
)

// apiReport is what the tests read of a report from the hub's API.
type apiReport struct {
	ID       string   `json:"id"`
	Unit     string   `json:"unit"`
	Vehicle  string   `json:"vehicle"`
	By       string   `json:"by"`
	Title    string   `json:"title"`
	Photos   []string `json:"photos"`
	State    string   `json:"state"`
	Via      string   `json:"via"`
	Snapshot *struct {
		Vehicle string    `json:"vehicle"`
		Camera  string    `json:"camera"`
		Time    time.Time `json:"time"`
	} `json:"snapshot"`
	Decision *struct {
		By   string `json:"by"`
		Name string `json:"name"`
	} `json:"decision"`
	Timeline []struct {
		What string `json:"what"`
		Name string `json:"name"`
	} `json:"timeline"`
}

// photoConfig fetches a stored photo and reads its format and size.
func photoConfig(t *testing.T, d *demo.Demo, token, id string) (image.Config, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, d.URL()+"api/v1/photos/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("photo %s: %s %s", id, resp.Status, data)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("photo %s (%s): %v", id, resp.Header.Get("Content-Type"), err)
	}
	return cfg, format
}

// TestConsoleReports: Hữu Nghị's duty officer takes a snapshot of xe-01's
// camera and files a suspicious-sign report with it; the leader of the
// other branch does not see it; Hữu Nghị's leader finds it awaiting his
// decision, with the count in the menu, and approves it in the page.
func TestConsoleReports(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 1)
	const duty, leader, other = "trucban.huunghi", "lanhdao.huunghi", "lanhdao.dongdang"
	vehicle, camera := liveCamera(t, d, demo.Login{Username: duty})
	if vehicle != "xe-01" {
		t.Fatalf("the demo's first vehicle is %s, want xe-01 (of Hữu Nghị)", vehicle)
	}

	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), duty, seededPassword(t, d, duty))
	waitJS(t, b, 5*time.Second, "reports in the duty officer's menu", `!`+q("nav-reports")+`.hidden`)
	goHash(t, b, "#/camera/"+vehicle+"/"+camera)
	run(t, b, 10*time.Second, visibleID("camera-video"), visibleID("camera-snapshot"))
	waitJS(t, b, 15*time.Second, "the live picture", q("camera-state")+`?.dataset.state === 'live' && `+q("camera-video")+`.videoWidth > 0`)
	waitJS(t, b, 10*time.Second, "capture stamps read", q("camera-stats")+`.dataset.latencyOnScreen === 'true'`)

	screenshotTo(t, b, "camera-snapshot")
	before := time.Now()
	run(t, b, 15*time.Second, clickID("camera-snapshot"), visibleID("report-form"), visibleID("report-photo-1"))
	waitJS(t, b, 10*time.Second, "the snapshot uploaded", q("report-photo-1")+`.dataset.state === 'ok'`)
	after := time.Now()
	if got := eval[string](t, b, q("report-vehicle")+`.value`); got != vehicle {
		t.Errorf("the form's vehicle is %q, want %s", got, vehicle)
	}
	if got := textOf(t, b, "report-snapshot"); !strings.Contains(got, "thời điểm ghi hình của khung hình") {
		t.Errorf("the snapshot is not dated by its capture time: %q", got)
	}
	screenshotTo(t, b, "report-form")
	const title = "Xe tải biển 12C-345.67 dừng lâu ở làn xuất"
	run(t, b, 10*time.Second,
		fillID("report-title", title),
		fillID("report-text", "Xe tải container dừng quá 20 phút ở làn xuất, lái xe trao đổi vật gì đó với người lạ."),
		fillID("report-action", "Đề nghị kiểm tra thực tế hàng hoá trên xe."),
		clickID("report-submit"), visibleID("report-created"))
	id := eval[string](t, b, q("report-created")+`.dataset.id`)
	if id == "" {
		t.Fatal("the filed report has no id")
	}

	token := apiLogin(t, d, leader)
	var rep apiReport
	getJSON(t, d, token, "/api/v1/reports/"+id, &rep)
	if rep.State != "pending" || len(rep.Photos) != 1 || rep.Vehicle != vehicle || rep.By != duty || rep.Via != "console" || rep.Title != title {
		t.Errorf("filed report: %+v", rep)
	}
	if s := rep.Snapshot; s == nil || s.Vehicle != vehicle || s.Camera != camera {
		t.Errorf("snapshot %+v, want %s/%s", s, vehicle, camera)
	} else if s.Time.Before(before.Add(-5*time.Second)) || s.Time.After(after) {
		t.Errorf("snapshot time %v, want the frame's capture time between %v and %v", s.Time, before, after)
	}
	if len(rep.Photos) == 1 {
		cfg, format := photoConfig(t, d, token, rep.Photos[0])
		if format != "jpeg" || cfg.Width != 640 || cfg.Height != 360 {
			t.Errorf("the snapshot is a %s of %dx%d, want the 640x360 frame as a JPEG", format, cfg.Width, cfg.Height)
		}
	}
	run(t, b, 5*time.Second, clickID("report-close"))
	logoutUI(t, b)

	// The other branch's leader neither lists it nor opens it.
	loginAs(t, b, d.URL(), other, seededPassword(t, d, other))
	run(t, b, 10*time.Second, clickID("nav-reports"), visibleID("reports-pending"))
	waitJS(t, b, 10*time.Second, "the other branch's reports listed", q("reports-pending-count")+`.dataset.count !== undefined`)
	if eval[bool](t, b, q("report-item-"+id)+` !== null`) {
		t.Errorf("%s sees the report of another branch", other)
	}
	goHash(t, b, "#/reports/"+id)
	run(t, b, 10*time.Second, visibleID("report-missing"))
	logoutUI(t, b)

	// Hữu Nghị's leader: the count in the menu, the report awaiting a decision.
	loginAs(t, b, d.URL(), leader, seededPassword(t, d, leader))
	waitJS(t, b, 10*time.Second, "one report counted in the menu", q("nav-reports-count")+`.dataset.count === '1' && !`+q("nav-reports-count")+`.hidden`)
	run(t, b, 10*time.Second, clickID("nav-reports"), visibleID("reports-pending"))
	pending := `document.querySelector('[data-testid="reports-pending-list"] [data-testid="report-item-` + id + `"]')`
	waitJS(t, b, 10*time.Second, "the report under Chờ quyết định", pending+` !== null`)
	if got := eval[string](t, b, `document.getElementById('rep-pending-title').textContent`); !strings.HasPrefix(got, "Chờ quyết định") {
		t.Errorf("the pending section is titled %q", got)
	}
	run(t, b, 10*time.Second, chromedp.Click(chromedp.CSS(`[data-testid="reports-pending-list"] `+testid("report-item-"+id))), visibleID("report-detail"))
	waitJS(t, b, 10*time.Second, "the report shown", q("report-detail")+`.dataset.id === '`+id+`'`)
	if got := textOf(t, b, "report-detail-title"); got != title {
		t.Errorf("detail title %q", got)
	}
	if got := textOf(t, b, "report-detail-snapshot"); !strings.Contains(got, vehicle) && !strings.Contains(got, "Xe chỉ huy 01") {
		t.Errorf("the snapshot line %q names no vehicle", got)
	}
	if got := textOf(t, b, "report-detail-by"); !strings.Contains(got, "Trực ban Chi cục Hữu Nghị") {
		t.Errorf("raised by %q", got)
	}
	waitJS(t, b, 10*time.Second, "the photo loaded", `document.querySelector('[data-testid="report-photo-open-1"] img')?.naturalWidth === 640`)
	run(t, b, 10*time.Second, clickID("report-photo-open-1"), visibleID("photo-viewer-img"))
	waitJS(t, b, 5*time.Second, "the photo enlarged", q("photo-viewer-img")+`.naturalWidth === 640`)
	screenshotTo(t, b, "report-photo")
	run(t, b, 5*time.Second, clickID("photo-viewer-close"))
	screenshotTo(t, b, "report-pending")

	run(t, b, 10*time.Second, clickID("report-approve"), visibleID("dialog-input"),
		fillID("dialog-input", "Đồng ý, phối hợp đội kiểm soát kiểm tra ngay."), clickID("dialog-ok"))
	waitJS(t, b, 10*time.Second, "the report approved", q("report-detail")+`.dataset.state === 'approved'`)
	if got := textOf(t, b, "report-detail-state"); got != "Đã phê duyệt" {
		t.Errorf("state reads %q", got)
	}
	step := `[...document.querySelectorAll('[data-testid^="report-step-"][data-what="approved"]')]`
	waitJS(t, b, 5*time.Second, "the approval on the timeline", step+`.some((s) => s.textContent.includes('Lãnh đạo Chi cục Hữu Nghị'))`)
	waitJS(t, b, 10*time.Second, "nothing left awaiting a decision", pending+` === null && `+q("nav-reports-count")+`.hidden`)
	screenshotTo(t, b, "report-approved")

	getJSON(t, d, token, "/api/v1/reports/"+id, &rep)
	if rep.State != "approved" || rep.Decision == nil || rep.Decision.By != leader {
		t.Errorf("after approval: %+v", rep)
	}

	// Leaders decide, they do not raise reports: no snapshot button for them.
	goHash(t, b, "#/camera/"+vehicle+"/"+camera)
	run(t, b, 10*time.Second, visibleID("camera-video"))
	if eval[bool](t, b, q("camera-snapshot")+` !== null`) {
		t.Error("a leader is offered the snapshot button")
	}
}

// reportPicture writes a PNG larger than the console sends (3000x1500).
func reportPicture(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3000, 1500))
	for y := range 1500 {
		for x := range 3000 {
			img.Set(x, y, color.RGBA{uint8(x / 12), uint8(y / 6), uint8((x + y) / 18), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dau-hieu.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestConsoleReportsPhotoAndApproval: a photo picked from a file reaches
// the hub as a JPEG of at most 2048 px; until a leader approves, the page
// says the action may not be marked done, and the hub refuses it.
func TestConsoleReportsPhotoAndApproval(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 1)
	const duty = "trucban.huunghi"
	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), duty, seededPassword(t, d, duty))
	run(t, b, 10*time.Second, clickID("nav-reports"), visibleID("reports-new"), clickID("reports-new"), visibleID("report-form"),
		chromedp.SetUploadFiles(chromedp.CSS(testid("report-files")), []string{reportPicture(t)}), visibleID("report-photo-1"))
	waitJS(t, b, 15*time.Second, "the picked photo uploaded", q("report-photo-1")+`.dataset.state === 'ok'`)
	photo := eval[string](t, b, q("report-photo-1")+`.dataset.id`)
	run(t, b, 10*time.Second, fillID("report-text", "Hai người khuân vác kiện hàng qua lối mòn sau bãi xe."), clickID("report-submit"), visibleID("report-created"))
	id := eval[string](t, b, q("report-created")+`.dataset.id`)
	token := apiLogin(t, d, duty)
	cfg, format := photoConfig(t, d, token, photo)
	if format != "jpeg" || cfg.Width != 2048 || cfg.Height != 1024 {
		t.Errorf("the photo reached the hub as a %s of %dx%d, want a 2048x1024 JPEG", format, cfg.Width, cfg.Height)
	}

	run(t, b, 10*time.Second, clickID("report-open"), visibleID("report-detail"))
	waitJS(t, b, 10*time.Second, "the new report shown", q("report-detail")+`.dataset.id === '`+id+`' && `+q("report-detail")+`.dataset.state === 'pending'`)
	if got := textOf(t, b, "report-not-approved"); !strings.Contains(got, "Chưa được lãnh đạo phê duyệt") {
		t.Errorf("the page does not say the action waits for approval: %q", got)
	}
	if !eval[bool](t, b, q("report-done")+`.disabled`) {
		t.Error("the done button is enabled before approval")
	}
	if eval[bool](t, b, q("report-approve")+` !== null`) {
		t.Error("a duty officer is offered the leader's decision")
	}
	if code, _ := postAt(d.URL(), token, "api/v1/reports/"+id+"/done", map[string]string{"note": "x"}, nil); code != http.StatusConflict {
		t.Errorf("done before approval: %d, want 409", code)
	}

	// Approved by the leader, the action can be marked done from the page.
	var rep apiReport
	if code, err := postAt(d.URL(), apiLogin(t, d, "lanhdao.huunghi"), "api/v1/reports/"+id+"/decision", map[string]string{"decision": "approve"}, &rep); code != http.StatusOK {
		t.Fatalf("approve: %d %v", code, err)
	}
	waitJS(t, b, 10*time.Second, "the approval shown", q("report-detail")+`.dataset.state === 'approved' && !`+q("report-done")+`.disabled`)
	run(t, b, 10*time.Second, clickID("report-done"), visibleID("dialog-input"), fillID("dialog-input", "Đã phối hợp kiểm tra, lập biên bản."), clickID("dialog-ok"))
	waitJS(t, b, 10*time.Second, "the report done", q("report-detail")+`.dataset.state === 'done'`)
	if got := textOf(t, b, "report-action-status"); got != "Đã ghi nhận: đã thực hiện." {
		t.Errorf("status reads %q", got)
	}
	screenshotTo(t, b, "report-done")
}
