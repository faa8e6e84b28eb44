package mobile

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// get asks the handler for a path.
func get(t *testing.T, h http.Handler, p string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
	return rec
}

// testApp is the app's tree as the handler serves it.
var testApp = App()

// Every file of the tree (the shared core's included) is served under /m/
// with the type a browser needs (a module with another type does not
// run), at its versioned URL or, for the few stable ones, at /m/<name>;
// nothing else is.
func TestServesEveryAssetWithItsType(t *testing.T) {
	h := Handler()
	types := map[string]string{
		".js": "text/javascript", ".css": "text/css", ".html": "text/html",
		".json": "application/json", ".svg": "image/svg+xml",
	}
	names := testApp.Names()
	if len(names) < 15 || !slices.Contains(names, "core/whep.js") {
		t.Fatalf("tree: %v", names)
	}
	v := testApp.Version()
	for _, name := range names {
		p := testApp.URL(name)
		if !slices.Contains(stable, name) && p != "/m/"+v+"/"+name {
			t.Errorf("%s is served at %s, want /m/%s/%s", name, p, v, name)
		}
		want, ok := types[path.Ext(name)]
		if !ok {
			t.Errorf("%s: no expected type for this kind of file; add it to the test", name)
			continue
		}
		rec := get(t, h, p)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), want) {
			t.Errorf("%s: %d %q, want 200 %s", p, rec.Code, rec.Header().Get("Content-Type"), want)
		}
		cc := rec.Header().Get("Cache-Control")
		if slices.Contains(stable, name) && cc != "no-cache" || !slices.Contains(stable, name) && !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q", p, cc)
		}
	}
	page := get(t, h, "/m/")
	if csp := page.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' blob:") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("CSP %q: photo previews need img-src blob:, and the app talks only to its own origin", csp)
	}
	if cc := page.Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("page Cache-Control %q, want no-cache", cc)
	}
	if rec := get(t, h, "/m/index.html"); rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "./" {
		t.Errorf("/m/index.html: %d to %q, want a redirect to /m/", rec.Code, rec.Header().Get("Location"))
	}
	for _, p := range []string{"/m/nope.js", "/static/api.js", "/", "/m/web/crew.js", "/m/crew.js", "/m/core/whep.js",
		"/m/000000000000/crew.js", "/m/" + v + "/nope.js", "/m/" + v + "/index.html", "/m/" + v + "/", "/m/" + v + "/../crew.js"} {
		if rec := get(t, h, p); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, rec.Code)
		}
	}
}

var (
	// importRE finds static imports and re-exports (also over several
	// lines): import ... from '...', export ... from '...', import '...'.
	importRE = regexp.MustCompile(`(?m)^\s*(?:(?:import|export)\s[^;']*?\bfrom\s*|import\s*)'([^']+)'`)
	// dynamicRE finds import('...') and the service worker's register('...').
	dynamicRE = regexp.MustCompile(`\b(?:import|register)\(\s*'([^']+)'`)
	// htmlRefRE finds src= and href= in the page.
	htmlRefRE = regexp.MustCompile(`(?:src|href)="([^"]+)"`)
)

// resolve maps an import specifier of a module (a name of the tree) or of
// the served page to a name of the tree, or says why it is not one.
func resolve(from, spec string) (string, bool) {
	switch {
	case strings.HasPrefix(spec, "./"):
		return path.Join(path.Dir(from), spec), true
	case strings.HasPrefix(spec, "/m/"+testApp.Version()+"/"):
		return strings.TrimPrefix(spec, "/m/"+testApp.Version()+"/"), true
	case strings.HasPrefix(spec, "/m/"):
		name := strings.TrimPrefix(spec, "/m/")
		return name, slices.Contains(stable, name)
	}
	return "", false
}

// Every module the app loads is under /m/: on a vehicle nothing else is
// served. Every import names an embedded file, and every module is
// reachable from the page (no stale file).
func TestModuleImportsResolveInsideApp(t *testing.T) {
	page := string(testApp.Page())
	var queue []string
	for _, m := range htmlRefRE.FindAllStringSubmatch(page, -1) {
		file, ok := resolve("index.html", m[1])
		if !ok {
			t.Errorf("index.html refers to %q, outside /m/ or not at its versioned URL", m[1])
			continue
		}
		if _, ok := testApp.File(file); !ok {
			t.Errorf("index.html refers to %q: no such file", m[1])
		}
		if path.Ext(file) == ".js" {
			queue = append(queue, file)
		}
	}
	if len(queue) != 1 {
		t.Fatalf("index.html loads %d modules, want the one entry module", len(queue))
	}
	seen := map[string]bool{}
	imports := 0
	for len(queue) > 0 {
		mod := queue[0]
		queue = queue[1:]
		if seen[mod] {
			continue
		}
		seen[mod] = true
		src, ok := testApp.File(mod)
		if !ok {
			t.Errorf("%s: no such module", mod)
			continue
		}
		refs := append(importRE.FindAllStringSubmatch(string(src), -1), dynamicRE.FindAllStringSubmatch(string(src), -1)...)
		for _, m := range refs {
			imports++
			file, ok := resolve(mod, m[1])
			if !ok {
				t.Errorf("%s imports %q: not a module of the app under /m/ (a module imports others relatively, within its version)", mod, m[1])
				continue
			}
			if _, ok := testApp.File(file); !ok {
				t.Errorf("%s imports %q: no such module", mod, m[1])
				continue
			}
			queue = append(queue, file)
		}
		if strings.Contains(string(src), "/static/") {
			t.Errorf("%s mentions /static/: the console's files are not served on a vehicle", mod)
		}
	}
	if imports < 15 {
		t.Errorf("found only %d imports: the pattern is stale", imports)
	}
	var mods []string
	for _, m := range testApp.Names() {
		if path.Ext(m) == ".js" {
			mods = append(mods, m)
		}
	}
	for _, m := range mods {
		if !seen[m] {
			t.Errorf("%s is in the tree but no module imports it", m)
		}
	}
	if !slices.Contains(mods, "crew.js") || !slices.Contains(mods, "core/whep.js") {
		t.Error("no crew.js or core/whep.js")
	}
}

// The service worker, as served, keeps a copy of every file of this
// version of the app, and of nothing else (a file missing from its list
// would break the app opened without a network), in a cache of its own.
func TestServiceWorkerCopiesTheWholeApp(t *testing.T) {
	rec := get(t, Handler(), "/m/sw.js")
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("/m/sw.js: %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	src := rec.Body.String()
	if !strings.Contains(src, "const VERSION = '"+testApp.Version()+"';") || !strings.Contains(src, "`fieldwatch-crew-${VERSION}`") {
		t.Errorf("sw.js does not name version %s in its cache", testApp.Version())
	}
	_, list, ok := strings.Cut(src, "const SHELL = ")
	list, _, ok2 := strings.Cut(list, ";")
	var shell []string
	if !ok || !ok2 || json.Unmarshal([]byte(list), &shell) != nil {
		t.Fatalf("sw.js: no SHELL list in %q", list)
	}
	want := []string{"/m/"}
	for _, name := range testApp.Names() {
		if name != "sw.js" {
			want = append(want, testApp.URL(name))
		}
	}
	slices.Sort(shell)
	slices.Sort(want)
	if !slices.Equal(shell, want) {
		t.Errorf("sw.js copies %v\nthe app has   %v", shell, want)
	}
	for _, u := range shell {
		if rec := get(t, Handler(), u); rec.Code != http.StatusOK {
			t.Errorf("sw.js copies %s: %d", u, rec.Code)
		}
	}
}
