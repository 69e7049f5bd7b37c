package exports

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"

	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/i18n"
)

// catalogue writes the products the caller sees as CSV, one row a product after a header row,
// grouped by exhibitor in the order of their names in the export's language. It is UTF-8 with
// a byte order mark, which is how Excel and LibreOffice know it is UTF-8 rather than the
// machine's code page, and lines end with CRLF (RFC 4180). Three statements: the products,
// their exhibitors, their categories.
func (e *Exporter) catalogue(ctx context.Context, req request) ([]byte, error) {
	byExhibitor, byName := byNames(req.language(ctx))
	products, err := e.client.Product.Query().
		WithExhibitor().
		WithCategory().
		Order(byExhibitor, product.ByExhibitorID(), byName, product.ByID()).
		All(ctx)
	if err != nil {
		return nil, err
	}
	return writeCatalogue(ctx, req, products)
}

// writeCatalogue writes products as the catalogue's CSV.
func writeCatalogue(ctx context.Context, req request, products []*ent.Product) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	row := make([]string, len(catalogueColumns))
	for i, c := range catalogueColumns {
		row[i] = req.text(ctx, c.title)
	}
	w.Write(row)
	for _, p := range products {
		for i, c := range catalogueColumns {
			row[i] = cell(c.value(ctx, req, p))
		}
		w.Write(row)
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// byNames orders products by the names of their exhibitors, then by their own, in lang.
func byNames(lang i18n.Lang) (byExhibitor, byName product.OrderOption) {
	switch lang {
	case i18n.FR:
		return product.ByExhibitorField(exhibitor.FieldNameSortFr), product.ByNameSortFr()
	case i18n.EN:
		return product.ByExhibitorField(exhibitor.FieldNameSortEn), product.ByNameSortEn()
	case i18n.ZGH:
		return product.ByExhibitorField(exhibitor.FieldNameSortZgh), product.ByNameSortZgh()
	}
	return product.ByExhibitorField(exhibitor.FieldNameSortAr), product.ByNameSortAr()
}

// A column of the catalogue: its title, and its value for a product.
type column struct {
	title i18n.Text
	value func(ctx context.Context, req request, p *ent.Product) string
}

func words(ar, fr, en string) i18n.Text { return i18n.Text{i18n.AR: ar, i18n.FR: fr, i18n.EN: en} }

// catalogueColumns are the columns of the catalogue, in order. The price is there three
// times, as the API gives it: written for the reader, in minor units, and its currency.
var catalogueColumns = []column{
	{words("المعرف", "Identifiant", "ID"), func(_ context.Context, _ request, p *ent.Product) string { return p.ID }},
	{words("المنتج", "Produit", "Product"), func(ctx context.Context, req request, p *ent.Product) string {
		return req.text(ctx, p.Name)
	}},
	{words("الوصف", "Description", "Description"), func(ctx context.Context, req request, p *ent.Product) string {
		return req.text(ctx, p.Description)
	}},
	{words("معرف العارض", "Identifiant de l'exposant", "Exhibitor ID"), func(_ context.Context, _ request, p *ent.Product) string {
		return p.ExhibitorID
	}},
	{words("العارض", "Exposant", "Exhibitor"), func(ctx context.Context, req request, p *ent.Product) string {
		if x := p.Edges.Exhibitor; x != nil {
			return req.text(ctx, x.Name)
		}
		return ""
	}},
	{words("الصنف", "Catégorie", "Category"), func(ctx context.Context, req request, p *ent.Product) string {
		if c := p.Edges.Category; c != nil {
			return req.text(ctx, c.Name)
		}
		return ""
	}},
	{words("الإقليم", "Province", "Province"), func(ctx context.Context, req request, p *ent.Product) string {
		if x := p.Edges.Exhibitor; x != nil {
			if name, ok := provinces[x.Province]; ok {
				return req.text(ctx, name)
			}
			return x.Province.String()
		}
		return ""
	}},
	{words("الثمن", "Prix", "Price"), func(ctx context.Context, req request, p *ent.Product) string {
		return p.Price.Formatted(ctx, req.lang)
	}},
	{words("المبلغ (بأصغر وحدة نقدية)", "Montant (en centimes)", "Amount (minor units)"), func(_ context.Context, _ request, p *ent.Product) string {
		return strconv.FormatInt(p.Price.MinorUnits, 10)
	}},
	{words("العملة", "Devise", "Currency"), func(_ context.Context, _ request, p *ent.Product) string {
		return p.Price.Currency
	}},
	{words("الوحدة", "Unité", "Unit"), func(ctx context.Context, req request, p *ent.Product) string {
		return req.text(ctx, p.Unit)
	}},
	{words("متوفر", "Disponible", "Available"), func(ctx context.Context, req request, p *ent.Product) string {
		if p.Available {
			return req.text(ctx, words("نعم", "oui", "yes"))
		}
		return req.text(ctx, words("لا", "non", "no"))
	}},
	{words("العلامات", "Labels", "Labels"), func(_ context.Context, _ request, p *ent.Product) string {
		return strings.Join(p.Labels, ", ")
	}},
}

// provinces are the names of the provinces of the region, and of what lies outside it.
var provinces = map[exhibitor.Province]i18n.Text{
	exhibitor.ProvinceAZILAL:          words("أزيلال", "Azilal", "Azilal"),
	exhibitor.ProvinceBENI_MELLAL:     words("بني ملال", "Béni Mellal", "Beni Mellal"),
	exhibitor.ProvinceFQUIH_BEN_SALAH: words("الفقيه بن صالح", "Fquih Ben Salah", "Fquih Ben Salah"),
	exhibitor.ProvinceKHENIFRA:        words("خنيفرة", "Khénifra", "Khenifra"),
	exhibitor.ProvinceKHOURIBGA:       words("خريبكة", "Khouribga", "Khouribga"),
	exhibitor.ProvinceOTHER:           words("خارج الجهة", "Hors de la région", "Outside the region"),
}

// cell keeps a spreadsheet from reading s as a formula: a cell that starts with =, +, -, @ or
// a tab or carriage return is one to Excel and LibreOffice, and an exhibitor writes its own
// product names. Such a value is written after an apostrophe, which spreadsheets show as text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
