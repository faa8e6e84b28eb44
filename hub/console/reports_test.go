package console

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// The modules of the reports page, its form, and the camera view's snapshot.
var reportModules = []string{"reports.js", "reportform.js", "camera.js"}

// The modules are embedded and served; app.js routes to the page for the
// roles that see reports (not the administrator), with its own refresh
// period, and counts a leader's pending reports in the menu; the camera
// view offers the snapshot to those who raise reports.
func TestReportModulesServed(t *testing.T) {
	h := Handler()
	for _, name := range reportModules {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, testApp.URL(name), nil))
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
			t.Errorf("/static/%s: status %d, Content-Type %q", name, rec.Code, rec.Header().Get("Content-Type"))
		}
		if rec.Body.String() != readWeb(t, name) {
			t.Errorf("/static/%s: served body differs from the embedded file", name)
		}
	}
	for _, c := range []struct {
		file string
		want []string
	}{
		{"app.js", []string{"from './reports.js'", "page === 'reports'", "reports: REPORT_ROLES", "view?.every ?? 2000", "hasRole(me, 'leader')",
			"pendingCount()", "{ me }", "pinOf(params)"}},
		{"reports.js", []string{"export const REPORT_ROLES = ['leader', 'duty', 'surveillance', 'crew'];",
			"export const CREATE_ROLES = ['duty', 'surveillance', 'crew'];", "export const REFRESH = 5000;",
			"'/api/v1/reports?state=pending'", "/decision`", "/reply`", "/done`", "e.code === 'not_approved'", "from './reportform.js'"}},
		{"reportform.js", []string{"MAX_PX = 2048", "'image/jpeg'", "api.upload('/api/v1/photos'", "api.post('/api/v1/reports', body)", "client_id: this.clientID"}},
		{"camera.js", []string{"canReport(me)", "this.player.captureTime()", "captured ?? Date.now()", "uploadPhoto(blob)", "openReportForm("}},
		{"core/whep.js", []string{"captureTime()", "this.shownCapture"}},
		{"api.js", []string{"upload: (path, blob, type)"}},
		{"map.js", []string{"this.pin", "'data-testid': 'map-pin'"}},
	} {
		src := readWeb(t, c.file)
		for _, want := range c.want {
			if !strings.Contains(src, want) {
				t.Errorf("%s lacks %q", c.file, want)
			}
		}
	}
	index := readWeb(t, "index.html")
	for _, want := range []string{
		`href="#/reports" data-testid="nav-reports" data-roles="leader duty surveillance crew" hidden>`,
		`<span data-i18n="nav.reports">`, `id="reports-count" class="count" data-testid="nav-reports-count" hidden>`,
	} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
}

// Every key these modules use is in both dictionaries, and what the
// leader and the reporter read most is written with its diacritics.
func TestReportModulesKeysTranslated(t *testing.T) {
	vi, en := dictionaries(t)
	literal := regexp.MustCompile(`'((?:rep|cam|common|err|view|nav|map)\.[A-Za-z]+)'`)
	for _, name := range append(reportModules, "app.js", "map.js") {
		keys := literal.FindAllStringSubmatch(readWeb(t, name), -1)
		if len(keys) < 2 {
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
	for k, want := range map[string]string{
		"rep.title": "Báo cáo dấu hiệu nghi vấn", "rep.pending": "Chờ quyết định", "rep.notApproved": "Chưa được lãnh đạo phê duyệt",
		"cam.snapshot": "Chụp ảnh", "rep.approve": "Phê duyệt",
	} {
		if vi[k] != want {
			t.Errorf("%s = %q, want %q", k, vi[k], want)
		}
	}
	for _, k := range []string{"nav.reports", "rep.reject", "rep.reply", "rep.done", "rep.formTitle", "rep.fText", "rep.fAction", "rep.fSubmit",
		"rep.timeline", "rep.conflict", "rep.fRetry", "cam.noFrame", "map.pin"} {
		if !strings.ContainsFunc(vi[k], func(r rune) bool { return r > 0x7f }) {
			t.Errorf("%s = %q: no diacritics", k, vi[k])
		}
	}
}

// Every report state, origin and timeline step of the hub's API has a name
// in both languages and a colour, and the audit log names the report actions.
func TestReportContractNamed(t *testing.T) {
	vi, en := dictionaries(t)
	src := readWeb(t, "reports.js")
	css := readWeb(t, "app.css")
	for _, c := range []struct {
		name string
		want map[string]string
		css  string // a selector per value, with %s
	}{
		{"STATE", map[string]string{"pending": "Chờ quyết định", "approved": "Đã phê duyệt", "rejected": "Không phê duyệt", "done": "Đã thực hiện"}, ".rep-state.st-%s"},
		{"VIA", map[string]string{"console": "", "phone": "", "vehicle": ""}, ""},
		{"STEP", map[string]string{"raised": "", "approved": "Phê duyệt", "rejected": "", "replied": "", "done": ""}, ".rep-step.st-%s"},
	} {
		m := jsMap(t, src, c.name, "rep")
		for value, want := range c.want {
			k, ok := m[value]
			switch {
			case !ok:
				t.Errorf("reports.js: %s %s not named", c.name, value)
			case want != "" && vi[k] != want:
				t.Errorf("reports.js: %s %s reads %q, want %q", c.name, value, vi[k], want)
			case vi[k] == "" || en[k] == "":
				t.Errorf("reports.js: %s %s not in both languages", c.name, value)
			}
			if sel := strings.ReplaceAll(c.css, "%s", value); sel != "" && value != "raised" && !styled(css, sel) {
				t.Errorf("app.css has no style for %s", sel)
			}
		}
	}
	audit := readWeb(t, "audit.js")
	for _, a := range []string{"report.create", "report.approve", "report.reject", "report.reply", "report.done"} {
		m := regexp.MustCompile(`'` + regexp.QuoteMeta(a) + `': '(act\.[A-Za-z]+)'`).FindStringSubmatch(audit)
		if m == nil || vi[m[1]] == "" || en[m[1]] == "" {
			t.Errorf("audit action %s: not named in both languages", a)
		}
	}
	for _, sel := range []string{".rep-pending", ".rep-item", ".rep-timeline", ".rep-photo", ".rep-full", ".dialog.wide", "nav a .count", ".map .pin"} {
		if !styled(css, sel) {
			t.Errorf("app.css has no style for %s", sel)
		}
	}
}

// styled tells whether a stylesheet has a rule for a selector (alone, in a
// list, or with a pseudo-element).
func styled(css, sel string) bool {
	return regexp.MustCompile(regexp.QuoteMeta(sel) + `[ ,:{]`).MatchString(css)
}

// The test ids that browser tests and the guides rely on, and a label for
// every input.
func TestReportTestIDs(t *testing.T) {
	for name, ids := range map[string][]string{
		"reports.js": {"reports", "reports-new", "reports-status", "reports-filter", "reports-pending", "reports-pending-count", "reports-pending-list",
			"reports-pending-empty", "reports-list", "reports-empty", "report-item-${", "report-state-${", "report-detail-pane", "report-none", "report-missing",
			"report-detail", "report-detail-title", "report-detail-state", "report-detail-by", "report-detail-via", "report-detail-created",
			"report-detail-unit", "report-detail-vehicle", "report-detail-position", "report-detail-map", "report-detail-snapshot", "report-detail-archive",
			"report-detail-text", "report-detail-action", "report-detail-photos", "report-photo-open-${", "report-timeline", "report-step-${",
			"report-step-who-${", "report-approve", "report-reject", "report-reply", "report-done", "report-not-approved", "report-action-status",
			"reply-dialog", "reply-text", "reply-urgent", "reply-send", "reply-cancel", "reply-message",
			"photo-viewer", "photo-viewer-img", "photo-viewer-prev", "photo-viewer-next", "photo-viewer-original", "photo-viewer-close"},
		"reportform.js": {"report-dialog", "report-form", "report-title", "report-text", "report-action", "report-vehicle", "report-position",
			"report-files", "report-photos", "report-photo-${", "report-photo-remove-${", "report-snapshot", "report-message", "report-submit",
			"report-cancel", "report-created", "report-open", "report-close"},
		"camera.js": {"camera-snapshot", "camera-snapshot-status", "camera-video"},
	} {
		src := readWeb(t, name)
		for _, id := range ids {
			// A literal id, a template, or an id passed to a helper that sets it.
			byHelper := strings.Contains(src, "new Status('"+id+"')") || strings.Contains(src, "testid: '"+id+"'") ||
				strings.Contains(src, "'"+id+"')") && strings.Contains(src, "'data-testid': id")
			if !strings.Contains(src, "'data-testid': '"+id+"'") && !strings.Contains(src, "'data-testid': `"+id) && !byHelper {
				t.Errorf("%s: no data-testid %s", name, id)
			}
		}
	}
	inputs := regexp.MustCompile(`h\('(?:input|select|textarea)', \{ id: '([a-z-]+)'`)
	found := 0
	for _, name := range reportModules {
		src := readWeb(t, name)
		for _, m := range inputs.FindAllStringSubmatch(src, -1) {
			found++
			if !strings.Contains(src, "h('label', { for: '"+m[1]+"' }") {
				t.Errorf("%s: #%s has no label", name, m[1])
			}
		}
	}
	if found < 8 {
		t.Errorf("found only %d inputs: the pattern is stale", found)
	}
}
