// Package console is the hub's web console: plain HTML, CSS and ES modules
// embedded in the binary (no build step), Vietnamese first with English.
// It shares the WHEP player, the DOM helper, the i18n core and the API
// error with the crew app (internal/webcore, at /static/<version>/core/).
package console

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"

	"fieldwatch/internal/webcore"
)

//go:embed web
var files embed.FS

// Prefix is where the console's assets are served.
const Prefix = "/static/"

const csp = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'"

// App is the console's tree (its files and the shared core).
func App() *webcore.App {
	web, err := fs.Sub(files, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return webcore.New(webcore.Options{Prefix: Prefix, Files: web})
}

// Handler serves the console: index.html at / (never cached, so a new hub
// version shows at once; the pages are hash routes such as #/map) and the
// assets under /static/<version>/ (cached for a year: the version is a hash
// of the tree, see webcore).
func Handler() http.Handler {
	app := App()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		switch {
		case strings.HasPrefix(r.URL.Path, Prefix):
			app.ServeAsset(w, r, nil)
		case r.URL.Path == "/index.html":
			w.Header().Set("Location", "./") // as http.ServeFile answers
			w.WriteHeader(http.StatusMovedPermanently)
		case r.URL.Path == "/":
			w.Header().Set("Content-Security-Policy", csp)
			app.ServePage(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}
