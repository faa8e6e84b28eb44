// Package mobile is the field crew's phone and tablet web app, served at
// /m/ by the hub (over mobile data) and by the vehicle node (on the
// vehicle's LAN): large touch targets, readable in sunlight, Vietnamese
// first. It is plain HTML and ES modules embedded in the binary, all of
// them under /m/ (a vehicle serves nothing else), talking to the hub's
// /api/v1 or the vehicle's /api/v1/crew, with an outbox in IndexedDB that
// keeps what the crew writes until a server has it.
package mobile

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed web
var files embed.FS

// csp allows only the app's own origin; photos and the camera preview are
// blob: URLs, the broadcast and the players are WebRTC (not covered by
// connect-src).
const csp = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// Handler serves the app under /m/: the page is never cached (a new
// version shows at once), the modules for five minutes.
func Handler() http.Handler {
	web, err := fs.Sub(files, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	assets := http.StripPrefix("/m/", http.FileServer(http.FS(web)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/m" || r.URL.Path == "/m/" || r.URL.Path == "/m/index.html" {
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("Content-Security-Policy", csp)
			http.ServeFileFS(w, r, web, "index.html")
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/m/") || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		assets.ServeHTTP(w, r)
	})
}
