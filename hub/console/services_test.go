package console

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// The module of the service monitoring page is embedded and served; app.js
// routes to it for the roles the hub lets see it (alerts.view), with its
// own refresh period; the menu offers it to those roles only.
func TestServicesModuleServed(t *testing.T) {
	h := Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, testApp.URL("services.js"), nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
		t.Errorf("/static/services.js: status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec.Body.String() != readWeb(t, "services.js") {
		t.Error("/static/services.js: served body differs from the embedded file")
	}
	for _, c := range []struct {
		file string
		want []string
	}{
		{"app.js", []string{"from './services.js'", "page === 'services'", "services: SERVICE_ROLES", "new ServicesView(app, params)"}},
		{"services.js", []string{"export class ServicesView", "export const SERVICE_ROLES = ['admin', 'leader', 'duty', 'surveillance'];",
			"export const REFRESH = 5000;", "this.every = REFRESH", "api.get('/api/v1/services')", "api.vehicles()", "`/api/v1/services/history?${q}`",
			"q.set('from', from)", "q.set('to', to)", "q.set('host', host)", "q.set('limit'", "formatTime(iso, true)", "e.was !== e.state"}},
	} {
		src := readWeb(t, c.file)
		for _, want := range c.want {
			if !strings.Contains(src, want) {
				t.Errorf("%s lacks %q", c.file, want)
			}
		}
	}
	const nav = `href="#/services" data-i18n="nav.services" data-testid="nav-services" data-roles="admin leader duty surveillance" hidden>`
	if !strings.Contains(readWeb(t, "index.html"), nav) {
		t.Errorf("index.html lacks %s", nav)
	}
}

// Every key the page uses is in both dictionaries, and what the duty desk
// reads is in Vietnamese with its diacritics.
func TestServicesKeysTranslated(t *testing.T) {
	vi, en := dictionaries(t)
	keys := regexp.MustCompile(`'((?:svc|nav|arch|common|err)\.[A-Za-z]+)'`).FindAllStringSubmatch(readWeb(t, "services.js"), -1)
	if len(keys) < 30 {
		t.Errorf("services.js: only %d keys found: the pattern is stale", len(keys))
	}
	for _, k := range keys {
		if vi[k[1]] == "" {
			t.Errorf("services.js uses %s: no Vietnamese", k[1])
		}
		if en[k[1]] == "" {
			t.Errorf("services.js uses %s: no English", k[1])
		}
	}
	for k, want := range map[string]string{"svc.title": "Giám sát dịch vụ", "svc.history": "Lịch sử thay đổi trạng thái", "svc.hub": "Trung tâm"} {
		if vi[k] != want {
			t.Errorf("%s = %q, want %q", k, vi[k], want)
		}
	}
	for _, k := range []string{"nav.services", "svc.help", "svc.stale", "svc.noServices", "svc.badRange", "svc.count", "svc.noHistory", "svc.host",
		"svc.from", "svc.to", "svc.onlyChanges", "svc.since", "svc.seen", "svc.address", "svc.new"} {
		if !strings.ContainsFunc(vi[k], func(r rune) bool { return r > 0x7f }) {
			t.Errorf("%s = %q: no diacritics", k, vi[k])
		}
	}
}

// Every state and service of the hub's API has its Vietnamese name, an
// English one, and a colour.
func TestServicesContractNamed(t *testing.T) {
	vi, en := dictionaries(t)
	src := readWeb(t, "services.js")
	css := readWeb(t, "app.css")
	for _, c := range []struct {
		name string
		want map[string]string
	}{
		{"STATE", map[string]string{"running": "Đang chạy", "stopped": "Dừng", "error": "Lỗi"}},
		{"SERVICE", map[string]string{"http": "Máy chủ web", "relay": "Chuyển tiếp video", "archive": "Kho lưu trữ", "control": "Kênh điều khiển",
			"scheduler": "Lập lịch", "recorder": "Ghi hình", "sync": "Đồng bộ", "storage": "Lưu trữ"}},
		{"PER_CAMERA", map[string]string{"camera": "Thu hình camera {0}", "uplink": "Truyền trực tiếp {0}"}},
	} {
		m := jsMap(t, src, c.name, "svc")
		for value, want := range c.want {
			k, ok := m[value]
			switch {
			case !ok:
				t.Errorf("services.js: %s %s not named", c.name, value)
			case vi[k] != want:
				t.Errorf("services.js: %s %s reads %q, want %q", c.name, value, vi[k], want)
			case en[k] == "":
				t.Errorf("services.js: %s %s has no English", c.name, value)
			}
		}
	}
	for _, state := range []string{"running", "stopped", "error"} {
		for _, sel := range []string{".svc-tile.st-", ".svc-count.st-", ".svc-state.st-", ".svc-host.st-"} {
			if !styled(css, sel+state) {
				t.Errorf("app.css has no style for %s%s", sel, state)
			}
		}
	}
	for _, sel := range []string{".svc-summary", ".svc-tiles", ".svc-tile.stale", ".svc-meta"} {
		if !styled(css, sel) {
			t.Errorf("app.css has no style for %s", sel)
		}
	}
}

// The test ids that browser tests and the guides rely on, and a label for
// every input.
func TestServicesTestIDs(t *testing.T) {
	src := readWeb(t, "services.js")
	for _, id := range []string{"services", "svc-summary", "svc-count-${state}", "svc-host-${host}", "svc-${s.host}-${slug(s.name)}",
		"svc-history", "svc-history-row-${i}", "svc-history-empty", "svc-history-count", "svc-filter-host", "svc-filter-from", "svc-filter-to",
		"svc-filter-changes", "svc-filter-apply", "svc-filter-clear", "svc-filters", "svc-empty"} {
		if !strings.Contains(src, "'data-testid': '"+id+"'") && !strings.Contains(src, "'data-testid': `"+id+"`") {
			t.Errorf("services.js: no data-testid %s", id)
		}
	}
	for _, id := range []string{"svc-status", "svc-history-status"} {
		if !strings.Contains(src, "new Status('"+id+"')") {
			t.Errorf("services.js: no status %s", id)
		}
	}
	// The tile's id is the service's name with its spaces as dashes, and its state is data-state.
	for _, want := range []string{"const slug = (name) => name.replace(/\\s+/g, '-');", "'data-state': s.state", "'data-state': e.state", "'data-was': e.was"} {
		if !strings.Contains(src, want) {
			t.Errorf("services.js lacks %s", want)
		}
	}
	inputs := regexp.MustCompile(`h\('(?:input|select|textarea)', \{ id: '([a-z-]+)'`).FindAllStringSubmatch(src, -1)
	if len(inputs) != 4 {
		t.Errorf("found %d inputs, want the host, from, to and state-changes filters: the pattern is stale", len(inputs))
	}
	for _, m := range inputs {
		if !strings.Contains(src, "h('label', { for: '"+m[1]+"' }") {
			t.Errorf("services.js: #%s has no label", m[1])
		}
	}
}
