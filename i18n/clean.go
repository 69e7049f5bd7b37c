package i18n

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// CheckText reports the first character of s that has no place in text people read and
// search: NUL and the other control characters — but tab and line breaks in multiline text —
// and the bidirectional embeddings, overrides and isolates, which make a text display
// otherwise than it is stored ("Trojan Source", CVE-2021-42574). Text that is not UTF-8 is
// refused too. The marks that set the direction of neutral characters (U+200E, U+200F,
// U+061C), which Arabic and French mixed in one line need, are allowed.
func CheckText(s string, multiline bool) error {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && invalidAt(s, i):
			return fmt.Errorf("is not valid UTF-8 (at byte %d)", i)
		case multiline && (r == '\n' || r == '\t' || r == '\r'):
		case unicode.IsControl(r):
			return fmt.Errorf("holds the control character U+%04X at character %d; only descriptions take line breaks and tabs", r, utf8.RuneCountInString(s[:i])+1)
		case bidiControl(r):
			return fmt.Errorf("holds the bidirectional control U+%04X at character %d, which would show the text otherwise than it is", r, utf8.RuneCountInString(s[:i])+1)
		}
	}
	return nil
}

// invalidAt reports whether s holds a byte that is not UTF-8 at i, where a range over s
// yielded utf8.RuneError (which a valid U+FFFD also is).
func invalidAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 1
}

// bidiControl reports whether r embeds, overrides or isolates a direction: LRE, RLE, PDF, LRO,
// RLO, LRI, RLI, FSI, PDI.
func bidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// Multiline reports whether the text field named field — in ent and in GraphQL alike — takes
// line breaks and tabs: descriptions, biographies, the reasons of programme changes. Names,
// titles and every other text hold one line.
func Multiline(field string) bool {
	switch field {
	case "description", "bio", "reason":
		return true
	}
	return false
}
