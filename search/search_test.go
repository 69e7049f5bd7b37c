package search_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"maarid/auth"
	"maarid/demo"
	"maarid/ent"
	"maarid/ent/product"
	"maarid/gid"
	"maarid/i18n"
	"maarid/money"
	"maarid/search"
	"maarid/store/storetest"
)

// anonymous is the context of a caller without a key.
func anonymous() context.Context {
	return auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Anonymous})
}

// names returns the French (else any) names of hits, products only.
func productNames(t *testing.T, c *ent.Client, hits []search.Hit) []string {
	t.Helper()
	var out []string
	for _, h := range hits {
		if typ, _ := gid.Type(h.ID); typ != gid.Product {
			continue
		}
		p, err := c.Product.Get(auth.System(context.Background()), h.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Name[i18n.FR]+" "+p.Name[i18n.AR])
	}
	return out
}

func ids(hits []search.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

// TestSearch runs the visitors' searches over the demo fair, on each store.
func TestSearch(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			c := storetest.Open(t, kind)
			if _, err := demo.Seed(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			find := func(t *testing.T, q string, kinds ...search.Kind) []search.Hit {
				t.Helper()
				hits, err := search.Find(anonymous(), c, q, kinds)
				if err != nil {
					t.Fatalf("%q: %v", q, err)
				}
				return hits
			}

			// However they are typed, these find the same products: olive oil.
			olive := ids(find(t, "زيت الزيتون", search.Products))
			if len(olive) == 0 {
				t.Fatal("زيت الزيتون finds nothing")
			}
			for _, q := range []string{"زَيْتُ الزَّيْتُونِ", "زيت زيتون", "الزيت والزيتون"} {
				if got := ids(find(t, q, search.Products)); !slices.Equal(got, olive) {
					t.Errorf("%q finds %d products, زيت الزيتون %d", q, len(got), len(olive))
				}
			}
			huile := ids(find(t, "huile d'olive", search.Products))
			for _, q := range []string{"Huile d’Olive", "HUILE D OLIVE", "huile olive"} {
				if got := ids(find(t, q, search.Products)); !slices.Equal(got, huile) {
					t.Errorf("%q finds %d products, huile d'olive %d", q, len(got), len(huile))
				}
			}
			for _, name := range productNames(t, c, find(t, "huile d'olive", search.Products)) {
				if !strings.Contains(strings.ToLower(name), "olive") && !strings.Contains(name, "زيتون") {
					t.Errorf("huile d'olive finds %q", name)
				}
			}
			// Prefixes.
			if got := find(t, "زيتو", search.Products); len(got) < len(olive) {
				t.Errorf("زيتو finds %d, زيت الزيتون %d", len(got), len(olive))
			}
			if got := find(t, "oliv", search.Products); len(got) < len(huile) {
				t.Errorf("oliv finds %d, huile d'olive %d", len(got), len(huile))
			}
			// Through the article and the conjunction.
			if len(find(t, "زيتون", search.Products)) == 0 || len(find(t, "وزيت", search.Products)) == 0 {
				t.Error("زيتون or وزيت finds nothing")
			}
			// A place finds its exhibitors.
			azilal := find(t, "Azilal", search.Exhibitors)
			if len(azilal) < 10 || !slices.Equal(slices.Sorted(slices.Values(ids(azilal))), slices.Sorted(slices.Values(ids(find(t, "أزيلال", search.Exhibitors))))) {
				t.Errorf("Azilal finds %d exhibitors, أزيلال %d", len(azilal), len(find(t, "أزيلال", search.Exhibitors)))
			}
			// Sessions by a topic's words.
			if len(find(t, "stratégie commerciale", search.Sessions)) == 0 {
				t.Error("stratégie commerciale finds no session")
			}
			// Best first, ties by ID: the order is the same every time.
			all := find(t, "miel")
			for i := 1; i < len(all); i++ {
				if all[i-1].Score < all[i].Score || all[i-1].Score == all[i].Score && all[i-1].ID > all[i].ID {
					t.Fatalf("out of order at %d: %+v, %+v", i, all[i-1], all[i])
				}
			}
			// Nothing but words reaches FTS's or tsquery's syntax.
			for _, q := range []string{`"huile`, `huile*`, `huile NEAR olive`, `huile -- olive`, `(huile OR`, `huile) AND (`, `olive:* & !miel`, `'; DROP TABLE products; --`, `*`, `NEAR/3`, `^huile`} {
				if _, err := search.Find(anonymous(), c, q, nil); err != nil {
					t.Errorf("%q: %v", q, err)
				}
			}
			if got := find(t, `"huile" NEAR olive*`, search.Products); !slices.Equal(ids(got), ids(find(t, "huile near olive", search.Products))) {
				t.Error("operators are not read as words")
			}
			// Bad queries.
			for _, q := range []string{"", "   \t", strings.Repeat("ب", search.MaxQueryRunes+1)} {
				if _, err := search.Find(anonymous(), c, q, nil); err == nil {
					t.Errorf("%.20q: no error", q)
				}
			}
		})
	}
}

// TestSearchFollowsWrites creates, hides and deletes a product: it is found once its creation
// commits, as the privacy rules say while hidden, and never after its deletion.
func TestSearchFollowsWrites(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			c := storetest.Open(t, kind)
			if _, err := demo.Seed(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			sys := auth.System(context.Background())
			ex, err := c.Exhibitor.Query().First(sys)
			if err != nil {
				t.Fatal(err)
			}
			organiser := auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Organiser})
			owner := auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Exhibitor, ExhibitorID: ex.ID})
			found := func(ctx context.Context, q, id string) bool {
				hits, err := search.Find(ctx, c, q, nil)
				if err != nil {
					t.Fatal(err)
				}
				return slices.Contains(ids(hits), id)
			}
			p, err := c.Product.Create().SetExhibitorID(ex.ID).SetName(i18n.Text{i18n.AR: "عسل الزعتر الجبلي", i18n.FR: "Miel de thym sauvage"}).
				SetPrice(money.Money{MinorUnits: 12000, Currency: money.DefaultCurrency}).Save(sys)
			if err != nil {
				t.Fatal(err)
			}
			if !found(anonymous(), "زعتر", p.ID) || !found(anonymous(), "thym sauvage", p.ID) {
				t.Fatal("a new product is not found")
			}
			if err := c.Product.UpdateOne(p).SetName(i18n.Text{i18n.FR: "Miel de lavande"}).Exec(sys); err != nil {
				t.Fatal(err)
			}
			if found(anonymous(), "thym", p.ID) || !found(anonymous(), "lavande", p.ID) {
				t.Error("a renamed product is found by its old name, or not by its new one")
			}
			if err := c.Product.UpdateOne(p).SetPublished(false).Exec(sys); err != nil {
				t.Fatal(err)
			}
			if found(anonymous(), "lavande", p.ID) || !found(organiser, "lavande", p.ID) || !found(owner, "lavande", p.ID) {
				t.Error("an unpublished product: anonymous finds it, or its exhibitor or an organiser does not")
			}
			if _, err := c.Product.Delete().Where(product.ID(p.ID)).Exec(sys); err != nil {
				t.Fatal(err)
			}
			if found(organiser, "lavande", p.ID) {
				t.Error("a deleted product is found")
			}
		})
	}
}
