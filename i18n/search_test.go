package i18n_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"maarid/i18n"
)

func TestSearchTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"زيت الزيتون", []string{"زيت", "الزيتون"}},
		{"زَيْتُ الزَّيْتُونِ", []string{"زيت", "الزيتون"}},      // tashkeel
		{"زيـــت", []string{"زيت"}},                              // tatweel
		{"أركان إملشيل آيت", []string{"اركان", "املشيل", "ايت"}}, // alef forms
		{"مؤسسة", []string{"موسسه"}},                             // hamza on waw, ta marbuta
		{"مستشفى شاطئ", []string{"مستشفي", "شاطي"}},              // alef maqsura, hamza on ya
		{"٢٠١٨ 2018", []string{"2018", "2018"}},                  // Eastern Arabic and Latin digits
		{"Huile d’Olive", []string{"huile", "olive"}},            // case, typographic apostrophe
		{"huile d'olive", []string{"huile", "olive"}},
		{"L'ŒUVRE des Coopératives", []string{"oeuvre", "des", "cooperatives"}}, // ligature, accents
		{"qu'il", []string{"il"}},
		{`"huile" NEAR olive* -- (AND`, []string{"huile", "near", "olive", "and"}}, // operators are words
		{"   ", nil},
	}
	for _, tt := range tests {
		if got := i18n.SearchTokens(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SearchTokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStems(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"الزيتون", []string{"زيتون"}},
		{"وزيت", []string{"زيت"}},
		{"والزيت", []string{"زيت", "الزيت"}},
		{"بالعسل", []string{"عسل"}},
		{"زيت", nil},
		{"ال", nil}, // nothing would remain
		{"olive", nil},
	}
	for _, tt := range tests {
		if got := i18n.Stems(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Stems(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzSearchTokens checks what the search's safety rests on: a token is letters and digits
// only, never an operator of FTS's or tsquery's syntax, and folding it again changes nothing.
func FuzzSearchTokens(f *testing.F) {
	for _, s := range []string{"زيت الزيتون", "Huile d’Olive", `"huile" NEAR olive* -- (AND`, "olive:* & !miel", "٢٠١٨ ﻻ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range i18n.SearchTokens(s) {
			if w == "" || strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
				t.Fatalf("token %q of %q", w, s)
			}
			if again := i18n.SearchTokens(w); len(again) != 1 || again[0] != w {
				t.Fatalf("token %q of %q folds again to %q", w, s, again)
			}
		}
	})
}
