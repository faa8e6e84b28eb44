package console

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestServesIndexAndAssets(t *testing.T) {
	h := Handler()
	for _, c := range []struct{ path, ctype, cache, body string }{
		{"/", "text/html", "no-cache", `<script type="module" src="/static/app.js">`},
		{"/static/app.js", "text/javascript", "max-age=300", "import "},
		{"/static/whep.js", "text/javascript", "max-age=300", "export class WhepPlayer"},
		{"/static/sei.js", "text/javascript", "max-age=300", "export function findStamp"},
		{"/static/app.css", "text/css", "max-age=300", ":root"},
		{"/static/archive.js", "text/javascript", "max-age=300", "export class ArchiveView"},
		{"/static/timeline.js", "text/javascript", "max-age=300", "export class Timeline"},
		{"/static/transfers.js", "text/javascript", "max-age=300", "export class TransfersView"},
	} {
		t.Run(c.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
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
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/index.html", nil))
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "./" {
		t.Errorf("/index.html: %d to %q, want a redirect to /", rec.Code, rec.Header().Get("Location"))
	}
	for _, path := range []string{"/nothing-here", "/static/nothing.js", "/api.js"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, rec.Code)
		}
	}
}

// The index only refers to assets that exist.
func TestIndexAssetsExist(t *testing.T) {
	h := Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	refs := 0
	for _, part := range strings.Split(rec.Body.String(), `"/static/`)[1:] {
		name, _, _ := strings.Cut(part, `"`)
		refs++
		r := httptest.NewRecorder()
		h.ServeHTTP(r, httptest.NewRequest(http.MethodGet, "/static/"+name, nil))
		if r.Code != http.StatusOK {
			t.Errorf("index refers to /static/%s: status %d", name, r.Code)
		}
	}
	if refs < 2 {
		t.Errorf("index refers to %d assets, want the stylesheet and the app", refs)
	}
}
