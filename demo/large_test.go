package demo_test

import (
	"context"
	"testing"

	"maarid/auth"
	"maarid/demo"
	"maarid/ent"
	"maarid/ent/product"
	"maarid/store/storetest"
)

// TestSeedCatalogueIsDeterministic seeds two databases with the demo fair and 500 more
// products: they hold the same products, named in Arabic and French.
func TestSeedCatalogueIsDeterministic(t *testing.T) {
	ctx := auth.System(context.Background())
	seeded := func() []*ent.Product {
		c := storetest.Open(t, "sqlite")
		if _, err := demo.Seed(ctx, c); err != nil {
			t.Fatal(err)
		}
		before, err := c.Product.Query().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := demo.SeedCatalogue(ctx, c, 500); err != nil {
			t.Fatal(err)
		}
		all, err := c.Product.Query().Order(product.ByID()).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != before+500 {
			t.Fatalf("%d products, want %d", len(all), before+500)
		}
		return all
	}
	a, b := seeded(), seeded()
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Name["fr"] != b[i].Name["fr"] || a[i].Price != b[i].Price || a[i].ExhibitorID != b[i].ExhibitorID {
			t.Fatalf("product %d differs: %s %q, %s %q", i, a[i].ID, a[i].Name["fr"], b[i].ID, b[i].Name["fr"])
		}
		if a[i].Name["ar"] == "" || a[i].Name["fr"] == "" {
			t.Fatalf("%s: %v", a[i].ID, a[i].Name)
		}
	}
}
