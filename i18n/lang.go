// Package i18n holds Maarid's localized text: the languages of the fair, translatable values
// stored as one JSON map per field, the fallback chain that picks a translation for a reader,
// the request language, and the normalisation of Arabic and French text for sorting and search.
package i18n

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Lang is a language of the fair, stored as its lower-case BCP 47 code ("ar") and shown in
// GraphQL as the upper-case enum value (AR).
type Lang string

// The languages of the fair.
const (
	AR  Lang = "ar"  // Arabic
	FR  Lang = "fr"  // French
	EN  Lang = "en"  // English
	ZGH Lang = "zgh" // Standard Moroccan Tamazight, in Tifinagh
)

// All lists the languages in the order translations are listed and tried last in the
// fallback chain.
var All = []Lang{AR, FR, EN, ZGH}

// Values lists the stored values; ent uses it for the column's enum.
func (Lang) Values() []string {
	vs := make([]string, len(All))
	for i, l := range All {
		vs[i] = string(l)
	}
	return vs
}

// Valid reports whether l is one of the fair's languages.
func (l Lang) Valid() bool {
	switch l {
	case AR, FR, EN, ZGH:
		return true
	}
	return false
}

// Enum returns the GraphQL enum value of l (AR, FR, EN, ZGH).
func (l Lang) Enum() string { return strings.ToUpper(string(l)) }

// MarshalGQL writes l as its GraphQL enum value.
func (l Lang) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(l.Enum())) }

// UnmarshalGQL reads a GraphQL enum value into l.
func (l *Lang) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("a Language must be an enum value, not %T", v)
	}
	parsed := Lang(strings.ToLower(s))
	if s != parsed.Enum() || !parsed.Valid() {
		return fmt.Errorf("%q is not a Language: use one of AR, FR, EN, ZGH", s)
	}
	*l = parsed
	return nil
}
