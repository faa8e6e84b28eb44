package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// /metrics names every vehicle and camera: from another machine it needs
// the scrape token; from the hub's own machine it needs nothing unless a
// token is configured.
func TestMetricsNeedAScraper(t *testing.T) {
	get := func(h *Hub, remote, token string) int {
		r := httptest.NewRequest("GET", "/metrics", nil)
		r.RemoteAddr = remote
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		h.Handler().ServeHTTP(w, r)
		if w.Code == http.StatusOK && !strings.Contains(w.Body.String(), "fieldwatch_") {
			t.Errorf("metrics body: %.200s", w.Body.String())
		}
		return w.Code
	}
	open, _ := newTestHub(t)
	for remote, want := range map[string]int{"127.0.0.1:4000": 200, "[::1]:4000": 200, "192.0.2.7:4000": 401, "10.1.2.3:4000": 401} {
		if got := get(open, remote, ""); got != want {
			t.Errorf("no token configured, from %s: %d, want %d", remote, got, want)
		}
	}
	locked, _ := newTestHubWith(t, func(o *Options) { o.Config.HTTP.MetricsToken = "scrape-me-0123456789" })
	for _, c := range []struct {
		remote, token string
		want          int
	}{
		{"192.0.2.7:4000", "scrape-me-0123456789", 200},
		{"192.0.2.7:4000", "wrong", 401},
		{"127.0.0.1:4000", "", 401},
	} {
		if got := get(locked, c.remote, c.token); got != c.want {
			t.Errorf("token configured, %+v: %d", c, got)
		}
	}
}

// Malformed or traversing asset paths are plain 404s, never a server error.
func TestOddAssetPathsAreNotFound(t *testing.T) {
	_, srv := newTestHub(t)
	for _, p := range []string{"/m/%ff", "/static/%ff", "/static/%c0%ae%c0%ae/x", "/static/..%2f..%2fetc/passwd", "/%ff", "/m/%c0%ae%c0%ae/sw.js"} {
		if st, body := do(t, "GET", srv.URL+p, "", "", ""); st != http.StatusNotFound {
			t.Errorf("GET %s: %d %.80s", p, st, body)
		}
	}
}
