package main

import (
	"context"
	"slices"
	"testing"

	"maarid/auth"
	"maarid/i18n"
	"maarid/store/storetest"
)

// TestMissingTranslations pages through the rows of the demo fair without English texts, as
// an organiser, and checks each against the database; other callers are refused.
func TestMissingTranslations(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			const query = `query($after: Cursor) { missingTranslations(lang: EN, first: 50, after: $after) {
				totalCount pageInfo { hasNextPage endCursor }
				edges { node { fields node { __typename ... on Exhibitor { id } ... on Product { id } ... on Session { id } } } } } }`
			organiser := a.key(t, auth.Organiser, "")
			got := map[string][]string{}
			total := 0
			for after := any(nil); ; {
				var page struct {
					MissingTranslations struct {
						TotalCount int
						PageInfo   struct {
							HasNextPage bool
							EndCursor   string
						}
						Edges []struct {
							Node struct {
								Fields []string
								Node   struct{ ID string }
							}
						}
					}
				}
				a.ok(t, request{query: query, variables: map[string]any{"after": after}, header: organiser}, &page)
				total = page.MissingTranslations.TotalCount
				for _, e := range page.MissingTranslations.Edges {
					got[e.Node.Node.ID] = e.Node.Fields
				}
				if !page.MissingTranslations.PageInfo.HasNextPage {
					break
				}
				after = page.MissingTranslations.PageInfo.EndCursor
			}
			if total == 0 || len(got) != total {
				t.Fatalf("%d rows in all, %d seen", total, len(got))
			}
			// Every product without an English name or description is listed, with that field.
			ctx := auth.System(context.Background())
			products, err := a.client.Product.Query().All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			listed := 0
			for _, p := range products {
				var want []string
				if _, ok := p.Name[i18n.EN]; !ok {
					want = append(want, "name")
				}
				if _, ok := p.Description[i18n.EN]; !ok && len(p.Description) > 0 {
					want = append(want, "description")
				}
				if !slices.Equal(got[p.ID], want) {
					t.Fatalf("%s: %v, want %v", p.ID, got[p.ID], want)
				}
				if want != nil {
					listed++
				}
			}
			if listed == 0 {
				t.Error("no product lacks English: the demo fair has some")
			}
			for _, caller := range []string{"anonymous", "partner"} {
				r := request{query: query, variables: map[string]any{}}
				if caller == "partner" {
					r.header = a.key(t, auth.Partner, "")
				}
				if res := a.post(t, r); len(res.Errors) != 1 || res.Errors[0].code() != "FORBIDDEN" {
					t.Errorf("%s: %+v", caller, res.Errors)
				}
			}
		})
	}
}
