package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"maarid/auth"
	"maarid/ent/category"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/store/storetest"
)

// TestLookups asks for what a frontend looks up most, on both stores: an exhibitor or a
// category by its slug, the programme of a day in the fair's time zone, the sessions of a
// topic, the products of a category and of those below it.
func TestLookups(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) { testLookups(t, newAPI(t, kind)) })
	}
}

func testLookups(t *testing.T, a *api) {
	ctx := auth.System(context.Background())
	shown, err := a.client.Exhibitor.Query().Where(exhibitor.Published(true)).Order(exhibitor.ByID()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hidden, err := a.client.Exhibitor.Query().Where(exhibitor.Published(true)).Order(exhibitor.ByID()).Offset(1).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if hidden, err = hidden.Update().SetPublished(false).Save(ctx); err != nil {
		t.Fatal(err)
	}

	t.Run("by slug", func(t *testing.T) {
		var got struct{ Exhibitor struct{ ID string } }
		a.ok(t, request{query: `query($s: String!) { exhibitor(slug: $s) { id } }`, variables: map[string]any{"s": shown.Slug}}, &got)
		if got.Exhibitor.ID != shown.ID {
			t.Errorf("exhibitor(slug: %s) is %s, want %s", shown.Slug, got.Exhibitor.ID, shown.ID)
		}
		for _, slug := range []string{"no-such-exhibitor", hidden.Slug} {
			res := a.post(t, request{query: `query($s: String!) { exhibitor(slug: $s) { id } }`, variables: map[string]any{"s": slug}})
			if len(res.Errors) != 1 || res.Errors[0].code() != "NOT_FOUND" || res.Errors[0].Extensions["field"] != "slug" {
				t.Errorf("exhibitor(slug: %s): %+v", slug, res.Errors)
			}
		}
		organiser := a.key(t, auth.Organiser, "")
		var found struct{ Exhibitor struct{ ID string } }
		a.ok(t, request{header: organiser, query: `query($s: String!) { exhibitor(slug: $s) { id } }`, variables: map[string]any{"s": hidden.Slug}}, &found)
		if found.Exhibitor.ID != hidden.ID {
			t.Errorf("an organiser looking up an unpublished exhibitor found %q", found.Exhibitor.ID)
		}
		c, err := a.client.Category.Query().First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var cat struct{ Category struct{ ID string } }
		a.ok(t, request{query: `query($s: String!) { category(slug: $s) { id } }`, variables: map[string]any{"s": c.Slug}}, &cat)
		if cat.Category.ID != c.ID {
			t.Errorf("category(slug: %s) is %s", c.Slug, cat.Category.ID)
		}
	})

	t.Run("the programme of a day", func(t *testing.T) {
		f := a.fair
		var got struct {
			Fairs struct {
				Edges []struct {
					Node struct{ Days []string }
				}
			}
		}
		a.ok(t, request{query: `{ fairs(first: 1) { edges { node { days } } } }`}, &got)
		if days := got.Fairs.Edges[0].Node.Days; !slices.Equal(days, []string{"2018-07-25", "2018-07-26", "2018-07-27", "2018-07-28", "2018-07-29"}) {
			t.Fatalf("the fair's days: %v", days)
		}
		casablanca, _ := time.LoadLocation(f.TimeZone)
		all, err := a.client.Session.Query().Where(session.Published(true)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, day := range []string{"2018-07-25", "2018-07-26"} {
			var want []string
			for _, s := range all {
				if s.StartsAt.In(casablanca).Format(time.DateOnly) == day {
					want = append(want, s.ID)
				}
			}
			got := sessionIDs(t, a, map[string]any{"day": day})
			if len(want) == 0 || !slices.Equal(got, sorted(want)) {
				t.Errorf("the programme of %s: %v, want %v", day, got, sorted(want))
			}
		}
	})

	t.Run("the sessions of a topic", func(t *testing.T) {
		all, err := a.client.Session.Query().Where(session.Published(true)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, s := range all {
			if slices.Contains(s.Topics, "COMMERCIAL_STRATEGY") {
				want = append(want, s.ID)
			}
		}
		if got := sessionIDs(t, a, map[string]any{"topic": "COMMERCIAL_STRATEGY"}); len(want) == 0 || !slices.Equal(got, sorted(want)) {
			t.Errorf("the sessions of COMMERCIAL_STRATEGY: %v, want %v", got, sorted(want))
		}
	})

	t.Run("a category and those below it", func(t *testing.T) {
		parent, err := a.client.Category.Query().Where(category.HasChildren(), category.Not(category.HasParent())).First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		below, err := a.client.Category.Query().Where(category.HasParentWith(category.ID(parent.ID))).IDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want, err := a.client.Product.Query().Where(product.Listed(true), product.CategoryIDIn(append(below, parent.ID)...)).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ Products struct{ TotalCount int } }
		a.ok(t, request{query: `query($c: ID) { products(where: {inCategory: $c}) { totalCount } }`, variables: map[string]any{"c": parent.ID}}, &got)
		if want == 0 || got.Products.TotalCount != want {
			t.Errorf("the products of %s and below: %d, want %d", parent.Slug, got.Products.TotalCount, want)
		}
	})
}

// sessionIDs returns the IDs of the sessions that where selects, in order of ID.
func sessionIDs(t *testing.T, a *api, where map[string]any) []string {
	t.Helper()
	var got struct {
		Sessions struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	a.ok(t, request{query: `query($w: SessionWhereInput) { sessions(first: 100, where: $w) { edges { node { id } } } }`,
		variables: map[string]any{"w": where}}, &got)
	out := ids(got.Sessions.Edges, func(e struct{ Node struct{ ID string } }) string { return e.Node.ID })
	return sorted(out)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
