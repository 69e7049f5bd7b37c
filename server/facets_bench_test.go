package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"maarid/demo"
	"maarid/store/storetest"
)

// BenchmarkCatalogueFacets answers the frontend's CatalogueFacets over a large catalogue
// (MAARID_BENCH_PRODUCTS products besides the demo fair's, 100,000 by default), without a
// filter and with the filter of a province, and reports the median and 95th percentile.
//
//	go test ./server -run '^$' -bench CatalogueFacets -benchtime 50x -timeout 60m
func BenchmarkCatalogueFacets(b *testing.B) {
	n := demo.LargeCatalogue()
	for _, kind := range storetest.Kinds() {
		b.Run(kind, func(b *testing.B) {
			a := newAPI(b, kind)
			if err := demo.SeedCatalogue(context.Background(), a.client, n); err != nil {
				b.Fatal(err)
			}
			for _, tt := range []struct {
				name  string
				where map[string]any
			}{
				{"all", nil},
				{"a province", map[string]any{"hasExhibitorWith": []map[string]any{{"province": "AZILAL"}}}},
			} {
				b.Run(tt.name, func(b *testing.B) {
					var times []time.Duration
					for b.Loop() {
						start := time.Now()
						var got struct {
							ProductFacets struct{ Categories []struct{ Count int } }
						}
						a.ok(b, operation(b, "CatalogueFacets", map[string]any{"where": tt.where, "lang": "FR"}), &got)
						times = append(times, time.Since(start))
					}
					slices.Sort(times)
					b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
				})
			}
		})
	}
}
