package i18n_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"maarid/i18n"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Coopérative Tifawin", "cooperative tifawin"},
		{"ŒUVRE  d'art", "oeuvre d art"},
		{"  Miel — thym!  ", "miel thym"},
		{"زَيْتُ الزَّيْتُونِ", "زيت الزيتون"},               // short vowels and shadda
		{"أملو", "املو"}, {"إكليل", "اكليل"}, {"آيت", "ايت"}, // hamza on alif, madda
		{"مؤسسة", "موسسه"},     // hamza on waw, ta marbuta
		{"فـــخـــار", "فخار"}, // tatweel
		{"مستشفى", "مستشفي"},   // alif maqsura
		{"٢٠١٨", "2018"},       // Arabic-Indic digits
		{"ⴰⵣⵉⵍⴰⵍ", "ⴰⵣⵉⵍⴰⵍ"},   // Tifinagh unchanged
		{"ﻻ", "لا"},            // presentation form
	}
	for _, tt := range tests {
		if got := i18n.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCollationKeyOrdersAsTheReadersLanguage(t *testing.T) {
	sorted := func(l i18n.Lang, names ...string) []string {
		out := slices.Clone(names)
		slices.SortFunc(out, func(a, b string) int { return strings.Compare(i18n.CollationKey(l, a), i18n.CollationKey(l, b)) })
		return out
	}
	tests := []struct {
		lang i18n.Lang
		want []string // in the order a reader of lang expects
	}{
		// The orders ICU gives (Intl.Collator in Node.js).
		// French: accents decide only between words otherwise equal, case after accents.
		{i18n.FR, []string{"cote", "Coté", "côte", "côté", "Crème", "Ecole", "écologie", "Zagora"}},
		// Arabic: the alphabet's order; the forms of alef are one letter (آ two), hamza's seat
		// deciding only between names otherwise equal.
		{i18n.AR, []string{"آثار", "اتحاد", "أرجان", "إنتاج", "باب", "تعاونية", "ثمار", "جمعية", "زيت", "عسل", "مؤسسة", "هيئة", "واحة", "يد"}},
		// A name that is the start of another comes first.
		{i18n.AR, []string{"عسل", "عسل الجبل"}},
		{i18n.FR, []string{"Miel", "Miel de thym"}},
	}
	for _, tt := range tests {
		shuffled := slices.Clone(tt.want)
		slices.Reverse(shuffled)
		if got := sorted(tt.lang, shuffled...); !slices.Equal(got, tt.want) {
			t.Errorf("%s order = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if long := strings.Repeat("ب", 500); i18n.CollationKey(i18n.AR, long) != i18n.CollationKey(i18n.AR, long+"ت") {
		t.Error("the key reads past its first runes: index entries would grow with the text")
	}
}

func TestSortKeyFallsBackToArabic(t *testing.T) {
	text := i18n.Text{i18n.AR: "تعاونية", i18n.FR: "Éco-Coopérative"}
	if got, want := text.SortKeyFor(i18n.FR), i18n.CollationKey(i18n.FR, "Éco-Coopérative"); got != want {
		t.Errorf("French key = %q, want the French name's %q", got, want)
	}
	if got, want := text.SortKeyFor(i18n.EN), i18n.CollationKey(i18n.EN, "تعاونية"); got != want {
		t.Errorf("English key of a text without English = %q, want the Arabic name's %q", got, want)
	}
}

func TestIn(t *testing.T) {
	text := i18n.Text{i18n.AR: "عسل", i18n.FR: "miel"}
	lang := func(l i18n.Lang) *i18n.Lang { return &l }
	tests := []struct {
		name                string
		requested, fallback i18n.Lang
		arg                 *i18n.Lang
		want                string
	}{
		{"argument", i18n.FR, i18n.AR, lang(i18n.AR), "عسل"},
		{"request", i18n.FR, i18n.AR, nil, "miel"},
		{"fallback", "", i18n.FR, nil, "miel"},
		{"missing argument language: request", i18n.FR, i18n.AR, lang(i18n.EN), "miel"},
		{"missing argument and request language: fallback", i18n.EN, i18n.FR, lang(i18n.ZGH), "miel"},
		{"nothing matches: any, Arabic first", i18n.EN, i18n.ZGH, nil, "عسل"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := i18n.WithRequest(context.Background(), tt.requested, tt.fallback)
			if got := text.In(ctx, tt.arg); got == nil || *got != tt.want {
				t.Errorf("In = %v, want %q", got, tt.want)
			}
		})
	}
	if got := (i18n.Text{}).In(context.Background(), nil); got != nil {
		t.Errorf("an empty text resolved to %q", *got)
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	tests := []struct {
		header string
		want   i18n.Lang
	}{
		{"", ""},
		{"fr-MA,fr;q=0.9,ar;q=0.8", i18n.FR},
		{"ar-MA", i18n.AR},
		{"en-GB,en;q=0.9", i18n.EN},
		{"zgh", i18n.ZGH},
		{"de;q=1,fr;q=0.5", i18n.FR},
		{"de", ""},
		{";;;garbage", ""},
	}
	for _, tt := range tests {
		if got := i18n.FromAcceptLanguage(tt.header); got != tt.want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		text     i18n.Text
		required bool
		err      string
	}{
		{"fine", i18n.Text{i18n.AR: "عسل"}, true, ""},
		{"empty but optional", i18n.Text{}, false, ""},
		{"empty and required", i18n.Text{}, true, "required"},
		{"blank and required", i18n.Text{i18n.FR: "  "}, true, "required"},
		{"unknown language", i18n.Text{"de": "Honig"}, false, "unknown language"},
		{"too long", i18n.Text{i18n.FR: strings.Repeat("a", i18n.MaxTextLength+1)}, false, "more than"},
		{"invalid UTF-8", i18n.Text{i18n.FR: "\xff"}, false, "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := tt.text.Validate
			if tt.required {
				check = tt.text.Required
			}
			err := check()
			if (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want %q", err, tt.err)
			}
		})
	}
}

func TestLangGraphQL(t *testing.T) {
	var l i18n.Lang
	if err := l.UnmarshalGQL("ZGH"); err != nil || l != i18n.ZGH {
		t.Errorf("UnmarshalGQL(ZGH) = %q, %v", l, err)
	}
	for _, bad := range []any{"zgh", "DE", 3} {
		if err := l.UnmarshalGQL(bad); err == nil {
			t.Errorf("UnmarshalGQL(%v) accepted", bad)
		}
	}
	var b strings.Builder
	i18n.FR.MarshalGQL(&b)
	if b.String() != `"FR"` {
		t.Errorf("MarshalGQL = %s", b.String())
	}
}

func TestScan(t *testing.T) {
	tests := []struct {
		name string
		src  any
		want i18n.Text
	}{
		{"as written", []byte(`{"ar":"عسل","fr":"Miel"}`), i18n.Text{i18n.AR: "عسل", i18n.FR: "Miel"}},
		{"as jsonb gives it back", `{"ar": "عسل", "fr": "Miel"}`, i18n.Text{i18n.AR: "عسل", i18n.FR: "Miel"}},
		{"escapes", []byte(`{"fr":"Miel \"Tifawin\"\n\u00e0 Demnate \ud83d\udc1d"}`), i18n.Text{i18n.FR: "Miel \"Tifawin\"\nà Demnate 🐝"}},
		{"empty", []byte(`{}`), i18n.Text{}},
		{"null", nil, i18n.Text{}},
		{"spaces everywhere", []byte(` { "fr" : "a" , "en":"b" } `), i18n.Text{i18n.FR: "a", i18n.EN: "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got i18n.Text
			if err := got.Scan(tt.src); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for l, v := range tt.want {
				if got[l] != v {
					t.Errorf("%s: got %q, want %q", l, got[l], v)
				}
			}
		})
	}
	for _, bad := range []any{[]byte(`{"fr":1}`), []byte(`["fr"]`), []byte(`{"fr":"a"`), 42} {
		var got i18n.Text
		if err := got.Scan(bad); err == nil {
			t.Errorf("Scan(%v) = %v, want an error", bad, got)
		}
	}
	// What Value writes, Scan reads back.
	in := i18n.Text{i18n.AR: "زيت \"بلدي\"", i18n.ZGH: "ⴰⵣⵉⵍⴰⵍ", i18n.FR: "<huile> & co"}
	v, err := in.Value()
	if err != nil {
		t.Fatal(err)
	}
	var out i18n.Text
	if err := out.Scan(v); err != nil || len(out) != 3 || out[i18n.AR] != in[i18n.AR] || out[i18n.FR] != in[i18n.FR] || out[i18n.ZGH] != in[i18n.ZGH] {
		t.Errorf("round trip: %v, %v", out, err)
	}
}

func BenchmarkScan(b *testing.B) {
	src := []byte(`{"ar":"تعاونية تيفاوين للعسل - دمنات","fr":"Coopérative Tifawin pour le miel – Demnate","en":"Tifawin honey cooperative – Demnate"}`)
	for b.Loop() {
		var t i18n.Text
		if err := t.Scan(src); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		multiline bool
		ok        bool
	}{
		{"Arabic and French", "تعاونية تيفاوين – Coopérative Tifawin", false, true},
		{"direction marks", "Tifawin \u200fتيفاوين\u200e 2018 \u061c", false, true},
		{"replacement character", "miel \ufffd thym", false, true},
		{"NUL", "a\x00b", false, false},
		{"NUL in a description", "a\x00b", true, false},
		{"bell", "a\ab", true, false},
		{"C1 control", "a\u0085b", true, false},
		{"delete", "a\x7fb", false, false},
		{"line break in a name", "Miel\nde thym", false, false},
		{"line break in a description", "Miel de thym.\r\n\tRécolte 2018.", true, true},
		{"right-to-left override", "ملف\u202Egpj.exe", false, false},
		{"isolate", "a\u2067b\u2069", true, false},
		{"not UTF-8", "caf\xe9", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := i18n.CheckText(tt.text, tt.multiline); (err == nil) != tt.ok {
				t.Errorf("CheckText(%q, %v) = %v", tt.text, tt.multiline, err)
			}
		})
	}
}

func FuzzCheckText(f *testing.F) {
	f.Add("Coopérative تيفاوين", false)
	f.Add("a\u202eb\x00", true)
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		if i18n.CheckText(s, multiline) != nil {
			return
		}
		for _, r := range s {
			if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r')) || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 {
				t.Errorf("%q passed with %U", s, r)
			}
		}
		if !utf8.ValidString(s) {
			t.Errorf("%q is not UTF-8 and passed", s)
		}
	})
}

// FuzzTextScan reads arbitrary bytes as a stored translation map: no panic, and what it
// reads is written back the same.
func FuzzTextScan(f *testing.F) {
	f.Add([]byte(`{"ar":"عسل","fr":"Miel \"de\" thym"}`))
	f.Add([]byte(`{"fr":"\u00e9\ud83d\ude00"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var text i18n.Text
		if text.Scan(b) != nil {
			return
		}
		v, err := text.Value()
		if err != nil {
			t.Fatal(err)
		}
		var again i18n.Text
		if err := again.Scan(v); err != nil || len(again) != len(text) {
			t.Errorf("%s read as %v, written as %s, read again as %v (%v)", b, text, v, again, err)
		}
		for l, s := range text {
			if again[l] != s {
				t.Errorf("%s: %q became %q", l, s, again[l])
			}
		}
	})
}

func BenchmarkCollationKey(b *testing.B) {
	for _, tt := range []struct {
		lang i18n.Lang
		name string
	}{{i18n.AR, "تعاونية تيفاوين لإنتاج زيت الأركان"}, {i18n.FR, "Coopérative Tifawin pour la production d'huile d'argan"}} {
		b.Run(string(tt.lang), func(b *testing.B) {
			for b.Loop() {
				i18n.CollationKey(tt.lang, tt.name)
			}
		})
	}
}
