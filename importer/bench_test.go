package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"testing"

	"maarid/importer"
	"maarid/store/storetest"
)

// benchProducts is the size of the products file of BenchmarkImport.
const benchProducts = 10000

// BenchmarkImport imports a products file of 10,000 rows for 100 exhibitors into a database
// with the demo fair: new rows (created), then the same file again (unchanged).
//
//	MAARID_TEST_POSTGRES_URL=postgres://… go test ./importer -run '^$' -bench Import -benchtime 3x
func BenchmarkImport(b *testing.B) {
	for _, kind := range storetest.Kinds() {
		b.Run(kind, func(b *testing.B) {
			client := seeded(b, kind)
			ctx := context.Background()
			if _, err := importer.Run(ctx, client, importer.Request{Exhibitors: file("exhibitors.csv", benchExhibitors(100))}); err != nil {
				b.Fatal(err)
			}
			run := func(b *testing.B, products []byte, want importer.Counts) {
				b.Helper()
				s, err := importer.Run(ctx, client, importer.Request{Products: file("products.csv", products)})
				if err != nil {
					b.Fatal(err)
				}
				if s.Products != want {
					b.Fatalf("%+v, want %+v", s.Products, want)
				}
			}
			var (
				last  []byte
				files int // the benchmark's function runs more than once
			)
			b.Run("created", func(b *testing.B) {
				for range b.N {
					b.StopTimer()
					files++
					last = benchProductsFile(fmt.Sprintf("B%d-", files), 100)
					b.StartTimer()
					run(b, last, importer.Counts{Created: benchProducts})
				}
				b.ReportMetric(float64(b.N*benchProducts)/b.Elapsed().Seconds(), "rows/s")
			})
			b.Run("unchanged", func(b *testing.B) {
				for range b.N {
					run(b, last, importer.Counts{Unchanged: benchProducts})
				}
				b.ReportMetric(float64(b.N*benchProducts)/b.Elapsed().Seconds(), "rows/s")
			})
		})
	}
}

// benchExhibitors is an exhibitors file of n cooperatives, ;-separated as in French locales.
func benchExhibitors(n int) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.Write([]string{"ref", "slug", "name_ar", "name_fr", "kind", "sector", "province", "commune_fr", "women_led"})
	provinces := []string{"AZILAL", "BENI_MELLAL", "FQUIH_BEN_SALAH", "KHENIFRA", "KHOURIBGA"}
	for i := range n {
		w.Write([]string{fmt.Sprintf("BX-%03d", i), fmt.Sprintf("cooperative-banc-d-essai-%03d", i),
			fmt.Sprintf("تعاونية التجربة %d", i), fmt.Sprintf("Coopérative d'essai n° %d", i),
			"COOPERATIVE", "AGRI_FOOD", provinces[i%len(provinces)], "Azilal", "oui"})
	}
	w.Flush()
	return buf.Bytes()
}

// benchProductsFile is a products file of benchProducts rows whose refs start with prefix,
// spread over the exhibitors of benchExhibitors(exhibitors).
func benchProductsFile(prefix string, exhibitors int) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"ref", "exhibitor_ref", "category_slug", "name_ar", "name_fr", "description_fr", "unit_fr", "price_mad", "available", "labels"})
	products := []struct{ slug, ar, fr, unit string }{
		{"miel", "عسل الزعتر", "Miel de thym", "pot de 500 g"},
		{"huile-d-olive", "زيت الزيتون البكر", "Huile d'olive vierge extra", "bouteille d'1 l"},
		{"amlou", "أملو باللوز", "Amlou aux amandes", "pot de 250 g"},
		{"couscous-et-pates", "كسكس الشعير", "Couscous d'orge", "sachet d'1 kg"},
		{"tapis", "زربية أزيلال", "Tapis d'Azilal", "pièce"},
		{"poterie", "طاجين من الفخار", "Tajine en terre cuite", "pièce"},
	}
	for i := range benchProducts {
		p := products[i%len(products)]
		w.Write([]string{prefix + fmt.Sprint(i), fmt.Sprintf("BX-%03d", i%exhibitors), p.slug,
			fmt.Sprintf("%s %d", p.ar, i), fmt.Sprintf("%s n° %d", p.fr, i),
			"Produit du banc d'essai de l'import, récolté et préparé par la coopérative.", p.unit,
			fmt.Sprintf("%d,%02d", 20+i%400, i%100), "oui", "BIO"})
	}
	w.Flush()
	return buf.Bytes()
}
