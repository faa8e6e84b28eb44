// Package mobile is the field crew's phone and tablet web app, served at
// /m/ by the hub (over mobile data) and by the vehicle node (on the
// vehicle's LAN): large touch targets, readable in sunlight, Vietnamese
// first. It is plain HTML and ES modules embedded in the binary, all of
// them under /m/ (a vehicle serves nothing else), talking to the hub's
// /api/v1 or the vehicle's /api/v1/crew, with an outbox in IndexedDB that
// keeps what the crew writes until a server has it. It shares the WHEP
// player, the DOM helper, the i18n core and the API error with the console
// (internal/webcore, at /m/<version>/core/).
package mobile

import (
	"bytes"
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"

	"fieldwatch/internal/webcore"
)

//go:embed web
var files embed.FS

// Prefix is where the app and its assets are served.
const Prefix = "/m/"

// csp allows only the app's own origin; photos and the camera preview are
// blob: URLs, the broadcast and the players are WebRTC (not covered by
// connect-src).
const csp = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// stable are served at /m/<name>, never cached: the service worker (its
// URL is its identity) and the manifest with its icon (an installed app
// keeps their URLs).
var stable = []string{"sw.js", "manifest.json", "icon.svg"}

// The service worker's placeholders, filled in when it is served.
var (
	swVersion = []byte("const VERSION = 'dev';")
	swShell   = []byte("const SHELL = [];")
)

// App is the crew app's tree (its files and the shared core).
func App() *webcore.App {
	web, err := fs.Sub(files, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return webcore.New(webcore.Options{Prefix: Prefix, Files: web, Stable: stable})
}

// serviceWorker is sw.js naming this version and every file of the app
// (the page, then each asset at its URL), which it keeps for a dead zone.
func serviceWorker(app *webcore.App, src []byte) []byte {
	shell := []string{Prefix}
	for _, name := range app.Names() {
		if name != "sw.js" {
			shell = append(shell, app.URL(name))
		}
	}
	list, _ := json.Marshal(shell) // a list of strings always encodes
	if !bytes.Contains(src, swVersion) || !bytes.Contains(src, swShell) {
		panic("mobile: sw.js lacks its VERSION or SHELL placeholder")
	}
	src = bytes.Replace(src, swVersion, []byte("const VERSION = '"+app.Version()+"';"), 1)
	return bytes.Replace(src, swShell, []byte("const SHELL = "+string(list)+";"), 1)
}

// Handler serves the app under /m/: the page is never cached (a new
// version shows at once), the assets under /m/<version>/ for a year (the
// version is a hash of the tree, see webcore), the stable files never.
func Handler() http.Handler {
	app := App()
	sw, _ := app.File("sw.js")
	sw = serviceWorker(app, sw)
	body := func(name string, data []byte) []byte {
		if name == "sw.js" {
			return sw
		}
		return data
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		switch r.URL.Path {
		case "/m", "/m/":
			w.Header().Set("Content-Security-Policy", csp)
			app.ServePage(w, r)
		case "/m/index.html":
			w.Header().Set("Location", "./") // as http.ServeFile answers
			w.WriteHeader(http.StatusMovedPermanently)
		default:
			app.ServeAsset(w, r, body)
		}
	})
}
