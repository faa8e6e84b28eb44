// Package console is the hub's web console: plain HTML, CSS and ES modules
// embedded in the binary (no build step), Vietnamese first with English.
package console

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed web
var files embed.FS

// Handler serves the console: index.html at / (never cached, so a new hub
// version shows at once; the pages are hash routes such as #/map) and the
// assets under /static/ (cached for five minutes).
func Handler() http.Handler {
	web, err := fs.Sub(files, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	static := http.StripPrefix("/static/", http.FileServer(http.FS(web)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		switch {
		case strings.HasPrefix(r.URL.Path, "/static/"):
			w.Header().Set("Cache-Control", "public, max-age=300")
			static.ServeHTTP(w, r)
		case r.URL.Path == "/" || r.URL.Path == "/index.html":
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'")
			http.ServeFileFS(w, r, web, "index.html")
		default:
			http.NotFound(w, r)
		}
	})
}
