package console

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// The modules of the password, instructions, audit and administration pages.
var adminModules = []string{"ui.js", "password.js", "instructions.js", "audit.js", "admin.js", "adminunits.js", "adminusers.js", "adminsessions.js", "admincreds.js"}

// Every module of these pages is embedded and served, app.js routes to
// them, and the menu shows the administrator's pages to administrators only.
func TestAdminModulesServed(t *testing.T) {
	h := Handler()
	for _, name := range adminModules {
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
	for _, want := range []string{
		"from './instructions.js'", "from './audit.js'", "from './admin.js'", "from './password.js'",
		"page === 'instructions'", "page === 'audit'", "page === 'admin'", "page === 'password'",
		"PAGE_ROLES = { audit: ['admin'], admin: ['admin'], ",
		// The forced change: after a login that says so, on /me, and on any 403 that asks for it.
		"res.user?.must_change", "me.must_change", "'password_change_required'",
	} {
		if !strings.Contains(app, want) {
			t.Errorf("app.js lacks %q", want)
		}
	}
	admin := readWeb(t, "admin.js")
	for _, m := range []string{"adminunits.js", "adminusers.js", "adminsessions.js", "admincreds.js"} {
		if !strings.Contains(admin, "from './"+m+"'") {
			t.Errorf("admin.js does not use %s", m)
		}
	}
	index := readWeb(t, "index.html")
	for _, want := range []string{
		`href="#/instructions" data-i18n="nav.instructions" data-testid="nav-instructions">`,
		`href="#/audit" data-i18n="nav.audit" data-testid="nav-audit" data-roles="admin" hidden>`,
		`href="#/admin" data-i18n="nav.admin" data-testid="nav-admin" data-roles="admin" hidden>`,
		`href="#/password" data-i18n="nav.password" data-testid="menu-password"`,
		`data-testid="user-menu"`, `data-testid="logout"`,
	} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
}

// Every key these pages use is in both dictionaries, and the Vietnamese
// that users read most is written with its diacritics.
func TestAdminModulesKeysTranslated(t *testing.T) {
	vi, en := dictionaries(t)
	literal := regexp.MustCompile(`'((?:pw|ins|aud|act|adm|un|acct|sess|cred|role|common|err|lock|login|nav|v)\.[A-Za-z]+)'`)
	for _, name := range adminModules {
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
	for _, k := range []string{"pw.title", "pw.forcedIntro", "ins.title", "ins.urgent", "ins.overdue", "aud.intact", "aud.altered",
		"adm.title", "acct.lock", "cred.tokenWarning", "err.forbidden", "nav.password", "un.inUse"} {
		if !strings.ContainsFunc(vi[k], func(r rune) bool { return r > 0x7f }) {
			t.Errorf("%s = %q: no diacritics", k, vi[k])
		}
	}
}

// The names the duty desk reads for each state of the hub's API.
func TestAdminContractNamed(t *testing.T) {
	vi, en := dictionaries(t)
	for _, c := range []struct {
		file, name, ns string
		want           map[string]string
	}{
		{"instructions.js", "STATE", "ins", map[string]string{"sent": "Đã gửi", "delivered": "Đã nhận", "read": "Đã đọc", "acknowledged": "Đã xác nhận"}},
		{"adminusers.js", "LOCK", "lock", map[string]string{"initial_password_expired": "Chưa đổi mật khẩu ban đầu trong 30 ngày"}},
		{"ui.js", "ROLE", "role", map[string]string{"admin": "", "leader": "Lãnh đạo", "duty": "Trực ban", "surveillance": "", "crew": "Tổ công tác"}},
	} {
		m := jsMap(t, readWeb(t, c.file), c.name, c.ns)
		for state, want := range c.want {
			k, ok := m[state]
			switch {
			case !ok:
				t.Errorf("%s: %s %s not named", c.file, c.name, state)
			case want != "" && vi[k] != want:
				t.Errorf("%s: %s %s reads %q, want %q", c.file, c.name, state, vi[k], want)
			case vi[k] == "" || en[k] == "":
				t.Errorf("%s: %s %s not in both languages", c.file, c.name, state)
			}
		}
	}
	// Every audit action the hub writes has a name.
	actions := regexp.MustCompile(`'([a-z]+\.[a-z_]+)': '(act\.[A-Za-z]+)'`).FindAllStringSubmatch(readWeb(t, "audit.js"), -1)
	named := map[string]bool{}
	for _, a := range actions {
		named[a[1]] = vi[a[2]] != "" && en[a[2]] != ""
	}
	for _, a := range []string{"auth.login", "auth.login_failed", "auth.password", "access.denied", "users.create", "users.lock",
		"units.put", "units.delete", "vehicles.credential_issue", "vehicles.credential_revoke", "instruction.send", "audit.export"} {
		if !named[a] {
			t.Errorf("audit action %s: not named in both languages", a)
		}
	}
	css := readWeb(t, "app.css")
	for _, sel := range []string{".chip.st-sent", ".chip.st-delivered", ".chip.st-read", ".chip.st-acknowledged", ".chip.late",
		".ins-card.overdue", ".ins-card.urgent", ".chain.ok", ".chain.altered", ".status.forbidden", ".dialog", ".unit-row"} {
		if !strings.Contains(css, sel+" ") && !strings.Contains(css, sel+",") {
			t.Errorf("app.css has no style for %s", sel)
		}
	}
}

// The test ids that browser tests and the guides rely on, and a label for
// every input.
func TestAdminTestIDs(t *testing.T) {
	for name, ids := range map[string][]string{
		"password.js":      {"pw-form", "pw-forced", "pw-old", "pw-new", "pw-confirm", "pw-rules", "pw-show", "pw-submit", "pw-error", "pw-done", "pw-logout", "pw-cancel"},
		"instructions.js":  {"ins-compose", "ins-text", "ins-urgent", "ins-mode-vehicles", "ins-mode-unit", "ins-vehicles", "ins-vehicle-${", "ins-unit", "ins-send", "ins-message", "ins-list", "ins-filter", "ins-status", "ins-readonly", "ins-empty", "ins-${i.id}", "ins-${i.id}-${r.vehicle}", "ins-state-${", "ins-urgent-${", "ins-overdue-${", "ins-escalated-${"},
		"audit.js":         {"aud-chain", "aud-filters", "aud-user", "aud-action", "aud-object", "aud-from", "aud-search", "aud-clear", "aud-export", "aud-status", "aud-count", "aud-table", "aud-empty", "aud-row-${"},
		"admin.js":         {"admin-tab-${", "admin-${"},
		"adminunits.js":    {"units-tree", "units-message", "unit-form", "unit-id", "unit-name", "unit-parent", "unit-save", "unit-cancel", "unit-add", "unit-${u.id}", "unit-edit-${", "unit-delete-${"},
		"adminusers.js":    {"users-table", "users-message", "users-filter", "users-retired", "user-form", "user-username", "user-name", "user-unit", "user-role-${", "user-password", "user-generate", "user-save", "user-cancel", "user-add", "user-${u.username}", "user-state-${", "user-${id}-${"},
		"adminsessions.js": {"sessions-table", "sessions-message", "sessions-user", "session-${", "session-revoke-${"},
		"admincreds.js":    {"creds-table", "creds-message", "cred-${", "cred-issue-${", "cred-revoke-${", "cred-token", "cred-token-value", "cred-copy", "cred-copied", "cred-warning", "cred-close"},
		"ui.js":            {"dialog", "dialog-input", "dialog-ok", "dialog-cancel", "forbidden"},
	} {
		src := readWeb(t, name)
		for _, id := range ids {
			// A literal id, a template, or an id passed to a helper that sets it.
			byHelper := strings.Contains(src, "'"+id+"'") && strings.Contains(src, "'data-testid': id") || strings.Contains(src, "new Status('"+id+"')")
			if !strings.Contains(src, "'data-testid': '"+id+"'") && !strings.Contains(src, "'data-testid': `"+id) && !byHelper {
				t.Errorf("%s: no data-testid %s", name, id)
			}
		}
	}
	inputs := regexp.MustCompile(`h\('(?:input|select|textarea)', \{ id: '([a-z-]+)'`)
	found := 0
	for _, name := range adminModules {
		src := readWeb(t, name)
		for _, m := range inputs.FindAllStringSubmatch(src, -1) {
			found++
			if !strings.Contains(src, "h('label', { for: '"+m[1]+"' }") {
				t.Errorf("%s: #%s has no label", name, m[1])
			}
		}
	}
	if found < 20 {
		t.Errorf("found only %d inputs: the pattern is stale", found)
	}
}
