package mobile

import (
	"io/fs"
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

// Every embedded file is served under /m/ with the type a browser needs
// (a module with another type does not run), and nothing else is.
func TestServesEveryAssetWithItsType(t *testing.T) {
	h := Handler()
	types := map[string]string{
		".js": "text/javascript", ".css": "text/css", ".html": "text/html",
		".json": "application/json", ".svg": "image/svg+xml",
	}
	names, err := fs.Glob(files, "web/*")
	if err != nil || len(names) < 10 {
		t.Fatalf("embedded files: %v %v", names, err)
	}
	for _, name := range names {
		p := "/m/" + strings.TrimPrefix(name, "web/")
		if p == "/m/index.html" {
			p = "/m/"
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
	}
	page := get(t, h, "/m/")
	if csp := page.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' blob:") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("CSP %q: photo previews need img-src blob:, and the app talks only to its own origin", csp)
	}
	if cc := page.Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("page Cache-Control %q, want no-cache", cc)
	}
	for _, p := range []string{"/m/nope.js", "/static/api.js", "/", "/m/web/crew.js"} {
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

// resolve maps an import specifier of a module under /m/ to its embedded
// file, or says why it is not one.
func resolve(from, spec string) (string, bool) {
	switch {
	case strings.HasPrefix(spec, "./"):
		return path.Join(path.Dir(from), spec), true
	case strings.HasPrefix(spec, "/m/"):
		return "web/" + strings.TrimPrefix(spec, "/m/"), true
	}
	return "", false
}

// Every module the app loads is under /m/: on a vehicle nothing else is
// served. Every import names an embedded file, and every module is
// reachable from the page (no stale file).
func TestModuleImportsResolveInsideApp(t *testing.T) {
	page, err := fs.ReadFile(files, "web/index.html")
	if err != nil {
		t.Fatal(err)
	}
	var queue []string
	for _, m := range htmlRefRE.FindAllStringSubmatch(string(page), -1) {
		file, ok := resolve("web/index.html", m[1])
		if !ok {
			t.Errorf("index.html refers to %q, outside /m/", m[1])
			continue
		}
		if _, err := fs.Stat(files, file); err != nil {
			t.Errorf("index.html refers to %q: %v", m[1], err)
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
		src, err := fs.ReadFile(files, mod)
		if err != nil {
			t.Errorf("%s: %v", mod, err)
			continue
		}
		refs := append(importRE.FindAllStringSubmatch(string(src), -1), dynamicRE.FindAllStringSubmatch(string(src), -1)...)
		for _, m := range refs {
			imports++
			file, ok := resolve(mod, m[1])
			if !ok {
				t.Errorf("%s imports %q: not a module of the app under /m/", mod, m[1])
				continue
			}
			if _, err := fs.Stat(files, file); err != nil {
				t.Errorf("%s imports %q: %v", mod, m[1], err)
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
	mods, _ := fs.Glob(files, "web/*.js")
	for _, m := range mods {
		if !seen[m] {
			t.Errorf("%s is embedded but no module imports it", m)
		}
	}
	if !slices.Contains(mods, "web/crew.js") {
		t.Error("no crew.js")
	}
}

// The service worker keeps a copy of every file of the app, and of
// nothing else: a file missing from its list would break the app opened
// without a network.
func TestServiceWorkerCopiesTheWholeApp(t *testing.T) {
	src, err := fs.ReadFile(files, "web/sw.js")
	if err != nil {
		t.Fatal(err)
	}
	_, list, ok := strings.Cut(string(src), "const SHELL = [")
	list, _, ok2 := strings.Cut(list, "];")
	if !ok || !ok2 {
		t.Fatal("sw.js: no SHELL list")
	}
	var shell []string
	for _, m := range regexp.MustCompile(`'([^']+)'`).FindAllStringSubmatch(list, -1) {
		shell = append(shell, m[1])
	}
	var want []string
	names, _ := fs.Glob(files, "web/*")
	for _, name := range names {
		switch base := strings.TrimPrefix(name, "web/"); base {
		case "sw.js":
		case "index.html":
			want = append(want, "/m/")
		default:
			want = append(want, "/m/"+base)
		}
	}
	slices.Sort(shell)
	slices.Sort(want)
	if !slices.Equal(shell, want) {
		t.Errorf("sw.js copies %v\nthe app has   %v", shell, want)
	}
}
