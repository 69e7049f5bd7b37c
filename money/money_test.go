package money_test

import (
	"context"
	"testing"

	"maarid/i18n"
	"maarid/money"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		m    money.Money
		lang i18n.Lang
		want string
	}{
		{money.Money{MinorUnits: 125000, Currency: "MAD"}, i18n.FR, "1\u202f250\u00a0DH"},
		{money.Money{MinorUnits: 3550, Currency: "MAD"}, i18n.FR, "35,50\u00a0DH"},
		{money.Money{MinorUnits: 125000, Currency: "MAD"}, i18n.AR, "1.250 درهم"},
		{money.Money{MinorUnits: 3505, Currency: "MAD"}, i18n.AR, "35,05 درهم"},
		{money.Money{MinorUnits: 123456789, Currency: "MAD"}, i18n.EN, "MAD 1,234,567.89"},
		{money.Money{MinorUnits: 0, Currency: "MAD"}, i18n.FR, "0\u00a0DH"},
		{money.Money{MinorUnits: 99, Currency: "MAD"}, i18n.AR, "0,99 درهم"},
		{money.Money{MinorUnits: 1200, Currency: "EUR"}, i18n.FR, "12\u00a0€"},
		{money.Money{MinorUnits: 1200, Currency: "XYZ"}, i18n.FR, "12\u00a0XYZ"},
		{money.Money{MinorUnits: -500, Currency: "MAD"}, i18n.FR, "-5\u00a0DH"},
		{money.Money{MinorUnits: 250000, Currency: "MAD"}, i18n.ZGH, "2\u202f500\u00a0MAD"},
	}
	for _, tt := range tests {
		if got := tt.m.Format(tt.lang); got != tt.want {
			t.Errorf("%+v in %s = %q, want %q", tt.m, tt.lang, got, tt.want)
		}
	}
}

func TestFormattedFollowsTheRequest(t *testing.T) {
	m := money.Money{MinorUnits: 4000, Currency: "MAD"}
	ctx := i18n.WithRequest(context.Background(), i18n.FR, i18n.AR)
	if got := m.Formatted(ctx, nil); got != "40\u00a0DH" {
		t.Errorf("Formatted in a French request = %q", got)
	}
	ar := i18n.AR
	if got := m.Formatted(ctx, &ar); got != "40 درهم" {
		t.Errorf("Formatted asked in Arabic = %q", got)
	}
	if got := m.Formatted(i18n.WithRequest(context.Background(), "", i18n.AR), nil); got != "40 درهم" {
		t.Errorf("Formatted with no request language = %q", got)
	}
	if !money.KnownCurrency("MAD") || money.KnownCurrency("DH") {
		t.Error("KnownCurrency")
	}
}

func TestScan(t *testing.T) {
	in := money.Money{MinorUnits: 3550, Currency: "MAD"}
	v, err := in.Value()
	if err != nil || v != "3550 MAD" {
		t.Fatalf("Value = %v, %v", v, err)
	}
	var out money.Money
	if err := out.Scan([]byte("3550 MAD")); err != nil || out != in {
		t.Errorf("Scan = %+v, %v", out, err)
	}
	for _, bad := range []any{"3550", "MAD 3550", "", 12, " MAD"} {
		if err := out.Scan(bad); err == nil {
			t.Errorf("Scan(%v) accepted", bad)
		}
	}
	if err := (money.Money{MinorUnits: -1, Currency: "MAD"}).Validate(); err == nil {
		t.Error("a negative price validated")
	}
	if err := (money.Money{MinorUnits: 1, Currency: "DH"}).Validate(); err == nil {
		t.Error("an unknown currency validated")
	}
}
