package i18n

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SearchTokens returns the words of s as search indexes and matches them: Fold's words (case,
// accents, ligatures, tashkeel, tatweel, alef forms, hamza carriers, ta marbuta, alef maqsura
// and digits folded; apostrophes and other punctuation as spaces), without French elided
// articles and pronouns (the l of l'huile, the d of d'olive). The same function folds the
// indexed texts and the queries, so that a word matches however either was written.
func SearchTokens(s string) []string {
	var out []string
	for _, w := range strings.Fields(Fold(s)) {
		if r, size := utf8.DecodeRuneInString(w); size == len(w) && r < unicode.MaxLatin1 && unicode.IsLetter(r) {
			continue // a lone Latin letter: an elision (l', d', j', n', s', qu' leaves qu)
		}
		if w == "qu" {
			continue
		}
		out = append(out, w)
	}
	return out
}

// arabicPrefixes are the particles written joined to an Arabic word that a search looks
// through: the article and the conjunctions and prepositions written before it, longest
// first.
var arabicPrefixes = []string{"وبال", "وكال", "فبال", "وال", "فال", "بال", "كال", "لل", "ال", "و", "ف"}

// Stems returns the forms of a folded word a search also tries: the word without a leading
// article or conjunction (الزيت, وزيت and والزيت all give زيت), when at least two letters
// remain; nothing for a word without one.
func Stems(word string) []string {
	var out []string
	for _, p := range arabicPrefixes {
		rest, ok := strings.CutPrefix(word, p)
		if ok && utf8.RuneCountInString(rest) >= 2 {
			out = append(out, rest)
		}
	}
	return out
}
