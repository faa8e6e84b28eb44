// Package webcore is what the hub's console and the crew app share in the
// browser, and how both are served.
//
// The shared core (core/*.js: the WHEP player with its reconnect state
// machine, the DOM helper, the i18n core, the API error type) is mounted
// into each app's tree at core/, so an app module imports it as
// './core/whep.js' and one copy serves both apps (the crew app also on a
// vehicle, where only /m/ is served).
//
// Assets are served under a versioned path, prefix + version + "/" + name
// (/static/3fa9c02e11d4/app.js), where the version is a hash of the whole
// tree (the app's files and the core): the path changes with every change
// of any file, so it is cached for a year, and relative module imports
// resolve inside the same version. The page is never cached and is
// rewritten to name the current version; a path of another version is
// 404, so an upgrade never mixes old and new modules in a browser.
package webcore

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
)

//go:embed core
var core embed.FS

// CoreDir is where the shared core sits in an app's tree.
const CoreDir = "core"

// Core is the shared core: core/*.js.
func Core() fs.FS { return core }

// immutable is the cache lifetime of a versioned asset.
const immutable = "public, max-age=31536000, immutable"

// App is a web app's embedded tree (its files and the shared core), ready
// to serve under a prefix.
type App struct {
	prefix  string
	version string
	files   map[string][]byte // by name in the tree, core/ included; index.html aside
	page    []byte
	stable  map[string]bool
}

// Options describe an app.
type Options struct {
	// Prefix is the URL path the assets are served under, with its slashes
	// ("/static/", "/m/").
	Prefix string
	// Files is the app's own tree, index.html at its root; it has no core/.
	Files fs.FS
	// Stable files are also served unversioned at Prefix + name, never
	// cached, and the page names them so: a service worker (its URL is its
	// identity) and what the service worker or a manifest names.
	Stable []string
}

// New reads an app's tree and the core. It panics on a broken tree: the
// trees are embedded, fixed at build time, and a test serves each.
func New(o Options) *App {
	a := &App{prefix: o.Prefix, files: map[string][]byte{}, stable: map[string]bool{}}
	read := func(fsys fs.FS, root string) {
		err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			if p == "index.html" {
				a.page = data
				return nil
			}
			if _, dup := a.files[p]; dup {
				return fmt.Errorf("%s is both the app's and the core's", p)
			}
			a.files[p] = data
			return nil
		})
		if err != nil {
			panic(fmt.Sprintf("webcore: %v", err))
		}
	}
	read(o.Files, ".")
	read(core, CoreDir)
	if a.page == nil {
		panic("webcore: the app has no index.html")
	}
	for _, s := range o.Stable {
		if _, ok := a.files[s]; !ok {
			panic("webcore: no stable file " + s)
		}
		a.stable[s] = true
	}
	sum := sha256.New()
	for _, name := range a.Names() {
		fmt.Fprintf(sum, "%s\x00%d\x00", name, len(a.files[name]))
		sum.Write(a.files[name])
	}
	sum.Write(a.page)
	a.version = hex.EncodeToString(sum.Sum(nil))[:12]
	a.page = a.rewrite(a.page)
	return a
}

// Version is the hash of the tree that names this build's assets.
func (a *App) Version() string { return a.version }

// URL is where an asset of the tree is served: prefix/version/name, or
// prefix/name for a stable file.
func (a *App) URL(name string) string {
	if a.stable[name] {
		return a.prefix + name
	}
	return a.prefix + a.version + "/" + name
}

// Names lists the tree's assets (the page aside), sorted.
func (a *App) Names() []string {
	names := make([]string, 0, len(a.files))
	for n := range a.files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// File is the content of an asset of the tree.
func (a *App) File(name string) ([]byte, bool) {
	data, ok := a.files[name]
	return data, ok
}

// Page is index.html with its src and href naming the current version.
func (a *App) Page() []byte { return a.page }

// rewrite points every src="<prefix>name" and href="<prefix>name" of the
// page at the asset's URL.
func (a *App) rewrite(page []byte) []byte {
	var out bytes.Buffer
	rest := page
	for {
		i := bytes.Index(rest, []byte(`="`+a.prefix))
		if i < 0 {
			out.Write(rest)
			return out.Bytes()
		}
		start := i + 2 + len(a.prefix)
		end := bytes.IndexByte(rest[start:], '"')
		if end < 0 {
			panic("webcore: unterminated attribute in index.html")
		}
		name := string(rest[start : start+end])
		out.Write(rest[:i+2])
		if _, ok := a.files[name]; ok {
			out.WriteString(a.URL(name))
		} else {
			out.WriteString(a.prefix + name) // the page itself (/m/), or not an asset
		}
		rest = rest[start+end:]
	}
}

// ServePage writes the page: never cached, so a new version shows at once.
func (a *App) ServePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(a.page))
}

// ServeAsset serves the asset a path under the prefix names, versioned
// (cached for a year) or stable (never cached); body replaces a stable
// file's content when not nil (a service worker that names the version).
// It answers 404 for anything else, another version's path included.
func (a *App) ServeAsset(w http.ResponseWriter, r *http.Request, body func(name string, data []byte) []byte) {
	rel, ok := strings.CutPrefix(r.URL.Path, a.prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if a.stable[rel] {
		data := a.files[rel]
		if body != nil {
			data = body(rel, data)
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, rel, time.Time{}, bytes.NewReader(data))
		return
	}
	version, name, ok := strings.Cut(rel, "/")
	data, found := a.files[name]
	if !ok || version != a.version || !found || name != path.Clean(name) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", immutable)
	w.Header().Set("ETag", `"`+a.version+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}
