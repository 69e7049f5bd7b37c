package main

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/graph"
	"maarid/i18n"
	"maarid/store/storetest"
)

// TestContractValidates validates every operation of the clients' contract against the
// schema.
func TestContractValidates(t *testing.T) {
	schema := graph.NewSchema(nil, graph.Services{}).Schema()
	names := slices.Sorted(maps.Keys(contractOperations()))
	if len(names) < 30 {
		t.Fatalf("%d operations in the contract", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: operation(t, name, nil).query})
			if err != nil {
				t.Fatal(err)
			}
			for _, err := range validator.Validate(schema, doc) {
				t.Errorf("%s does not validate: %v", name, err)
			}
		})
	}
}

type directoryPage struct {
	Exhibitors struct {
		TotalCount int
		PageInfo   pageInfo
		Edges      []directoryEdge
	}
}

type price struct {
	MinorUnits int64
	Currency   string
	Formatted  string
}

type pageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

type directoryEdge struct {
	Cursor string
	Node   struct {
		ID       string
		Slug     string
		Name     *string
		Kind     string
		Sector   string
		Province string
		WomenLed bool
		Stands   []struct {
			Code string
			Hall string
			Fair struct{ ID string }
		}
		Products struct {
			TotalCount int
			Edges      []productPeek
		}
	}
}

type productPeek struct {
	Node struct {
		ID   string
		Name *string
	}
}

func directoryIDs(p directoryPage) []string {
	return ids(p.Exhibitors.Edges, func(e directoryEdge) string { return e.Node.ID })
}

func TestContract(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			t.Run("ExhibitorDirectory", a.testDirectory)
			t.Run("ExhibitorDirectoryBackwards", a.testDirectoryBackwards)
			t.Run("ExhibitorDirectoryFilters", a.testDirectoryFilters)
			t.Run("LanguageFallback", a.testLanguageFallback)
			t.Run("ExhibitorPage", a.testExhibitorPage)
			t.Run("ProductCatalogue", a.testCatalogue)
			t.Run("ProductCatalogueBackwards", a.testCatalogueBackwards)
			t.Run("FairOverview", a.testFairOverview)
			t.Run("Programme", a.testProgramme)
			t.Run("NoNPlusOne", a.testStatementsPerPage)
			t.Run("Node", a.testNode)
		})
	}
}

// testDirectory pages through the whole directory in French and checks it against the
// database: every exhibitor once, in name order, with its stands and a peek at its products.
func (a *api) testDirectory(t *testing.T) {
	ctx := context.Background()
	want, err := a.client.Exhibitor.Query().
		Order(exhibitor.ByNameSortFr(), exhibitor.ByID()).
		WithStands().
		All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var after any
	for pages := 0; ; pages++ {
		var page directoryPage
		a.ok(t, operation(t, "ExhibitorDirectory", map[string]any{"after": after, "lang": lang(i18n.FR)}), &page)
		c := page.Exhibitors
		if c.TotalCount != len(want) {
			t.Fatalf("totalCount %d, want %d", c.TotalCount, len(want))
		}
		if len(c.Edges) > 20 {
			t.Fatalf("a page of %d, want at most the default 20", len(c.Edges))
		}
		for _, e := range c.Edges {
			n := e.Node
			ex := want[len(got)]
			got = append(got, n.ID)
			if n.ID != ex.ID {
				continue // reported below, with the whole order
			}
			if n.Name == nil || *n.Name != ex.Name[i18n.FR] {
				t.Errorf("%s: name %v, want the French %q", n.ID, n.Name, ex.Name[i18n.FR])
			}
			if n.Kind != ex.Kind.String() || n.Province != ex.Province.String() || n.Sector != ex.Sector.String() || n.WomenLed != ex.WomenLed {
				t.Errorf("%s: %+v does not match the database", n.ID, n)
			}
			if len(n.Stands) != len(ex.Edges.Stands) {
				t.Errorf("%s: %d stands, want %d", n.ID, len(n.Stands), len(ex.Edges.Stands))
			}
			for i, s := range n.Stands {
				if s.Code != ex.Edges.Stands[i].Code || s.Fair.ID != a.fair.ID {
					t.Errorf("%s: stand %+v, want %s at %s", n.ID, s, ex.Edges.Stands[i].Code, a.fair.ID)
				}
			}
			products, err := ex.QueryProducts().Order(product.ByID()).All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n.Products.TotalCount != len(products) {
				t.Errorf("%s: products totalCount %d, want %d", n.ID, n.Products.TotalCount, len(products))
			}
			peek := ids(n.Products.Edges, func(e productPeek) string { return e.Node.ID })
			wantPeek := ids(products[:min(3, len(products))], func(p *ent.Product) string { return p.ID })
			equalStrings(t, n.ID+" products peek", peek, wantPeek)
		}
		if !c.PageInfo.HasNextPage {
			break
		}
		if pages > len(want) {
			t.Fatal("the pages do not end")
		}
		after = *c.PageInfo.EndCursor
	}
	equalStrings(t, "directory order", got, ids(want, func(e *ent.Exhibitor) string { return e.ID }))
}

const directoryBackwards = `query($last: Int!, $before: Cursor) {
  exhibitors(last: $last, before: $before, orderBy: {field: NAME, direction: ASC}) {
    totalCount
    pageInfo { hasPreviousPage startCursor }
    edges { node { id } }
  }
}`

// testDirectoryBackwards pages from the end with last/before and finds the same list.
func (a *api) testDirectoryBackwards(t *testing.T) {
	want, err := a.client.Exhibitor.Query().Order(exhibitor.ByNameSortAr(), exhibitor.ByID()).IDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var before any
	for len(got) <= len(want) {
		var page directoryPage
		a.ok(t, request{query: directoryBackwards, variables: map[string]any{"last": 17, "before": before}}, &page)
		c := page.Exhibitors
		got = append(directoryIDs(page), got...)
		if !c.PageInfo.HasPreviousPage {
			break
		}
		before = *c.PageInfo.StartCursor
	}
	equalStrings(t, "directory read backwards", got, want)
}

func (a *api) testDirectoryFilters(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		where map[string]any
		want  func() (int, error)
	}{
		{"province", map[string]any{"province": "AZILAL"}, func() (int, error) {
			return a.client.Exhibitor.Query().Where(exhibitor.ProvinceEQ(exhibitor.ProvinceAZILAL)).Count(ctx)
		}},
		{"kind and women-led", map[string]any{"kind": "COOPERATIVE", "womenLed": true}, func() (int, error) {
			return a.client.Exhibitor.Query().Where(exhibitor.KindEQ(exhibitor.KindCOOPERATIVE), exhibitor.WomenLed(true)).Count(ctx)
		}},
		{"sector in", map[string]any{"sectorIn": []string{"HANDICRAFT", "SERVICES"}}, func() (int, error) {
			return a.client.Exhibitor.Query().Where(exhibitor.SectorIn(exhibitor.SectorHANDICRAFT, exhibitor.SectorSERVICES)).Count(ctx)
		}},
		{"no match", map[string]any{"slug": "no-such-exhibitor"}, func() (int, error) { return 0, nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := tt.want()
			if err != nil {
				t.Fatal(err)
			}
			if tt.name != "no match" && want == 0 {
				t.Fatal("the demo fair has no exhibitor for this filter: the test would prove nothing")
			}
			var page directoryPage
			a.ok(t, operation(t, "ExhibitorDirectory", map[string]any{"where": tt.where, "first": 100}), &page)
			if page.Exhibitors.TotalCount != want {
				t.Errorf("totalCount %d, want %d", page.Exhibitors.TotalCount, want)
			}
			if len(page.Exhibitors.Edges) != min(want, 100) {
				t.Errorf("%d edges, want %d", len(page.Exhibitors.Edges), min(want, 100))
			}
		})
	}
}

type exhibitorPage struct {
	Exhibitors struct {
		Edges []struct {
			Node struct {
				ID               string
				Name             *string
				Description      *string
				NameTranslations []struct{ Lang, Value string }
				Commune          *string
				FoundedYear      *int
				MemberCount      *int
				YouthLed         bool
				Products         struct {
					Edges []struct {
						Node struct {
							ID        string
							Name      *string
							Price     price
							Unit      *string
							Labels    []string
							Available bool
							Category  *struct {
								ID   string
								Name *string
							}
						}
					}
				}
			}
		}
	}
}

// testLanguageFallback checks the chain: the lang argument, then Accept-Language, then the
// fair's default (Arabic), then any translation.
func (a *api) testLanguageFallback(t *testing.T) {
	ctx := context.Background()
	all, err := a.client.Exhibitor.Query().Order(exhibitor.ByID()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var noEnglish *ent.Exhibitor
	for _, e := range all {
		if e.Name[i18n.EN] == "" && e.Name[i18n.ZGH] == "" {
			noEnglish = e
			break
		}
	}
	if noEnglish == nil {
		t.Fatal("every demo exhibitor has an English name: the fallback cannot be shown")
	}
	ar, fr := noEnglish.Name[i18n.AR], noEnglish.Name[i18n.FR]
	tests := []struct {
		name   string
		lang   any
		header http.Header
		want   string
	}{
		{"argument", "FR", nil, fr},
		{"argument over header", "AR", acceptLanguage("fr"), ar},
		{"header", nil, acceptLanguage("fr-MA,fr;q=0.9,ar;q=0.8"), fr},
		{"header by weight", nil, acceptLanguage("de;q=1,ar;q=0.5,fr;q=0.2"), ar},
		{"no header: the fair's default", nil, nil, ar},
		{"unknown header language: the fair's default", nil, acceptLanguage("de"), ar},
		{"missing translation: the header", "EN", acceptLanguage("fr"), fr},
		{"missing translation, no header: the fair's default", "ZGH", nil, ar},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := operation(t, "ExhibitorPage", map[string]any{"slug": noEnglish.Slug, "lang": tt.lang})
			r.header = tt.header
			var page exhibitorPage
			a.ok(t, r, &page)
			if len(page.Exhibitors.Edges) != 1 {
				t.Fatalf("%d exhibitors for slug %s", len(page.Exhibitors.Edges), noEnglish.Slug)
			}
			if got := page.Exhibitors.Edges[0].Node.Name; got == nil || *got != tt.want {
				t.Errorf("name %v, want %q", got, tt.want)
			}
		})
	}
}

func (a *api) testExhibitorPage(t *testing.T) {
	ctx := context.Background()
	ex, err := a.client.Exhibitor.Query().
		Where(exhibitor.HasProducts()).
		Order(exhibitor.ByID()).
		First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	products, err := ex.QueryProducts().Order(product.ByNameSortFr(), product.ByID()).WithCategory().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The page asks for the commune without a lang argument: it follows Accept-Language.
	r := operation(t, "ExhibitorPage", map[string]any{"slug": ex.Slug, "lang": "FR"})
	r.header = acceptLanguage("fr")
	var page exhibitorPage
	a.ok(t, r, &page)
	if len(page.Exhibitors.Edges) != 1 {
		t.Fatalf("%d exhibitors for slug %s, want 1", len(page.Exhibitors.Edges), ex.Slug)
	}
	n := page.Exhibitors.Edges[0].Node
	if n.ID != ex.ID || *n.Description != ex.Description[i18n.FR] || *n.Commune != ex.Commune[i18n.FR] {
		t.Errorf("got %s %q %q, want %s in French", n.ID, *n.Description, *n.Commune, ex.ID)
	}
	if len(n.NameTranslations) < 2 || n.NameTranslations[0].Lang != "AR" || n.NameTranslations[0].Value != ex.Name[i18n.AR] {
		t.Errorf("nameTranslations %+v, want Arabic first", n.NameTranslations)
	}
	got := n.Products.Edges
	if len(got) != len(products) {
		t.Fatalf("%d products, want %d", len(got), len(products))
	}
	for i, p := range products {
		g := got[i].Node
		if g.ID != p.ID {
			t.Fatalf("product %d is %s, want %s (name order)", i, g.ID, p.ID)
		}
		wantPrice := p.Price.Format(i18n.FR)
		if g.Price.MinorUnits != p.Price.MinorUnits || g.Price.Currency != p.Price.Currency || g.Price.Formatted != wantPrice {
			t.Errorf("%s: price %+v, want %+v %q", p.ID, g.Price, p.Price, wantPrice)
		}
		if (g.Category == nil) != (p.Edges.Category == nil) ||
			g.Category != nil && (g.Category.ID != p.Edges.Category.ID || *g.Category.Name != p.Edges.Category.Name[i18n.FR]) {
			t.Errorf("%s: category %+v does not match", p.ID, g.Category)
		}
		if !slices.Equal(g.Labels, p.Labels) || g.Available != p.Available {
			t.Errorf("%s: labels %v available %v, want %v %v", p.ID, g.Labels, g.Available, p.Labels, p.Available)
		}
	}
}

type cataloguePage struct {
	Products struct {
		TotalCount int
		PageInfo   pageInfo
		Edges      []struct {
			Node struct {
				ID       string
				Name     *string
				Price    price
				Category *struct {
					ID     string
					Name   *string
					Parent *struct {
						ID   string
						Name *string
					}
				}
				Exhibitor struct {
					ID       string
					Name     *string
					Province string
					Stands   []struct{ Code, Hall string }
				}
			}
		}
	}
}

func catalogueIDs(p cataloguePage) []string {
	out := make([]string, len(p.Products.Edges))
	for i, e := range p.Products.Edges {
		out[i] = e.Node.ID
	}
	return out
}

// testCatalogue pages through the catalogue in Arabic, by price then name.
func (a *api) testCatalogue(t *testing.T) {
	ctx := context.Background()
	want, err := a.client.Product.Query().
		Order(product.ByPriceMinorUnits(), product.ByNameSortAr(), product.ByID()).
		WithCategory(func(q *ent.CategoryQuery) { q.WithParent() }).
		WithExhibitor().
		All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var after any
	for len(got) <= len(want) {
		var page cataloguePage
		a.ok(t, operation(t, "ProductCatalogue", map[string]any{"after": after, "lang": "AR"}), &page)
		if page.Products.TotalCount != len(want) {
			t.Fatalf("totalCount %d, want %d", page.Products.TotalCount, len(want))
		}
		for _, e := range page.Products.Edges {
			n, p := e.Node, want[len(got)]
			got = append(got, n.ID)
			if n.ID != p.ID {
				continue
			}
			if *n.Name != p.Name[i18n.AR] || n.Exhibitor.ID != p.ExhibitorID || *n.Exhibitor.Name != p.Edges.Exhibitor.Name[i18n.AR] {
				t.Errorf("%s: %+v does not match the database in Arabic", p.ID, n)
			}
			if n.Price.Formatted != p.Price.Format(i18n.AR) {
				t.Errorf("%s: formatted price %q", p.ID, n.Price.Formatted)
			}
			if c := p.Edges.Category; c != nil {
				if n.Category == nil || n.Category.ID != c.ID || (n.Category.Parent == nil) != (c.Edges.Parent == nil) ||
					n.Category.Parent != nil && n.Category.Parent.ID != c.Edges.Parent.ID {
					t.Errorf("%s: category %+v, want %s under %v", p.ID, n.Category, c.ID, c.Edges.Parent)
				}
			}
			if len(n.Exhibitor.Stands) == 0 {
				t.Errorf("%s: the exhibitor has no stand", p.ID)
			}
		}
		if !page.Products.PageInfo.HasNextPage {
			break
		}
		after = *page.Products.PageInfo.EndCursor
	}
	equalStrings(t, "catalogue order", got, ids(want, func(p *ent.Product) string { return p.ID }))
}

const catalogueBackwards = `query($last: Int!, $before: Cursor, $where: ProductWhereInput) {
  products(last: $last, before: $before, where: $where, orderBy: [{field: PRICE, direction: ASC}, {field: NAME, direction: ASC}]) {
    totalCount
    pageInfo { hasPreviousPage startCursor }
    edges { node { id } }
  }
}`

// testCatalogueBackwards pages backwards through a filtered catalogue.
func (a *api) testCatalogueBackwards(t *testing.T) {
	want, err := a.client.Product.Query().
		Where(product.PriceMinorUnitsLTE(50_000)).
		Order(product.ByPriceMinorUnits(), product.ByNameSortAr(), product.ByID()).
		IDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 50 {
		t.Fatalf("only %d demo products cost at most 500 MAD: too few to page through", len(want))
	}
	var got []string
	var before any
	for len(got) <= len(want) {
		var page cataloguePage
		a.ok(t, request{query: catalogueBackwards, variables: map[string]any{
			"last": 23, "before": before, "where": map[string]any{"priceMinorUnitsLTE": 50_000},
		}}, &page)
		if page.Products.TotalCount != len(want) {
			t.Fatalf("totalCount %d, want %d", page.Products.TotalCount, len(want))
		}
		got = append(catalogueIDs(page), got...)
		if !page.Products.PageInfo.HasPreviousPage {
			break
		}
		before = *page.Products.PageInfo.StartCursor
	}
	equalStrings(t, "filtered catalogue read backwards", got, want)
}

func (a *api) testFairOverview(t *testing.T) {
	var got struct {
		Fairs struct {
			Edges []struct {
				Node struct {
					ID, City, StartsOn, EndsOn, TimeZone string
					Name, Theme                          *string
					AreaSqm                              *float64
					Spaces                               []struct {
						ID       string
						Name     *string
						Kind     string
						Capacity *int
					}
				}
			}
		}
	}
	for _, l := range []i18n.Lang{i18n.AR, i18n.FR} {
		// city has no lang argument in the operation: it follows Accept-Language.
		r := operation(t, "FairOverview", map[string]any{"lang": lang(l)})
		r.header = acceptLanguage(string(l))
		a.ok(t, r, &got)
		if len(got.Fairs.Edges) != 1 {
			t.Fatalf("%d fairs, want the demo fair", len(got.Fairs.Edges))
		}
		f := got.Fairs.Edges[0].Node
		if f.ID != a.fair.ID || *f.Name != a.fair.Name[l] || *f.Theme != a.fair.Theme[l] || f.City != a.fair.City[l] {
			t.Errorf("in %s: %+v does not match the fair", l, f)
		}
		if f.StartsOn != "2018-07-25" || f.EndsOn != "2018-07-29" || f.TimeZone != "Africa/Casablanca" || f.AreaSqm == nil || *f.AreaSqm != 3000 {
			t.Errorf("dates, time zone or area: %+v", f)
		}
		spaces, err := a.fair.QuerySpaces().Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Spaces) != spaces || spaces < 5 {
			t.Errorf("%d spaces, want %d (at least 5)", len(f.Spaces), spaces)
		}
		for _, s := range f.Spaces {
			if s.Name == nil || *s.Name == "" || s.Kind == "" {
				t.Errorf("space %+v has no name or kind", s)
			}
		}
	}
}

func (a *api) testProgramme(t *testing.T) {
	ctx := context.Background()
	want, err := a.client.Session.Query().
		Order(session.ByStartsAt(), session.ByID()).
		WithSpace().
		WithSpeakers().
		All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Sessions struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID               string
					Title            *string
					Kind             string
					Topics           []string
					Languages        []string
					StartsAt, EndsAt time.Time
					Status           string
					Version          int
					Capacity         *int
					SeatsLeft        *int
					Space            *struct{ ID string }
					Speakers         []struct{ ID, Name string }
				}
			}
		}
	}
	a.ok(t, operation(t, "Programme", map[string]any{"lang": "FR"}), &got)
	if got.Sessions.TotalCount != len(want) || len(got.Sessions.Edges) != min(len(want), 100) {
		t.Fatalf("totalCount %d and %d edges, want %d", got.Sessions.TotalCount, len(got.Sessions.Edges), len(want))
	}
	for i, e := range got.Sessions.Edges {
		n, s := e.Node, want[i]
		if n.ID != s.ID {
			t.Fatalf("session %d is %s, want %s (start order)", i, n.ID, s.ID)
		}
		if *n.Title != s.Title[i18n.FR] || !n.StartsAt.Equal(s.StartsAt) || !n.EndsAt.Equal(s.EndsAt) ||
			n.Status != s.Status.String() || n.Version != s.Version || n.Kind != s.Kind.String() {
			t.Errorf("%s: %+v does not match the database", s.ID, n)
		}
		if s.Capacity != nil && (n.SeatsLeft == nil || *n.SeatsLeft != *s.Capacity) {
			t.Errorf("%s: seatsLeft %v, want the whole capacity %d: nobody has registered", s.ID, n.SeatsLeft, *s.Capacity)
		}
		if s.Capacity == nil && n.SeatsLeft != nil {
			t.Errorf("%s: seatsLeft %d for open entry", s.ID, *n.SeatsLeft)
		}
		if len(n.Languages) != len(s.Languages) || len(n.Speakers) != len(s.Edges.Speakers) {
			t.Errorf("%s: languages %v speakers %v", s.ID, n.Languages, n.Speakers)
		}
		if (n.Space == nil) != (s.Edges.Space == nil) || n.Space != nil && n.Space.ID != s.Edges.Space.ID {
			t.Errorf("%s: space %v", s.ID, n.Space)
		}
	}

	// One day in one space, as a room's screen asks for it.
	room := want[0].Edges.Space
	loc, _ := time.LoadLocation("Africa/Casablanca")
	day := time.Date(2018, 7, 26, 0, 0, 0, 0, loc)
	wantDay, err := a.client.Session.Query().
		Where(session.SpaceID(room.ID), session.StartsAtGTE(day), session.StartsAtLT(day.AddDate(0, 0, 1))).
		Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a.ok(t, operation(t, "Programme", map[string]any{"where": map[string]any{
		"spaceID": room.ID, "startsAtGTE": day.Format(time.RFC3339), "startsAtLT": day.AddDate(0, 0, 1).Format(time.RFC3339),
	}}), &got)
	if got.Sessions.TotalCount != wantDay || wantDay == 0 {
		t.Errorf("sessions on 26 July in %s: %d, want %d (and some)", room.ID, got.Sessions.TotalCount, wantDay)
	}
}

// testStatementsPerPage asserts that a catalogue page costs the same few SQL statements
// whatever its size: edges are loaded per level, never per item.
func (a *api) testStatementsPerPage(t *testing.T) {
	counts := map[int]int64{}
	for _, first := range []int{5, 24, 100} {
		a.counter.Reset()
		var page cataloguePage
		a.ok(t, operation(t, "ProductCatalogue", map[string]any{"first": first, "lang": "AR"}), &page)
		if len(page.Products.Edges) != first {
			t.Fatalf("%d products for first: %d", len(page.Products.Edges), first)
		}
		counts[first] = a.counter.Statements()
	}
	if counts[5] != counts[100] || counts[24] != counts[100] {
		t.Errorf("statements per page depend on its size: %v", counts)
	}
	if counts[5] > 7 {
		t.Errorf("%d statements for a catalogue page, want at most 7", counts[5])
	}
	t.Logf("SQL statements per ProductCatalogue page: %v", counts)
}

// testNode fetches entities of several types by their global IDs.
func (a *api) testNode(t *testing.T) {
	ctx := context.Background()
	p, err := a.client.Product.Query().Order(product.ByID()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.client.Session.Query().Order(session.ByID()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Node struct {
			Typename string `json:"__typename"`
			ID       string
			Name     string
		}
		Nodes []struct {
			Typename string `json:"__typename"`
			ID       string
			Title    string
		}
	}
	a.ok(t, request{query: `query($p: ID!, $ids: [ID!]!) {
		node(id: $p) { __typename id ... on Product { name(lang: FR) } }
		nodes(ids: $ids) { __typename id ... on Session { title(lang: FR) } }
	}`, variables: map[string]any{"p": p.ID, "ids": []string{s.ID, a.fair.ID}}}, &got)
	if got.Node.Typename != "Product" || got.Node.ID != p.ID || got.Node.Name != p.Name[i18n.FR] {
		t.Errorf("node: %+v", got.Node)
	}
	if len(got.Nodes) != 2 || got.Nodes[0].Typename != "Session" || got.Nodes[0].Title != s.Title[i18n.FR] ||
		got.Nodes[1].Typename != "Fair" || got.Nodes[1].ID != a.fair.ID {
		t.Errorf("nodes: %+v", got.Nodes)
	}
}
