package mobile

import (
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

var (
	entryRE = regexp.MustCompile(`'([a-z]+\.[A-Za-z]+)': '((?:[^'\\]|\\.)*)'`)
	placeRE = regexp.MustCompile(`\{\d\}`)
	wordRE  = regexp.MustCompile(`\pL+`)
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
	parse := func(lang, s string) map[string]string {
		m := map[string]string{}
		for _, e := range entryRE.FindAllStringSubmatch(s, -1) {
			if _, dup := m[e[1]]; dup {
				t.Errorf("i18n.js %s: %s defined twice", lang, e[1])
			}
			m[e[1]] = e[2]
		}
		return m
	}
	return parse("vi", viSrc), parse("en", enSrc)
}

// usedKeys finds the keys the modules (the shared core's included) use: string literals shaped like a
// key, in a namespace of the dictionary.
func usedKeys(t *testing.T, namespaces map[string]bool) map[string][]string {
	t.Helper()
	literal := regexp.MustCompile(`'([a-z]+)\.([A-Za-z]+)'`)
	used := map[string][]string{}
	for _, p := range testApp.Names() {
		if p == "i18n.js" || path.Ext(p) != ".js" {
			continue
		}
		data, _ := testApp.File(p)
		for _, m := range literal.FindAllStringSubmatch(string(data), -1) {
			if namespaces[m[1]] {
				used[m[1]+"."+m[2]] = append(used[m[1]+"."+m[2]], path.Base(p))
			}
		}
	}
	return used
}

// Every string the app shows exists in Vietnamese and English with the
// same placeholders; every key used is defined, every key defined is used.
func TestEveryKeyInBothLanguages(t *testing.T) {
	vi, en := dictionaries(t)
	if len(vi) < 100 {
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
	if len(used) < 100 {
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

// Vietnamese is written with its diacritics: any text of two words or
// more has a Vietnamese letter beyond ASCII (unaccented Vietnamese is
// ambiguous and hard to read), and the key phrases are spelt exactly.
func TestVietnameseHasDiacritics(t *testing.T) {
	vi, en := dictionaries(t)
	accented := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsLetter(r) })
	}
	for _, k := range slices.Sorted(maps.Keys(vi)) {
		text := placeRE.ReplaceAllString(vi[k], "")
		if len(wordRE.FindAllString(text, -1)) >= 2 && !accented(text) {
			t.Errorf("%s = %q: no diacritics", k, vi[k])
		}
		if len(wordRE.FindAllString(text, -1)) >= 2 && vi[k] == en[k] {
			t.Errorf("%s: the same text in both languages: %q", k, vi[k])
		}
	}
	for k, want := range map[string]string{
		"ins.ack": "Đã nhận lệnh", "app.title": "Tổ công tác", "nav.instructions": "Chỉ thị", "nav.reports": "Báo cáo",
		"q.count": "{0} mục chờ gửi", "rep.stPending": "Chờ lãnh đạo duyệt", "pub.live": "● ĐANG PHÁT TRỰC TIẾP",
	} {
		if vi[k] != want {
			t.Errorf("%s = %q, want %q", k, vi[k], want)
		}
	}
}
