package console

import (
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	entryRE  = regexp.MustCompile(`'([a-z]+\.[A-Za-z]+)': '((?:[^'\\]|\\.)*)'`)
	placeRE  = regexp.MustCompile(`\{\d\}`)
	importRE = regexp.MustCompile(`from '\./((?:core/)?[a-z0-9]+\.js)'`)
	namedRE  = regexp.MustCompile(`import \{([^}]*)\} from '\./((?:core/)?[a-z0-9]+\.js)'`)
)

// dictionaries parses the vi and en dictionaries of i18n.js.
func dictionaries(t *testing.T) (vi, en map[string]string) {
	t.Helper()
	src, err := fs.ReadFile(files, "web/i18n.js")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(src), "\n  vi: {")
	viSrc, rest, ok2 := strings.Cut(rest, "\n  en: {")
	enSrc, _, ok3 := strings.Cut(rest, "\n  },")
	if !ok || !ok2 || !ok3 {
		t.Fatal("i18n.js: cannot find the vi and en dictionaries")
	}
	parse := func(s string) map[string]string {
		m := map[string]string{}
		for _, e := range entryRE.FindAllStringSubmatch(s, -1) {
			if _, dup := m[e[1]]; dup {
				t.Errorf("i18n.js: %s defined twice", e[1])
			}
			m[e[1]] = e[2]
		}
		return m
	}
	return parse(viSrc), parse(enSrc)
}

// usedKeys finds every key the console uses: string literals that look like
// a dictionary key in the JS modules, and data-i18n attributes in the HTML.
func usedKeys(t *testing.T, namespaces map[string]bool) map[string][]string {
	t.Helper()
	literal := regexp.MustCompile(`'([a-z]+)\.([A-Za-z]+)'`)
	attr := regexp.MustCompile(`data-i18n="([a-z]+)\.([A-Za-z]+)"`)
	used := map[string][]string{}
	for _, p := range append(testApp.Names(), "index.html") {
		if p == "i18n.js" {
			continue
		}
		data := []byte(readWeb(t, p))
		re := literal
		if path.Ext(p) == ".html" {
			re = attr
		}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			if namespaces[m[1]] {
				used[m[1]+"."+m[2]] = append(used[m[1]+"."+m[2]], p)
			}
		}
	}
	return used
}

// Every string key the console uses exists in Vietnamese and in English,
// with the same placeholders, and no key is left unused.
func TestEveryKeyTranslated(t *testing.T) {
	vi, en := dictionaries(t)
	if len(vi) < 50 {
		t.Fatalf("only %d Vietnamese keys parsed: the dictionary format changed", len(vi))
	}
	for _, k := range slices.Sorted(maps.Keys(vi)) {
		e, ok := en[k]
		switch {
		case !ok:
			t.Errorf("%s: no English", k)
		case strings.TrimSpace(vi[k]) == "" || strings.TrimSpace(e) == "":
			t.Errorf("%s: empty text", k)
		case !slices.Equal(placeRE.FindAllString(vi[k], -1), placeRE.FindAllString(e, -1)):
			t.Errorf("%s: placeholders differ: %q vs %q", k, vi[k], e)
		}
	}
	for k := range en {
		if _, ok := vi[k]; !ok {
			t.Errorf("%s: no Vietnamese", k)
		}
	}
	namespaces := map[string]bool{}
	for k := range vi {
		ns, _, _ := strings.Cut(k, ".")
		namespaces[ns] = true
	}
	used := usedKeys(t, namespaces)
	if len(used) < 40 {
		t.Fatalf("found only %d keys in use: the pattern is stale", len(used))
	}
	for _, k := range slices.Sorted(maps.Keys(used)) {
		if _, ok := vi[k]; !ok {
			t.Errorf("%v use %q, which is not in the dictionaries", used[k], k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(vi)) {
		if _, ok := used[k]; !ok {
			t.Errorf("%s is in the dictionaries but never used", k)
		}
	}
}

// Vietnamese text is written with its diacritics.
func TestVietnameseHasDiacritics(t *testing.T) {
	vi, _ := dictionaries(t)
	for _, k := range []string{"login.title", "v.offline", "cam.connecting", "cam.noSignal", "v.cut", "v.restore"} {
		if !strings.ContainsFunc(vi[k], func(r rune) bool { return r > 0x7f }) {
			t.Errorf("%s = %q: no diacritics", k, vi[k])
		}
	}
}

// modules lists the app's modules (the shared core's included).
func modules() []string {
	var mods []string
	for _, n := range testApp.Names() {
		if path.Ext(n) == ".js" {
			mods = append(mods, n)
		}
	}
	return mods
}

// Every relative import between the modules names a file of the tree
// (the core's modules import only each other).
func TestModuleImportsResolve(t *testing.T) {
	mods := modules()
	imports := 0
	for _, m := range mods {
		data, _ := testApp.File(m)
		for _, imp := range importRE.FindAllStringSubmatch(string(data), -1) {
			imports++
			if _, ok := testApp.File(path.Join(path.Dir(m), imp[1])); !ok {
				t.Errorf("%s imports ./%s: no such module", m, imp[1])
			}
		}
	}
	if imports < 10 {
		t.Errorf("found only %d imports: the pattern is stale", imports)
	}
}

// Every name a module imports from another is exported by it (a browser
// refuses the whole console otherwise).
func TestModuleImportsExported(t *testing.T) {
	names := 0
	for _, m := range modules() {
		data, _ := testApp.File(m)
		for _, imp := range namedRE.FindAllStringSubmatch(string(data), -1) {
			src, ok := testApp.File(path.Join(path.Dir(m), imp[2]))
			if !ok {
				continue // TestModuleImportsResolve says so
			}
			for _, name := range strings.Split(imp[1], ",") {
				name, _, _ = strings.Cut(strings.TrimSpace(name), " as ")
				if name == "" {
					continue
				}
				names++
				exported := regexp.MustCompile(`export (?:async )?(?:function|class|const|let) ` + regexp.QuoteMeta(name) + `\b|export (?:const )?\{[^}]*\b` + regexp.QuoteMeta(name) + `\b`)
				if !exported.Match(src) {
					t.Errorf("%s imports %s from ./%s, which does not export it", m, name, imp[2])
				}
			}
		}
	}
	if names < 50 {
		t.Errorf("found only %d imported names: the pattern is stale", names)
	}
}
