// Package money holds prices: an amount in minor units of a currency, and its formatting the
// way a Moroccan reader expects it in Arabic and in French.
package money

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"maarid/i18n"
)

// DefaultCurrency is the fair's currency, the Moroccan dirham.
const DefaultCurrency = "MAD"

// currencies lists the currencies a price may be in, with the number of minor units in one
// major unit (100 centimes in a dirham) and how each language writes the currency.
var currencies = map[string]struct {
	minor  int64
	symbol map[i18n.Lang]string
}{
	"MAD": {100, map[i18n.Lang]string{i18n.AR: "درهم", i18n.FR: "DH", i18n.EN: "MAD"}},
	"EUR": {100, map[i18n.Lang]string{i18n.AR: "يورو", i18n.FR: "€", i18n.EN: "EUR"}},
	"USD": {100, map[i18n.Lang]string{i18n.AR: "دولار", i18n.FR: "$ US", i18n.EN: "USD"}},
}

// KnownCurrency reports whether code is a currency Maarid can price in.
func KnownCurrency(code string) bool {
	_, ok := currencies[code]
	return ok
}

// Money is an amount in the minor units of a currency (centimes for MAD).
type Money struct {
	MinorUnits int64  `json:"minorUnits"`
	Currency   string `json:"currency"`
}

// Formatted formats m in the language asked for, else the request's language.
func (m Money) Formatted(ctx context.Context, lang *i18n.Lang) string {
	l := i18n.Requested(ctx)
	if lang != nil {
		l = *lang
	}
	return m.Format(l)
}

// Format writes m as a reader of lang expects: "1 250 DH" or "35,50 DH" in French,
// "1.250 درهم" or "35,50 درهم" in Arabic as written in Morocco (Western digits, the amount
// first), "MAD 1,250" or "MAD 35.50" in English. Whole amounts have no decimals.
func (m Money) Format(lang i18n.Lang) string {
	c, ok := currencies[m.Currency]
	if !ok {
		c.minor = 100
	}
	symbol := c.symbol[lang]
	if symbol == "" {
		symbol = m.Currency
	}
	sign := ""
	units := m.MinorUnits
	if units < 0 {
		sign, units = "-", -units
	}
	major, minor := units/c.minor, units%c.minor
	switch lang {
	case i18n.EN:
		return symbol + " " + sign + amount(major, minor, c.minor, ",", ".")
	case i18n.AR:
		return sign + amount(major, minor, c.minor, ".", ",") + " " + symbol
	default:
		// French typography: a narrow no-break space between thousands and before the symbol.
		return sign + amount(major, minor, c.minor, "\u202f", ",") + "\u00a0" + symbol
	}
}

func amount(major, minor, per int64, group, decimal string) string {
	digits := strconv.FormatInt(major, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(d)
	}
	if minor != 0 {
		width := len(strconv.FormatInt(per-1, 10))
		fmt.Fprintf(&b, "%s%0*d", decimal, width, minor)
	}
	return b.String()
}
