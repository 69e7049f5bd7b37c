package i18n

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"maarid"
)

// MaxTextLength bounds one translation, in characters.
const MaxTextLength = 10000

// MaxNameLength bounds one translation of a required text — a name, a title — in characters.
const MaxNameLength = 300

// Text is a translatable value: one string per language. It is stored as one JSON object
// ({"ar": "…", "fr": "…"}) in a single column, the same on SQLite and PostgreSQL.
type Text map[Lang]string

// Translation is one language's value of a Text, as listed to editors.
type Translation struct {
	Lang  Lang   `json:"lang"`
	Value string `json:"value"`
}

// Get returns the value in the first of langs that has one, then in any language in the order
// of All; ok is false when t has no value at all.
func (t Text) Get(langs ...Lang) (value string, ok bool) {
	for _, l := range langs {
		if v, ok := t[l]; ok && v != "" {
			return v, true
		}
	}
	for _, l := range All {
		if v, ok := t[l]; ok && v != "" {
			return v, true
		}
	}
	return "", false
}

// In resolves t for a reader: the language asked for in the query, then the request's
// language, then the fair's default, then any. It returns nil when t is empty.
func (t Text) In(ctx context.Context, lang *Lang) *string {
	p := preferencesFrom(ctx)
	first := p.requested
	if lang != nil {
		first = *lang
	}
	v, ok := t.Get(first, p.requested, p.fallback)
	if !ok {
		return nil
	}
	return &v
}

// Translations lists t's values in the order of All.
func (t Text) Translations() []*Translation {
	out := make([]*Translation, 0, len(t))
	for _, l := range All {
		if v, ok := t[l]; ok && v != "" {
			out = append(out, &Translation{Lang: l, Value: v})
		}
	}
	return out
}

// Validate reports an unknown language or an over-long value. Empty values are allowed and
// mean "no translation"; use Required for fields that need one.
func (t Text) Validate() error {
	for l, v := range t {
		if !l.Valid() {
			return fmt.Errorf("unknown language %q", string(l))
		}
		if n := utf8.RuneCountInString(v); n > MaxTextLength {
			return fmt.Errorf("the %s text has %d characters, more than %d", l.Enum(), n, MaxTextLength)
		}
		if !utf8.ValidString(v) {
			return fmt.Errorf("the %s text is not valid UTF-8", l.Enum())
		}
	}
	return nil
}

// Required is Validate for a name or a title: a value in at least one language, none longer
// than MaxNameLength.
func (t Text) Required() error {
	if err := t.Validate(); err != nil {
		return err
	}
	for l, v := range t {
		if n := utf8.RuneCountInString(v); n > MaxNameLength {
			return fmt.Errorf("the %s text has %d characters, more than %d", l.Enum(), n, MaxNameLength)
		}
	}
	for _, v := range t {
		if strings.TrimSpace(v) != "" {
			return nil
		}
	}
	return fmt.Errorf("a value is required in at least one language")
}

// FromTranslations makes a Text of translations as an editor sends them: each language once,
// an empty value meaning no translation. field names the input field, for the error.
func FromTranslations(field string, ts []*Translation) (Text, error) {
	t := make(Text, len(ts))
	for _, tr := range ts {
		if _, twice := t[tr.Lang]; twice {
			return nil, maarid.Invalid(field, "two %s translations", tr.Lang.Enum())
		}
		t[tr.Lang] = tr.Value
	}
	for l, v := range t {
		if strings.TrimSpace(v) == "" {
			delete(t, l)
		}
	}
	if err := t.Validate(); err != nil {
		return nil, maarid.Invalid(field, "%v", err)
	}
	return t, nil
}

// PatchFromTranslations makes the edit of a Text that an update sends: each language once,
// set to its value, or removed when its value is empty (null in GraphQL). In the Text it
// returns, an empty value stands for a removal; Patched applies it. field names the input
// field, for the error.
func PatchFromTranslations(field string, ts []*Translation) (Text, error) {
	t := make(Text, len(ts))
	for _, tr := range ts {
		if _, twice := t[tr.Lang]; twice {
			return nil, maarid.Invalid(field, "two %s translations", tr.Lang.Enum())
		}
		t[tr.Lang] = tr.Value
		if strings.TrimSpace(tr.Value) == "" {
			t[tr.Lang] = ""
		}
	}
	if err := t.Validate(); err != nil {
		return nil, maarid.Invalid(field, "%v", err)
	}
	return t, nil
}

// Patched returns t edited by patch (PatchFromTranslations): the languages patch names are
// set, or removed where its value is empty; the others are kept. A nil patch changes nothing.
func (t Text) Patched(patch Text) Text {
	if patch == nil {
		return t
	}
	out := make(Text, len(t)+len(patch))
	for l, v := range t {
		if v != "" {
			out[l] = v
		}
	}
	for l, v := range patch {
		if v == "" {
			delete(out, l)
		} else {
			out[l] = v
		}
	}
	return out
}

// Map returns t as a map of language codes to values, for what is kept outside this package's
// types (a programme change keeps the texts of its session).
func (t Text) Map() map[string]string {
	if len(t) == 0 {
		return nil
	}
	m := make(map[string]string, len(t))
	for l, v := range t {
		m[string(l)] = v
	}
	return m
}

// TextOf returns the Text that Map made m from.
func TextOf(m map[string]string) Text {
	t := make(Text, len(m))
	for l, v := range m {
		t[Lang(l)] = v
	}
	return t
}
