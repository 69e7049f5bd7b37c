package exports

import (
	"bytes"
	"encoding/csv"
	"testing"

	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/i18n"
	"maarid/money"
)

func TestExportCatalogueRows(t *testing.T) {
	tifawin := &ent.Exhibitor{ID: "exh_01CK877C0QFVM97S6JKDDS668M", Province: exhibitor.ProvinceAZILAL,
		Name: i18n.Text{i18n.AR: "تعاونية تيفاوين للعسل", i18n.FR: "Coopérative Tifawin"}}
	honey := &ent.Category{ID: "cat_01CK877C0QFVM97S6JKDDS668N", Name: i18n.Text{i18n.AR: "العسل", i18n.FR: "Miel"}}
	products := []*ent.Product{
		{ID: "prd_01CK877D27A38ZSVPFAQRF0F69", ExhibitorID: tifawin.ID,
			Name:        i18n.Text{i18n.AR: "عسل الزعتر", i18n.FR: "Miel de thym"},
			Description: i18n.Text{i18n.FR: "Récolté en juin, \"pur\" ;\nsans sucre, ni eau"},
			Unit:        i18n.Text{i18n.FR: "pot de 500 g"},
			Price:       money.Money{MinorUnits: 12550, Currency: "MAD"}, Available: true, Labels: []string{"BIO", "IGP"},
			Edges: ent.ProductEdges{Exhibitor: tifawin, Category: honey}},
		{ID: "prd_01CK877D285V420TM8G5MF1JF0", ExhibitorID: tifawin.ID,
			Name:  i18n.Text{i18n.FR: "=HYPERLINK(\"http://example.com\",\"Cliquez\")"},
			Price: money.Money{MinorUnits: 100000, Currency: "MAD"}},
	}
	tests := []struct {
		lang                               i18n.Lang
		header, name, price, available, pr string
	}{
		{i18n.AR, "المنتج", "عسل الزعتر", "125,50 درهم", "نعم", "أزيلال"},
		{i18n.FR, "Produit", "Miel de thym", "125,50\u00a0DH", "oui", "Azilal"},
		{i18n.EN, "Product", "Miel de thym", "MAD 125.50", "yes", "Azilal"},
		// No heading in Tamazight: the request's language, here French, then the fair's.
		{i18n.ZGH, "Produit", "Miel de thym", "125,50\u00a0MAD", "oui", "Azilal"},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			lang := tt.lang
			body, err := writeCatalogue(testContext(i18n.FR), request{lang: &lang}, products)
			if err != nil {
				t.Fatal(err)
			}
			rest, ok := bytes.CutPrefix(body, []byte("\xef\xbb\xbf"))
			if !ok || !bytes.HasSuffix(body, []byte("\r\n")) {
				t.Fatalf("no byte order mark, or no CRLF: %q", body[:min(len(body), 20)])
			}
			rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1+len(products) {
				t.Fatalf("%d rows for %d products", len(rows), len(products))
			}
			got := rows[1]
			if rows[0][1] != tt.header || got[0] != products[0].ID || got[1] != tt.name || got[3] != tifawin.ID ||
				got[6] != tt.pr || got[7] != tt.price || got[8] != "12550" || got[9] != "MAD" || got[11] != tt.available ||
				got[12] != "BIO, IGP" {
				t.Errorf("header %q, row %q", rows[0], got)
			}
			if got := rows[2][1]; got != "'=HYPERLINK(\"http://example.com\",\"Cliquez\")" {
				t.Errorf("a formula is written as %q", got)
			}
			if got := rows[2][4] + rows[2][5]; got != "" {
				t.Errorf("no exhibitor nor category loaded, and %q", got)
			}
		})
	}
	lang := i18n.FR
	body, _ := writeCatalogue(testContext(i18n.AR), request{lang: &lang}, products)
	rows, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))).ReadAll()
	if got, want := rows[1][2], "Récolté en juin, \"pur\" ;\nsans sucre, ni eau"; got != want {
		t.Errorf("description %q, want %q", got, want)
	}
	if got := rows[1][4]; got != "Coopérative Tifawin" {
		t.Errorf("exhibitor %q", got)
	}
}

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"":            "",
		"Miel":        "Miel",
		"=1+1":        "'=1+1",
		"+212 600":    "'+212 600",
		"-5":          "'-5",
		"@SUM(A1)":    "'@SUM(A1)",
		"\tcmd":       "'\tcmd",
		"عسل = حلاوة": "عسل = حلاوة",
		"125,50 DH":   "125,50 DH",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}
