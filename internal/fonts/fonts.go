// Package fonts embeds the Unicode TrueType fonts that documents the hub
// renders (PDF reports) need for Vietnamese diacritics: DejaVu Sans and
// DejaVu Sans Bold (free licence, see LICENSE next to them).
package fonts

import _ "embed"

// DejaVuSans is DejaVu Sans (regular), a TrueType font.
//
//go:embed DejaVuSans.ttf
var DejaVuSans []byte

// DejaVuSansBold is DejaVu Sans Bold, a TrueType font.
//
//go:embed DejaVuSans-Bold.ttf
var DejaVuSansBold []byte
