package main

import (
	"strings"
	"testing"

	"maarid/store/storetest"
)

// TestSearchOperation runs the frontend's Search over the demo fair, pages through it, and
// sends it what a search box may receive.
func TestSearchOperation(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			var got struct {
				Search struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							Typename string `json:"__typename"`
							ID, Name string
							Title    string
						}
					}
				}
			}
			a.ok(t, operation(t, "Search", map[string]any{"q": "Huile d’Olive", "first": 5, "lang": "FR"}), &got)
			if got.Search.TotalCount < 5 || len(got.Search.Edges) != 5 {
				t.Fatalf("%d found, %d on the page", got.Search.TotalCount, len(got.Search.Edges))
			}
			for _, e := range got.Search.Edges {
				if e.Node.Typename == "Session" || !strings.Contains(strings.ToLower(e.Node.Name), "olive") {
					t.Errorf("%s %s %q", e.Node.Typename, e.Node.ID, e.Node.Name)
				}
			}

			// Every result once, page after page, best first.
			const page = `query($q: String!, $after: Cursor) {
				search(query: $q, first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor }
					edges { cursor node { ... on Exhibitor { id } ... on Product { id } ... on Session { id } } } } }`
			seen := map[string]bool{}
			total := 0
			for after := any(nil); ; {
				var p struct {
					Search struct {
						TotalCount int
						PageInfo   struct {
							HasNextPage bool
							EndCursor   string
						}
						Edges []struct{ Node struct{ ID string } }
					}
				}
				a.ok(t, request{query: page, variables: map[string]any{"q": "miel", "after": after}}, &p)
				total = p.Search.TotalCount
				for _, e := range p.Search.Edges {
					if seen[e.Node.ID] {
						t.Fatalf("%s twice", e.Node.ID)
					}
					seen[e.Node.ID] = true
				}
				if !p.Search.PageInfo.HasNextPage {
					break
				}
				after = p.Search.PageInfo.EndCursor
			}
			if total < 8 || len(seen) != total {
				t.Errorf("%d results in all, %d seen", total, len(seen))
			}

			// What a search box may send.
			for _, q := range []string{`"huile`, `huile NEAR olive`, `(huile OR`, `olive:* & !miel`, `'; DROP TABLE products; --`, `*`} {
				res := a.post(t, operation(t, "Search", map[string]any{"q": q}))
				if len(res.Errors) > 0 {
					t.Errorf("%q: %+v", q, res.Errors)
				}
			}
			for _, q := range []string{"", "  ", strings.Repeat("a", 201)} {
				res := a.post(t, operation(t, "Search", map[string]any{"q": q}))
				if len(res.Errors) != 1 || res.Errors[0].code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != "query" {
					t.Errorf("%.10q: %+v", q, res.Errors)
				}
			}
		})
	}
}
