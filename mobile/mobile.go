// Package mobile is the field crew's phone and tablet web app, served at
// /m/: large touch targets, readable in sunlight, Vietnamese first. It is
// plain HTML and ES modules embedded in the binary; it shares the hub's
// API and WHEP player with the console.
package mobile

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed web
var files embed.FS

// Handler serves the app under /m/.
func Handler() http.Handler {
	web, err := fs.Sub(files, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	assets := http.StripPrefix("/m/", http.FileServer(http.FS(web)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/m" || r.URL.Path == "/m/" || r.URL.Path == "/m/index.html" {
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("Content-Security-Policy", "default-src 'self'; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'")
			http.ServeFileFS(w, r, web, "index.html")
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/m/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		assets.ServeHTTP(w, r)
	})
}
