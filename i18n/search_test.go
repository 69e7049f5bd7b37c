package i18n_test

import (
	"slices"
	"testing"

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
