package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/archive"
	"fieldwatch/hub/audit"
	"fieldwatch/internal/bundle"
	"fieldwatch/internal/segfile"
	"fieldwatch/sim/demo"
	"fieldwatch/vehicle/node"
)

// recordAcrossOutage runs one vehicle, cuts its link for 8 s, restores it and
// waits until the backfill has reached the hub. It returns the demo, a duty
// officer's token and the recorded range.
func recordAcrossOutage(t *testing.T) (*demoHandle, time.Time, time.Time) {
	t.Helper()
	d := startRecordingDemo(t, t.TempDir(), func(c *node.Config) {
		c.Recording.SegmentDuration = 2 * time.Second
		c.Sync.LinkKbps = 20000
	})
	h := &demoHandle{d: d, id: "xe-01", cam: "cam1"}
	h.token = apiLogin(t, d, "trucban")
	eventually(t, 20*time.Second, "vehicle online", func() bool { return vehicles(t, d, h.token)[h.id].Online })
	rec := d.Node(h.id).Recorder()
	eventually(t, 20*time.Second, "two segments", func() bool { return len(rec.Segments(h.cam)) >= 2 })
	d.SetLink(h.id, false)
	time.Sleep(8 * time.Second)
	d.SetLink(h.id, true)
	eventually(t, 20*time.Second, "two segments after the outage", func() bool {
		s := rec.Segments(h.cam)
		return len(s) >= 8
	})
	eventually(t, 30*time.Second, "backfill done", func() bool { return rec.Backlog().Segments == 0 })
	segs := rec.Segments(h.cam)
	return h, segs[0].Manifest.Start, segs[len(segs)-1].Manifest.End
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
	h, from, to := recordAcrossOutage(t)
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
