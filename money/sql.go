package money

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
)

// Value stores m as text, the amount then the currency: "3550 MAD".
func (m Money) Value() (driver.Value, error) {
	return strconv.FormatInt(m.MinorUnits, 10) + " " + m.Currency, nil
}

// Scan reads m from its column.
func (m *Money) Scan(src any) error {
	var s string
	switch src := src.(type) {
	case string:
		s = src
	case []byte:
		s = string(src)
	default:
		return fmt.Errorf("money.Money: cannot scan %T", src)
	}
	amount, currency, ok := strings.Cut(s, " ")
	units, err := strconv.ParseInt(amount, 10, 64)
	if !ok || err != nil || currency == "" {
		return fmt.Errorf("money.Money: %q is not an amount and a currency", s)
	}
	*m = Money{MinorUnits: units, Currency: currency}
	return nil
}

// Validate reports a negative amount or a currency Maarid does not know.
func (m Money) Validate() error {
	if m.MinorUnits < 0 {
		return fmt.Errorf("a price cannot be negative")
	}
	if !KnownCurrency(m.Currency) {
		return fmt.Errorf("unknown currency %q", m.Currency)
	}
	return nil
}
