package webcore

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func tree(app string) fstest.MapFS {
	return fstest.MapFS{
		"index.html":    {Data: []byte(`<link rel="manifest" href="/x/manifest.json"><link rel="stylesheet" href="/x/app.css"><script type="module" src="/x/app.js"></script><a href="/x/">home</a>`)},
		"app.js":        {Data: []byte("import { h } from './core/dom.js';\n" + app)},
		"app.css":       {Data: []byte(":root{}")},
		"manifest.json": {Data: []byte("{}")},
	}
}

func get(a *App, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if strings.HasPrefix(path, "/x/") && path != "/x/" {
		a.ServeAsset(rec, r, nil)
	} else {
		a.ServePage(rec, r)
	}
	return rec
}

// The core is mounted at core/, the page names each asset at its versioned
// URL (stable files and the page itself stay), and assets are served only
// under the current version, cached for a year.
func TestVersionedTree(t *testing.T) {
	a := New(Options{Prefix: "/x/", Files: tree("h('p');"), Stable: []string{"manifest.json"}})
	v := a.Version()
	page := string(a.Page())
	for _, want := range []string{`href="/x/manifest.json"`, `href="/x/` + v + `/app.css"`, `src="/x/` + v + `/app.js"`, `href="/x/"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s: %s", want, page)
		}
	}
	for name := range map[string]bool{"core/whep.js": true, "core/dom.js": true, "core/i18n.js": true, "core/api.js": true, "core/sei.js": true} {
		rec := get(a, "/x/"+v+"/"+name)
		want, _ := fs.ReadFile(Core(), name)
		if rec.Code != http.StatusOK || rec.Body.String() != string(want) || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d %q", name, rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
	if rec := get(a, "/x/manifest.json"); rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("stable file: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	for _, p := range []string{"/x/app.js", "/x/core/dom.js", "/x/" + v + "/index.html", "/x/" + v + "/nope.js", "/x/" + v + "/core/../app.js", "/x/" + v + "/core"} {
		if rec := get(a, p); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, rec.Code)
		}
	}
	if rec := get(a, "/x/"); rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("page: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}

	// Any change of a file is a new version; the old version's paths are gone.
	b := New(Options{Prefix: "/x/", Files: tree("h('div');"), Stable: []string{"manifest.json"}})
	if b.Version() == v {
		t.Fatal("a changed file kept the version")
	}
	if rec := get(b, "/x/"+v+"/app.js"); rec.Code != http.StatusNotFound {
		t.Errorf("old version's module: %d, want 404", rec.Code)
	}
	if New(Options{Prefix: "/x/", Files: tree("h('p');"), Stable: []string{"manifest.json"}}).Version() != v {
		t.Error("the same tree gave another version")
	}
}

// An app may not bring its own core/: there is one copy.
func TestAppCannotShadowCore(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("an app with its own core/dom.js was accepted")
		}
	}()
	files := tree("")
	files["core/dom.js"] = &fstest.MapFile{Data: []byte("export const h = 1;")}
	New(Options{Prefix: "/x/", Files: files})
}
