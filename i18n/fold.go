package i18n

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold normalises text for comparison, so that what a reader types matches what is stored
// however either was written: lower case; French accents and ligatures dropped (é→e, œ→oe);
// Arabic short vowels, shadda, tatweel and hamza carriers unified (أ إ آ ٱ→ا, ؤ→و, ئ ى→ي,
// ة→ه); Arabic-Indic digits as ASCII digits; punctuation as space; runs of spaces as one.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	// Bytes that are not UTF-8 separate words: normalised as they are, they would hide the
	// marks of the character after them, which a text written well then folds otherwise.
	for _, r := range norm.NFKD.String(strings.ToValidUTF8(s, " ")) {
		if unicode.Is(unicode.Mn, r) || r == 'ـ' {
			continue
		}
		r = unicode.ToLower(r)
		var repl string
		switch {
		case r == 'ٱ':
			r = 'ا'
		case r == 'ى':
			r = 'ي'
		case r == 'ة':
			r = 'ه'
		case r >= '٠' && r <= '٩':
			r = '0' + (r - '٠')
		case r >= '۰' && r <= '۹':
			r = '0' + (r - '۰')
		case r == 'œ':
			repl = "oe"
		case r == 'æ':
			repl = "ae"
		case r == 'ß':
			repl = "ss"
		}
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if repl != "" {
			b.WriteString(repl)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
