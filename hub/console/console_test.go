package console

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestServesIndexAndAssets(t *testing.T) {
	h := Handler()
	for _, c := range []struct{ path, ctype, cache string }{
		{"/", "text/html", "no-cache"},
		{"/static/app.js", "javascript", "max-age"},
		{"/static/app.css", "text/css", "max-age"},
		{"/static/whep.js", "javascript", "max-age"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
		if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Type"), c.ctype) || !strings.Contains(rec.Header().Get("Cache-Control"), c.cache) {
			t.Errorf("%s: %d %q %q", c.path, rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nothing-here", nil))
	if rec.Code != 404 {
		t.Errorf("unknown path: %d", rec.Code)
	}
}

// Every string key the console uses exists in Vietnamese and in English.
func TestEveryKeyTranslated(t *testing.T) {
	src, err := fs.ReadFile(files, "web/i18n.js")
	if err != nil {
		t.Fatal(err)
	}
	vi, en, ok := strings.Cut(string(src), "\n  en: {")
	if !ok {
		t.Fatal("i18n.js: no en dictionary")
	}
	keyRE := regexp.MustCompile(`'([a-z]+\.[A-Za-z]+)':`)
	dict := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, k := range keyRE.FindAllStringSubmatch(s, -1) {
			m[k[1]] = true
		}
		return m
	}
	viKeys, enKeys := dict(vi), dict(en)
	if len(viKeys) < 40 || len(viKeys) != len(enKeys) {
		t.Fatalf("dictionaries: %d vi keys, %d en keys", len(viKeys), len(enKeys))
	}
	useRE := regexp.MustCompile(`(?:\bt\(|data-i18n=")'?([a-z]+\.[A-Za-z]+)`)
	used := 0
	err = fs.WalkDir(files, "web", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == "web/i18n.js" {
			return err
		}
		data, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		for _, m := range useRE.FindAllStringSubmatch(string(data), -1) {
			used++
			if !viKeys[m[1]] || !enKeys[m[1]] {
				t.Errorf("%s uses %q, missing in vi (%v) or en (%v)", path, m[1], viKeys[m[1]], enKeys[m[1]])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used < 30 {
		t.Fatalf("found only %d uses of t(): the pattern is stale", used)
	}
}
