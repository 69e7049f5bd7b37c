package main

import (
	"context"
	"testing"

	"maarid/auth"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/store/storetest"
)

// TestCatalogueFacets runs the frontend's CatalogueFacets over the demo fair, with and without
// a filter, and checks each count against the catalogue as an anonymous visitor sees it, and
// that the counts take as many statements whatever the filter.
func TestCatalogueFacets(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			visitor := auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Anonymous})
			type facets struct {
				ProductFacets struct {
					Categories []struct {
						Category struct{ ID, Name string }
						Count    int
					}
					Provinces []struct {
						Province string
						Count    int
					}
					Labels []struct {
						Label string
						Count int
					}
				}
			}
			statements := map[string]int64{}
			for _, tt := range []struct {
				name  string
				where map[string]any
				query func() *ent.ProductQuery
			}{
				{"all", nil, func() *ent.ProductQuery { return a.client.Product.Query() }},
				{"Azilal, available", map[string]any{"available": true, "hasExhibitorWith": []map[string]any{{"province": "AZILAL"}}},
					func() *ent.ProductQuery {
						return a.client.Product.Query().Where(product.Available(true), product.HasExhibitorWith(exhibitor.ProvinceEQ(exhibitor.ProvinceAZILAL)))
					}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					a.counter.Reset()
					var got facets
					a.ok(t, operation(t, "CatalogueFacets", map[string]any{"where": tt.where, "lang": "FR"}), &got)
					statements[tt.name] = a.counter.Statements()
					f := got.ProductFacets
					if len(f.Categories) == 0 || len(f.Provinces) == 0 || len(f.Labels) == 0 {
						t.Fatalf("empty facets: %+v", f)
					}
					for _, c := range f.Categories {
						want, err := tt.query().Where(product.CategoryID(c.Category.ID)).Count(visitor)
						if err != nil || c.Count != want || c.Category.Name == "" {
							t.Errorf("category %s %q: %d, want %d (%v)", c.Category.ID, c.Category.Name, c.Count, want, err)
						}
					}
					for _, p := range f.Provinces {
						want, err := tt.query().Where(product.HasExhibitorWith(exhibitor.ProvinceEQ(exhibitor.Province(p.Province)))).Count(visitor)
						if err != nil || p.Count != want {
							t.Errorf("province %s: %d, want %d (%v)", p.Province, p.Count, want, err)
						}
					}
					products, err := tt.query().All(visitor)
					if err != nil {
						t.Fatal(err)
					}
					labels := map[string]int{}
					for _, p := range products {
						for _, l := range p.Labels {
							labels[l]++
						}
					}
					for i, l := range f.Labels {
						if l.Count != labels[l.Label] || i > 0 && f.Labels[i-1].Count < l.Count {
							t.Errorf("label %s: %d, want %d, or out of order", l.Label, l.Count, labels[l.Label])
						}
					}
					if len(f.Labels) != len(labels) {
						t.Errorf("%d labels, want %d", len(f.Labels), len(labels))
					}
				})
			}
			if statements["all"] != statements["Azilal, available"] || statements["all"] > 5 {
				t.Errorf("statements: %v, want at most 5 and the same whatever the filter", statements)
			}
		})
	}
}
