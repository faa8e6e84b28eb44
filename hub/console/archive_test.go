package console

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"fieldwatch/internal/webcore"
)

// The archive and transfer pages' modules, served like the rest.
var archiveModules = []string{"archive.js", "timeline.js", "transfers.js", "grid.js"}

func readWeb(t *testing.T, name string) string {
	t.Helper()
	fsys, p := fs.FS(files), "web/"+name
	if strings.HasPrefix(name, webcore.CoreDir+"/") {
		fsys, p = webcore.Core(), name
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Every module of the archive pages is embedded and served, and app.js routes to them.
func TestArchiveModulesServed(t *testing.T) {
	h := Handler()
	for _, name := range archiveModules {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, testApp.URL(name), nil))
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
			t.Errorf("/static/%s: status %d, Content-Type %q", name, rec.Code, rec.Header().Get("Content-Type"))
		}
		if rec.Body.String() != readWeb(t, name) {
			t.Errorf("/static/%s: served body differs from the embedded file", name)
		}
	}
	app := readWeb(t, "app.js")
	for _, want := range []string{"from './archive.js'", "from './transfers.js'", "page === 'archive'", "page === 'transfers'"} {
		if !strings.Contains(app, want) {
			t.Errorf("app.js lacks %q", want)
		}
	}
	if !strings.Contains(readWeb(t, "archive.js"), "from './timeline.js'") {
		t.Error("archive.js does not use timeline.js")
	}
	index := readWeb(t, "index.html")
	for _, want := range []string{`href="#/archive" data-i18n="nav.archive"`, `href="#/transfers" data-i18n="nav.transfers"`} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks the navigation entry %s", want)
		}
	}
}

// Every key the archive pages use is in both dictionaries.
func TestArchiveModulesKeysTranslated(t *testing.T) {
	vi, en := dictionaries(t)
	literal := regexp.MustCompile(`'((?:arch|gap|xfer|alert|v|nav)\.[A-Za-z]+)'`)
	for _, name := range archiveModules {
		keys := literal.FindAllStringSubmatch(readWeb(t, name), -1)
		if len(keys) < 5 {
			t.Errorf("%s: only %d keys found: the pattern is stale", name, len(keys))
		}
		for _, k := range keys {
			if _, ok := vi[k[1]]; !ok {
				t.Errorf("%s uses %s: no Vietnamese", name, k[1])
			}
			if _, ok := en[k[1]]; !ok {
				t.Errorf("%s uses %s: no English", name, k[1])
			}
		}
	}
}

// jsMap reads a flat JS object literal of identifiers to dictionary keys.
func jsMap(t *testing.T, src, name, ns string) map[string]string {
	t.Helper()
	_, body, ok := strings.Cut(src, "export const "+name+" = {")
	body, _, ok2 := strings.Cut(body, "};")
	if !ok || !ok2 {
		t.Fatalf("cannot find %s", name)
	}
	m := map[string]string{}
	for _, e := range regexp.MustCompile(`([a-z_]+): '(`+ns+`\.[A-Za-z]+)'`).FindAllStringSubmatch(body, -1) {
		m[e[1]] = e[2]
	}
	return m
}

// Every gap reason and alert kind of the hub's API has a name in both
// languages and a colour; the timeline's tooltips say what the duty desk expects.
func TestArchiveContractNamed(t *testing.T) {
	vi, en := dictionaries(t)
	css := readWeb(t, "app.css")
	gaps := jsMap(t, readWeb(t, "timeline.js"), "GAP", "gap")
	for reason, want := range map[string]string{
		"covered": "Có bản ghi", "vehicle_off": "Xe tắt/không ghi", "camera_down": "Camera mất tín hiệu",
		"syncing": "Đang đồng bộ", "no_recording": "Không có bản ghi", "storage_full": "", "evicted": "",
	} {
		k, ok := gaps[reason]
		switch {
		case !ok:
			t.Errorf("gap reason %s: not named in timeline.js", reason)
		case want != "" && vi[k] != want:
			t.Errorf("gap reason %s: %q, want %q", reason, vi[k], want)
		case en[k] == "":
			t.Errorf("gap reason %s: no English", reason)
		}
		if !strings.Contains(css, ".tl-"+reason+" {") {
			t.Errorf("gap reason %s: no colour (.tl-%s) in app.css", reason, reason)
		}
	}
	kinds := jsMap(t, readWeb(t, "transfers.js"), "ALERT", "alert")
	for _, kind := range []string{"tamper", "disk_low", "disk_full", "sync_error", "unsynced_evicted", "key_conflict", "hub_storage"} {
		k, ok := kinds[kind]
		if !ok || vi[k] == "" || en[k] == "" {
			t.Errorf("alert kind %s: not named in both languages", kind)
		}
		if !strings.Contains(css, ".alert-"+kind+" .badge") {
			t.Errorf("alert kind %s: no badge colour in app.css", kind)
		}
	}
}

// The test ids that browser tests and the duty desk's guides rely on.
func TestArchiveTestIDs(t *testing.T) {
	for name, ids := range map[string][]string{
		"archive.js":   {"archive-vehicle", "archive-camera", "archive-date", "archive-time", "archive-go", "archive-video", "archive-clock", "archive-export", "archive-hold", "archive-holds", "archive-message"},
		"timeline.js":  {"archive-timeline", "archive-zoom", "archive-legend"},
		"transfers.js": {"transfers-day", "transfers-table", "alerts", "transfer-${", "transfer-files-${"},
		"grid.js":      {"sync-backlog-${v.id}", "storage-alarm-${v.id}"},
	} {
		src := readWeb(t, name)
		for _, id := range ids {
			if !strings.Contains(src, "'data-testid': '"+id+"'") && !strings.Contains(src, "'data-testid': `"+id) {
				t.Errorf("%s: no data-testid %s", name, id)
			}
		}
	}
	// Inputs have labels.
	for _, name := range []string{"archive.js", "transfers.js"} {
		src := readWeb(t, name)
		inputs := regexp.MustCompile(`h\('(?:input|select)', \{ id: '([a-z-]+)'`).FindAllStringSubmatch(src, -1)
		if len(inputs) == 0 {
			t.Errorf("%s: no inputs found: the pattern is stale", name)
		}
		for _, m := range inputs {
			if !strings.Contains(src, "h('label', { for: '"+m[1]+"' }") {
				t.Errorf("%s: #%s has no label", name, m[1])
			}
		}
	}
}
