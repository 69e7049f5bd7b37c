package search_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	entsql "entgo.io/ent/dialect/sql"

	"maarid/auth"
	"maarid/demo"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/session"
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

// everything is a page size that holds whatever a test's search finds.
const everything = 1 << 20

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
				page, err := search.Find(anonymous(), c, q, kinds, everything, nil)
				if err != nil {
					t.Fatalf("%q: %v", q, err)
				}
				if page.Total != len(page.Hits) || page.More {
					t.Fatalf("%q: %d hits of %d (more: %v)", q, len(page.Hits), page.Total, page.More)
				}
				return page.Hits
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
			// Best first, ties in a fixed order, the same page after page.
			all := find(t, "miel")
			if len(all) < 10 {
				t.Fatalf("miel finds %d rows", len(all))
			}
			for i := 1; i < len(all); i++ {
				if all[i-1].Score < all[i].Score {
					t.Fatalf("out of order at %d: %+v, %+v", i, all[i-1], all[i])
				}
			}
			if again := find(t, "miel"); !slices.Equal(again, all) {
				t.Error("the same search found the same rows in another order")
			}
			var paged []search.Hit
			var after *search.Hit
			for {
				page, err := search.Find(anonymous(), c, "miel", nil, 3, after)
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != len(all) {
					t.Fatalf("a page counts %d rows, the whole search %d", page.Total, len(all))
				}
				paged = append(paged, page.Hits...)
				if !page.More {
					break
				}
				after = &page.Hits[len(page.Hits)-1]
			}
			if !slices.Equal(paged, all) {
				t.Errorf("pages of 3 found %d rows, not those of one page of %d", len(paged), len(all))
			}
			if page, err := search.Find(anonymous(), c, "miel", nil, 3, &all[len(all)-1]); err != nil || len(page.Hits) != 0 || page.More || page.Total != len(all) {
				t.Errorf("after the last row: %+v, %v", page, err)
			}
			// Nothing but words reaches FTS's or tsquery's syntax.
			for _, q := range []string{`"huile`, `huile*`, `huile NEAR olive`, `huile -- olive`, `(huile OR`, `huile) AND (`, `olive:* & !miel`, `'; DROP TABLE products; --`, `*`, `NEAR/3`, `^huile`} {
				if _, err := search.Find(anonymous(), c, q, nil, everything, nil); err != nil {
					t.Errorf("%q: %v", q, err)
				}
			}
			if got := find(t, `"huile" NEAR olive*`, search.Products); !slices.Equal(ids(got), ids(find(t, "huile near olive", search.Products))) {
				t.Error("operators are not read as words")
			}
			// Bad queries.
			for _, q := range []string{"", "   \t", strings.Repeat("ب", search.MaxQueryRunes+1)} {
				if _, err := search.Find(anonymous(), c, q, nil, everything, nil); err == nil {
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
				page, err := search.Find(ctx, c, q, nil, everything, nil)
				if err != nil {
					t.Fatal(err)
				}
				return slices.Contains(ids(page.Hits), id)
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

// TestSearchFindsWhatEachMaySee writes the changes that decide who may see a row — an
// exhibitor unpublished and published again, a product unpublished and moved to another
// exhibitor, a session unpublished — and after each asks, for every kind of caller, that a
// search finds exactly the rows it finds for an organiser that the caller may read through
// the privacy rules.
func TestSearchFindsWhatEachMaySee(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			c := storetest.Open(t, kind)
			if _, err := demo.Seed(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			sys := auth.System(context.Background())
			exhibitors, err := c.Exhibitor.Query().Where(exhibitor.HasProducts()).Order(exhibitor.ByID()).Limit(2).All(sys)
			if err != nil || len(exhibitors) != 2 {
				t.Fatalf("%d exhibitors with products: %v", len(exhibitors), err)
			}
			first, second := exhibitors[0], exhibitors[1]
			p, err := c.Product.Query().Where(product.ExhibitorID(first.ID)).First(sys)
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.Session.Query().First(sys)
			if err != nil {
				t.Fatal(err)
			}
			organiser := auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Organiser})
			callers := map[string]context.Context{
				"anonymous": anonymous(),
				"partner":   auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Partner}),
				"first":     auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Exhibitor, ExhibitorID: first.ID}),
				"second":    auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Exhibitor, ExhibitorID: second.ID}),
			}
			// The words of the rows changed: each query finds one of them, and others.
			queries := []string{wordOf(p.Name[i18n.FR]), wordOf(first.Name[i18n.FR]), wordOf(s.Title[i18n.FR]), "miel", "تعاونية"}
			check := func(step string) {
				t.Helper()
				for _, q := range queries {
					all, err := search.Find(organiser, c, q, nil, everything, nil)
					if err != nil {
						t.Fatal(err)
					}
					for name, ctx := range callers {
						var want []string
						for _, h := range all.Hits {
							if readable(ctx, c, h.ID) {
								want = append(want, h.ID)
							}
						}
						got, err := search.Find(ctx, c, q, nil, everything, nil)
						if err != nil {
							t.Fatal(err)
						}
						if !slices.Equal(slices.Sorted(slices.Values(ids(got.Hits))), slices.Sorted(slices.Values(want))) || got.Total != len(want) {
							t.Errorf("%s: %s's search for %q finds %d rows (%d counted), %d it may read", step, name, q, len(got.Hits), got.Total, len(want))
						}
					}
				}
			}
			check("the demo fair")
			steps := []struct {
				name  string
				write func(context.Context) error
			}{
				{"an exhibitor unpublished", first.Update().SetPublished(false).Exec},
				{"a product unpublished", p.Update().SetPublished(false).Exec},
				{"the exhibitor published again", first.Update().SetPublished(true).Exec},
				{"the product published again", p.Update().SetPublished(true).Exec},
				{"the product moved", p.Update().SetExhibitorID(second.ID).SetPublished(false).Exec},
				{"a session unpublished", s.Update().SetPublished(false).Exec},
			}
			for _, step := range steps {
				if err := step.write(sys); err != nil {
					t.Fatalf("%s: %v", step.name, err)
				}
				check(step.name)
			}
		})
	}
}

// wordOf is the longest word of s: one a search finds it by.
func wordOf(s string) string {
	words := strings.Fields(s)
	slices.SortStableFunc(words, func(a, b string) int { return len(b) - len(a) })
	return words[0]
}

// readable reports whether the caller of ctx may read the row id through the privacy rules.
func readable(ctx context.Context, c *ent.Client, id string) bool {
	var n int
	var err error
	switch typ, _ := gid.Type(id); typ {
	case gid.Exhibitor:
		n, err = c.Exhibitor.Query().Where(exhibitor.ID(id)).Count(ctx)
	case gid.Product:
		n, err = c.Product.Query().Where(product.ID(id)).Count(ctx)
	case gid.Session:
		n, err = c.Session.Query().Where(session.ID(id)).Count(ctx)
	}
	return err == nil && n == 1
}

// TestCompact writes a few thousand products in many transactions, which leave the SQLite
// index in several segments, and compacts it into one segment of each of its indexes (the
// words and each length of prefix), which finds the same rows.
func TestCompact(t *testing.T) {
	c := storetest.Open(t, "sqlite")
	if _, err := demo.Seed(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedCatalogue(context.Background(), c, 3000); err != nil {
		t.Fatal(err)
	}
	segments := func() (n int) {
		t.Helper()
		err := c.RawQuery(context.Background(), "SELECT count(*) FROM search_fts_segdir", nil, func(row entsql.ColumnScanner) error { return row.Scan(&n) })
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before, err := search.Find(anonymous(), c, "huile d'olive", nil, everything, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := segments(); n <= 6 {
		t.Fatalf("%d segments before compacting: the test writes too little", n)
	}
	if err := search.Compact(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if n := segments(); n != 6 {
		t.Errorf("%d segments after compacting, want 6: one for the words, one for each of 5 lengths of prefix", n)
	}
	after, err := search.Find(anonymous(), c, "huile d'olive", nil, everything, nil)
	if err != nil || !slices.Equal(after.Hits, before.Hits) {
		t.Errorf("compacting changed what a search finds: %d rows, %d before (%v)", len(after.Hits), len(before.Hits), err)
	}
}
