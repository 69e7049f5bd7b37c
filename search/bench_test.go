package search_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"maarid/demo"
	"maarid/ent"
	"maarid/search"
	"maarid/store/storetest"
)

// largeCatalogue seeds the demo fair and a large catalogue (demo.SeedCatalogue), and compacts
// the search index as an import does.
func largeCatalogue(b *testing.B, kind string) *ent.Client {
	c := storetest.Open(b, kind)
	start := time.Now()
	if _, err := demo.Seed(context.Background(), c); err != nil {
		b.Fatal(err)
	}
	if err := demo.SeedCatalogue(context.Background(), c, demo.LargeCatalogue()); err != nil {
		b.Fatal(err)
	}
	// As an import of the catalogue does.
	if err := search.Compact(context.Background(), c); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: seeded %d products in %s", kind, demo.LargeCatalogue(), time.Since(start).Round(time.Millisecond))
	return c
}

// BenchmarkSearch searches a large catalogue as visitors do, and reports the median and the
// 95th percentile of a search's time, with the number of rows found.
//
//	go test ./search -run '^$' -bench Search -benchtime 200x
func BenchmarkSearch(b *testing.B) {
	queries := []struct{ name, query string }{
		{"arabic", "زيت الزيتون"},
		{"french", "huile d'olive"},
		{"prefix-arabic", "زيتو"},
		{"prefix-french", "oliv"},
		{"place", "Azilal"},
		{"no-match", "xylophone"},
	}
	for _, kind := range storetest.Kinds() {
		b.Run(kind, func(b *testing.B) {
			c := largeCatalogue(b, kind)
			for _, q := range queries {
				b.Run(q.name, func(b *testing.B) {
					var times []time.Duration
					found := 0
					for b.Loop() {
						start := time.Now()
						page, err := search.Find(anonymous(), c, q.query, nil, 10, nil)
						if err != nil {
							b.Fatal(err)
						}
						times = append(times, time.Since(start))
						found = page.Total
					}
					slices.Sort(times)
					b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
					b.ReportMetric(float64(found), "found")
				})
			}
		})
	}
}
