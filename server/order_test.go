package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"maarid/store/storetest"
)

// icuOutOfOrder runs Node.js's Intl.Collator, ICU's collation, over names as a list gave them
// and returns the first place where two neighbours are out of order for a reader of lang.
const icuOutOfOrder = `
const {lang, names} = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const c = new Intl.Collator(lang);
for (let i = 1; i < names.length; i++) {
  if (c.compare(names[i-1], names[i]) > 0) {
    console.log(JSON.stringify({at: i, before: names[i-1], after: names[i]}));
    process.exit(0);
  }
}
console.log(JSON.stringify({at: -1}));
`

// checkICUOrder fails the test when names are not in the order ICU gives a reader of lang.
func checkICUOrder(t *testing.T, lang string, names []string) {
	t.Helper()
	if len(names) < 2 {
		return
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node: install Node.js to compare with ICU's order")
	}
	in, _ := json.Marshal(map[string]any{"lang": lang, "names": names})
	cmd := exec.Command(node, "-e", icuOutOfOrder)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got struct {
		At            int
		Before, After string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node said %s: %v", out, err)
	}
	if got.At >= 0 {
		t.Errorf("%s order: %q comes before %q at %d of %d, ICU puts it after", lang, got.Before, got.After, got.At, len(names))
	}
}

// TestNameOrderFollowsTheReader pages through the demo fair's exhibitors and products ordered
// by NAME, read in Arabic and in French in each of the ways a client names its language, and
// compares each order with ICU's.
func TestNameOrderFollowsTheReader(t *testing.T) {
	const exhibitors = `query($after: Cursor, $lang: Language, $orderLang: Language) {
		exhibitors(first: 100, after: $after, orderBy: {field: NAME, lang: $orderLang}) {
			pageInfo { hasNextPage endCursor }
			edges { node { name(lang: $lang) } }
		}
	}`
	// list is a query of a root list ordered by NAME.
	list := func(field string) string {
		return `query($after: Cursor, $lang: Language) {
			` + field + `(first: 100, after: $after, orderBy: [{field: NAME}]) {
				pageInfo { hasNextPage endCursor }
				edges { node { name(lang: $lang) } }
			}
		}`
	}
	const exhibitorProducts = `query($lang: Language) {
		exhibitors(first: 20, orderBy: {field: NAME}) {
			edges { node { products(first: 50, orderBy: {field: NAME}) { edges { node { name(lang: $lang) } } } } }
		}
	}`
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			// names pages through query and returns the names in the order they came.
			names := func(t *testing.T, query string, vars map[string]any, header string) []string {
				var out []string
				for after := any(nil); ; {
					vars["after"] = after
					var page map[string]struct {
						PageInfo struct {
							HasNextPage bool
							EndCursor   string
						}
						Edges []struct{ Node struct{ Name string } }
					}
					a.ok(t, request{query: query, variables: vars, header: acceptLanguage(header)}, &page)
					for _, c := range page {
						for _, e := range c.Edges {
							out = append(out, e.Node.Name)
						}
						if !c.PageInfo.HasNextPage {
							return out
						}
						after = c.PageInfo.EndCursor
					}
				}
			}
			tests := []struct {
				name, lang string
				query      string
				vars       map[string]any
				header     string
				atLeast    int // names in the demo fair
			}{
				{"exhibitors, Accept-Language ar", "ar", exhibitors, map[string]any{}, "ar", 160},
				{"exhibitors, Accept-Language fr", "fr", exhibitors, map[string]any{}, "fr-MA,fr;q=0.9", 160},
				{"exhibitors, name(lang: FR)", "fr", exhibitors, map[string]any{"lang": "FR"}, "ar", 160},
				{"exhibitors, the order's lang: AR", "ar", exhibitors, map[string]any{"lang": "AR", "orderLang": "AR"}, "fr", 160},
				{"products, Accept-Language ar", "ar", list("products"), map[string]any{}, "ar", 500},
				{"products, name(lang: FR)", "fr", list("products"), map[string]any{"lang": "FR"}, "ar", 500},
				{"categories, Accept-Language ar", "ar", list("categories"), map[string]any{}, "ar", 20},
				{"categories, Accept-Language fr", "fr", list("categories"), map[string]any{}, "fr", 20},
				{"spaces, Accept-Language ar", "ar", list("spaces"), map[string]any{}, "ar", 5},
				{"spaces, name(lang: FR)", "fr", list("spaces"), map[string]any{"lang": "FR"}, "ar", 5},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got := names(t, tt.query, tt.vars, tt.header)
					if len(got) < tt.atLeast {
						t.Fatalf("%d names, the demo fair has at least %d", len(got), tt.atLeast)
					}
					checkICUOrder(t, tt.lang, got)
				})
			}
			// The products of each exhibitor, loaded with the exhibitors, in the reader's order.
			for _, l := range []string{"ar", "fr"} {
				var page struct {
					Exhibitors struct {
						Edges []struct {
							Node struct {
								Products struct {
									Edges []struct{ Node struct{ Name string } }
								}
							}
						}
					}
				}
				a.ok(t, request{query: exhibitorProducts, variables: map[string]any{}, header: acceptLanguage(l)}, &page)
				for _, e := range page.Exhibitors.Edges {
					var names []string
					for _, p := range e.Node.Products.Edges {
						names = append(names, p.Node.Name)
					}
					checkICUOrder(t, l, names)
				}
			}
		})
	}
}
