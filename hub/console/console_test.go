package console

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// testApp is the console's tree as the handler serves it.
var testApp = App()

func serve(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestServesIndexAndAssets(t *testing.T) {
	h := Handler()
	v := testApp.Version()
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(v) {
		t.Fatalf("version %q, want 12 hex digits", v)
	}
	for _, c := range []struct{ path, ctype, cache, body string }{
		{"/", "text/html", "no-cache", `<script type="module" src="/static/` + v + `/app.js">`},
		{"/static/" + v + "/app.js", "text/javascript", "max-age=31536000", "import "},
		{"/static/" + v + "/core/whep.js", "text/javascript", "max-age=31536000", "export class WhepPlayer"},
		{"/static/" + v + "/core/sei.js", "text/javascript", "max-age=31536000", "export function findStamp"},
		{"/static/" + v + "/core/dom.js", "text/javascript", "max-age=31536000", "export function h("},
		{"/static/" + v + "/core/i18n.js", "text/javascript", "max-age=31536000", "export function createI18n"},
		{"/static/" + v + "/core/api.js", "text/javascript", "max-age=31536000", "export class APIError"},
		{"/static/" + v + "/app.css", "text/css", "max-age=31536000", ":root"},
		{"/static/" + v + "/archive.js", "text/javascript", "max-age=31536000", "export class ArchiveView"},
		{"/static/" + v + "/timeline.js", "text/javascript", "max-age=31536000", "export class Timeline"},
		{"/static/" + v + "/transfers.js", "text/javascript", "max-age=31536000", "export class TransfersView"},
	} {
		t.Run(c.path, func(t *testing.T) {
			rec := serve(h, c.path)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, c.ctype) {
				t.Errorf("Content-Type %q, want %s", got, c.ctype)
			}
			if got := rec.Header().Get("Cache-Control"); !strings.Contains(got, c.cache) {
				t.Errorf("Cache-Control %q, want %s", got, c.cache)
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if !strings.Contains(rec.Body.String(), c.body) {
				t.Errorf("body lacks %q", c.body)
			}
		})
	}
	rec := serve(h, "/index.html")
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "./" {
		t.Errorf("/index.html: %d to %q, want a redirect to /", rec.Code, rec.Header().Get("Location"))
	}
	for _, path := range []string{"/nothing-here", "/static/nothing.js", "/api.js", "/static/" + v + "/nothing.js",
		"/static/" + v + "/index.html", "/static/" + v + "/", "/static/" + v + "/../app.js", "/static/" + v + "/core/../app.js"} {
		if rec := serve(h, path); rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, rec.Code)
		}
	}
}

// An upgrade never mixes old and new modules: the assets are only served
// under the current version (another version's path, or none, is 404), and
// the page names only versioned assets.
func TestAssetsVersioned(t *testing.T) {
	h := Handler()
	v := testApp.Version()
	for _, path := range []string{"/static/app.js", "/static/core/whep.js", "/static/000000000000/app.js", "/static/" + v[:11] + "/app.js"} {
		if rec := serve(h, path); rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, rec.Code)
		}
	}
	page := serve(h, "/").Body.String()
	refs := regexp.MustCompile(`(?:src|href)="(/static/[^"]*)"`).FindAllStringSubmatch(page, -1)
	for _, m := range refs {
		if !strings.HasPrefix(m[1], "/static/"+v+"/") {
			t.Errorf("the page names %s, not an asset of version %s", m[1], v)
		}
	}
	if len(refs) < 2 {
		t.Errorf("the page names %d assets, want the stylesheet and the app", len(refs))
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/static/"+v+"/app.js", nil)
	req.Header.Set("If-None-Match", `"`+v+`"`)
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("revalidating an asset: %d, want 304", rec.Code)
	}
}

// The index only refers to assets that exist.
func TestIndexAssetsExist(t *testing.T) {
	h := Handler()
	rec := serve(h, "/")
	refs := 0
	for _, part := range strings.Split(rec.Body.String(), `"/static/`)[1:] {
		name, _, _ := strings.Cut(part, `"`)
		refs++
		if r := serve(h, "/static/"+name); r.Code != http.StatusOK {
			t.Errorf("index refers to /static/%s: status %d", name, r.Code)
		}
	}
	if refs < 2 {
		t.Errorf("index refers to %d assets, want the stylesheet and the app", refs)
	}
}
