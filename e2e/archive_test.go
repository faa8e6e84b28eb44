package e2e

import (
	"encoding/json"

	"github.com/chromedp/chromedp"

	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/archive"
	"fieldwatch/hub/audit"
	"fieldwatch/internal/bundle"
	"fieldwatch/internal/segfile"
	"fieldwatch/internal/testwait"
	"fieldwatch/sim/demo"
	"fieldwatch/vehicle/node"
)

// recordAcrossOutage runs one vehicle, cuts its link for 8 s, restores it and
// waits until the backfill has reached the hub. It returns the demo, a duty
// officer's token and the recorded range.
func recordAcrossOutage(t *testing.T) (*demoHandle, time.Time, time.Time, time.Time) {
	t.Helper()
	d := startRecordingDemo(t, t.TempDir(), func(c *node.Config) {
		c.Recording.SegmentDuration = 2 * time.Second
		c.Sync.LinkKbps = 20000
	})
	h := &demoHandle{d: d, id: "xe-01", cam: "cam1"}
	h.token = apiLogin(t, d, "trucban")
	testwait.For(t, 20*time.Second, "vehicle online", func() bool { return vehicles(t, d, h.token)[h.id].Online })
	rec := d.Node(h.id).Recorder()
	testwait.For(t, 20*time.Second, "two segments", func() bool { return len(rec.Segments(h.cam)) >= 2 })
	d.SetLink(h.id, false)
	cut := time.Now()
	time.Sleep(8 * time.Second)
	d.SetLink(h.id, true)
	testwait.For(t, 20*time.Second, "two segments after the outage", func() bool {
		s := rec.Segments(h.cam)
		return len(s) >= 8
	})
	testwait.For(t, 30*time.Second, "backfill done", func() bool { return rec.Backlog().Segments == 0 })
	segs := rec.Segments(h.cam)
	return h, segs[0].Manifest.Start, segs[len(segs)-1].Manifest.End, cut
}

type demoHandle struct {
	d       *demo.Demo
	id, cam string
	token   string
}

func (h *demoHandle) get(t *testing.T, path string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.d.URL()+strings.TrimPrefix(path, "/"), nil)
	req.Header.Set("Authorization", "Bearer "+h.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestArchivePlayAndExportAcrossOutage plays and exports, through the API,
// a range that spans an outage whose recording was backfilled, and checks
// the export offline, and that both are in the audit log.
func TestArchivePlayAndExportAcrossOutage(t *testing.T) {
	fullLane(t)
	h, from, to, _ := recordAcrossOutage(t)
	q := url.Values{"from": {from.Format(time.RFC3339Nano)}, "to": {to.Format(time.RFC3339Nano)}}
	var tl archive.Timeline
	resp := h.get(t, "/api/v1/archive/xe-01/cam1/timeline?"+q.Encode())
	decodeBody(t, resp, &tl)
	if len(tl.Gaps) != 0 || len(tl.Ranges) != 1 {
		t.Fatalf("the vehicle recorded through the outage, the timeline says %+v", tl)
	}
	rq := url.Values{"start": {from.Format(time.RFC3339Nano)}, "duration": {formatSeconds(to.Sub(from))}}
	resp = h.get(t, "/api/v1/archive/xe-01/cam1/play?"+rq.Encode())
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("play: %s %s", resp.Status, body[:min(len(body), 200)])
	}
	seg, err := segfile.Parse(body)
	if err != nil {
		t.Fatalf("played clip does not parse: %v", err)
	}
	if st := seg.Stats(); st.Duration < to.Sub(from)-time.Second {
		t.Fatalf("played %v of %v", st.Duration, to.Sub(from))
	}
	if !strings.Contains(resp.Header.Get("X-Fieldwatch-Pieces"), from.UTC().Format("2006-01-02T15:04:05")) {
		t.Fatalf("pieces header %q", resp.Header.Get("X-Fieldwatch-Pieces"))
	}
	resp = h.get(t, "/api/v1/archive/xe-01/cam1/export?"+rq.Encode())
	zipPath := filepath.Join(t.TempDir(), "export.zip")
	f, _ := os.Create(zipPath)
	io.Copy(f, resp.Body)
	f.Close()
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), ".zip") {
		t.Fatalf("export: %s", resp.Status)
	}
	rep, err := bundle.Verify(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("export verifies: %d segments, %d frames, key %s", rep.Segments, rep.Frames, rep.KeyFingerprint)
	// Both are in the audit log, with who and what range.
	h.token = apiLogin(t, h.d, "admin")
	var log struct {
		Records []audit.Record `json:"records"`
		ChainOK bool           `json:"chain_ok"`
	}
	decodeBody(t, h.get(t, "/api/v1/audit?user=trucban"), &log)
	actions := map[string]bool{}
	for _, r := range log.Records {
		if r.Object == "xe-01/cam1" {
			actions[r.Action] = true
		}
	}
	if !actions["archive.play"] || !actions["archive.export"] || !log.ChainOK {
		t.Fatalf("audit: %+v", log)
	}
}

func decodeBody(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s: %s", resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestConsolePlaysBackfilledArchive opens the console's archive page in
// Chromium on a range that spans an outage whose recording reached the hub
// only after the link came back, and checks that the timeline shows no gap,
// that the <video> really decodes the archived clip, and that the frame's
// wall-clock time is shown as the player moves into the outage.
func TestConsolePlaysBackfilledArchive(t *testing.T) {
	fullLane(t)
	h, from, to, cut := recordAcrossOutage(t)
	ctx := testContext(t)
	var password string
	for _, l := range h.d.Logins() {
		if l.Username == "trucban" {
			password = l.Password
		}
	}
	b := newBrowser(t, ctx)
	loginAs(t, b, h.d.URL(), "trucban", password)
	page := h.d.URL() + "#/archive?vehicle=xe-01&camera=cam1&at=" + url.QueryEscape(from.Format(time.RFC3339Nano))
	run(t, b, 10*time.Second, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(testid("archive-video"))))
	waitJS(t, b, 15*time.Second, "the timeline drawn", q("archive-timeline")+`.querySelectorAll('.tl-covered').length > 0`)
	// No gap drawn inside the recorded range (the day's bar is 24 h from midnight in Vietnam).
	y, mo, dd := from.In(archive.Zone).Date()
	day := time.Date(y, mo, dd, 0, 0, 0, 0, archive.Zone)
	lo := 100 * from.Sub(day).Seconds() / 86400
	hi := 100 * to.Sub(day).Seconds() / 86400
	js := `[...` + q("archive-timeline") + `.children].filter(e => e.className.startsWith('tl-') && !['tl-covered', 'tl-cursor', 'tl-no_recording'].includes(e.className))` +
		`.filter(e => { const l = parseFloat(e.style.left), w = parseFloat(e.style.width); return l < ` + strconv.FormatFloat(hi-0.01, 'f', 4, 64) +
		` && l + w > ` + strconv.FormatFloat(lo+0.01, 'f', 4, 64) + `; }).map(e => e.title).join('; ')`
	if gaps := eval[string](t, b, js); gaps != "" {
		t.Fatalf("timeline shows gaps in a range the vehicle recorded throughout: %s", gaps)
	}
	waitJS(t, b, 15*time.Second, "the archived clip decoding at 640x360",
		`(() => { const v = `+q("archive-video")+`; return v.readyState >= 2 && v.videoWidth === 640 && v.videoHeight === 360; })()`)
	// Jump into the outage, as a click on the timeline does: the page plays from that moment.
	at := cut.Add(3 * time.Second)
	page = h.d.URL() + "#/archive?vehicle=xe-01&camera=cam1&at=" + url.QueryEscape(at.Format(time.RFC3339Nano))
	run(t, b, 10*time.Second, chromedp.Navigate(page))
	waitJS(t, b, 15*time.Second, "the clip from inside the outage decoding",
		`(() => { const v = `+q("archive-video")+`; return v.readyState >= 2 && v.src.includes(encodeURIComponent('`+at.UTC().Format("2006-01-02T15:04:05")+`')); })()`)
	frames := func() int {
		return eval[int](t, b, q("archive-video")+`.getVideoPlaybackQuality().totalVideoFrames`)
	}
	f0 := frames()
	testwait.For(t, 10*time.Second, "frames decoded inside the outage", func() bool { return frames() >= f0+10 })
	// The readout shows the wall-clock time of the frame: inside the outage.
	var ms int64
	testwait.For(t, 10*time.Second, "frame time shown", func() bool {
		ms = int64(eval[float64](t, b, `Number(`+q("archive-clock")+`.dataset.ms || 0)`))
		return ms > 0
	})
	shown := time.UnixMilli(ms)
	if shown.Before(cut) || shown.After(cut.Add(10*time.Second)) {
		t.Fatalf("frame time %s is not inside the outage %s – %s", shown, cut, cut.Add(8*time.Second))
	}
	if txt := eval[string](t, b, q("archive-clock")+`.textContent`); !strings.Contains(txt, shown.In(archive.Zone).Format("15:04")) {
		t.Fatalf("readout %q does not show %s in Vietnam time", txt, shown.In(archive.Zone).Format("15:04:05"))
	}
	t.Logf("played the backfilled outage: frame at %s shown as %q; range %s – %s", shown.Format("15:04:05.000"),
		eval[string](t, b, q("archive-clock")+`.textContent`), from.Format("15:04:05"), to.Format("15:04:05"))
}
