package rules

import (
	"strings"
	"unicode"
)

// vietnamese maps each Vietnamese letter with diacritics to its base letter.
var vietnamese = func() map[rune]rune {
	m := map[rune]rune{'đ': 'd'}
	for base, forms := range map[rune]string{
		'a': "àáảãạăằắẳẵặâầấẩẫậ", 'e': "èéẻẽẹêềếểễệ", 'i': "ìíỉĩị",
		'o': "òóỏõọôồốổỗộơờớởỡợ", 'u': "ùúủũụưừứửữự", 'y': "ỳýỷỹỵ",
	} {
		for _, r := range forms {
			m[r] = base
		}
	}
	return m
}()

// Fold makes text comparable regardless of case and diacritics: lower
// case, Vietnamese letters to their base letter, combining marks dropped,
// runs of anything but letters and digits to one space.
func Fold(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if base, ok := vietnamese[r]; ok {
			r = base
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// compact is Fold without the spaces: plates match whatever their
// punctuation ("29C-123.45" and "29c12345").
func compact(s string) string { return strings.ReplaceAll(Fold(s), " ", "") }

// mentions reports whether text (folded) mentions term as whole words.
func mentions(foldedText, term string) bool {
	t := Fold(term)
	return t != "" && strings.Contains(" "+foldedText+" ", " "+t+" ")
}
