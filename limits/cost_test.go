package limits_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"maarid/graph"
	"maarid/limits"
)

var schema = graph.NewExecutableSchema(graph.Config{}).Schema()

func operation(t testing.TB, query string) *ast.OperationDefinition {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(schema, query)
	if errs != nil {
		t.Fatalf("%s: %v", query, errs)
	}
	return doc.Operations[0]
}

func TestCost(t *testing.T) {
	const page = `{ totalCount edges { node { id name exhibitor { id stands { code } } } } }`
	// A node: id, name, exhibitor (1 + id + stands (1 + ListItems × code)) = 15, as its edge's
	// node 16, the edge 17; with totalCount, 18 for each product asked.
	tests := []struct {
		name, query string
		variables   string
		cost        int
	}{
		{"a page of 24", `{ products(first: 24) ` + page + ` }`, ``, 1 + 24*18},
		{"the page from a variable", `query($n: Int) { products(first: $n) ` + page + ` }`, `{"n": 5}`, 1 + 5*18},
		{"backwards", `{ products(last: 3) ` + page + ` }`, ``, 1 + 3*18},
		{"a count", `{ products { totalCount } }`, ``, 2},
		// The page's fields, and each change's (cursor, kind, node and its id), once a change.
		{"a page of the catalogue's log", `{ catalogueChanges(since: "0", first: 200) { cursor hasMore changes { cursor kind node { id } } } }`, ``, 1 + 200*(1+1+1+1*(1+1+1+1))},
		{"the same fragment twice", `{ a: products(first: 2) { ...P } b: products(first: 2) { ...P } } fragment P on ProductConnection ` + page, ``, 2 * (1 + 2*18)},
		{"introspection, its lists counted once",
			`{ __schema { types { name fields { name args { name type { name ofType { name } } } type { name ofType { name } } } } } }`,
			``, 15},
		{"connections in connections",
			`{ exhibitors(first: 100) { edges { node { products(first: 100) { edges { node { exhibitor { products(first: 100) { totalCount } } } } } } } } }`,
			``, 1 + 100*(1+1*(1+1*(1+100*(1+1*(1+1*(1+1*(1+100*1))))))),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var vars map[string]any
			if tt.variables != "" {
				dec := json.NewDecoder(strings.NewReader(tt.variables))
				dec.UseNumber()
				if err := dec.Decode(&vars); err != nil {
					t.Fatal(err)
				}
			}
			if got := limits.Cost(operation(t, tt.query), vars); got != tt.cost {
				t.Errorf("cost %d, want %d", got, tt.cost)
			}
		})
	}
	// 174 bytes that once asked for 10^8 sessions.
	deep := `{ sessions(first: 100) { edges { node { fair { sessions(first: 100) { edges { node { fair { sessions(first: 100) { edges { node { fair { sessions(first: 100) { totalCount } } } } } } } } } } } } } }`
	if got := limits.Cost(operation(t, deep), nil); got < 100*100*100 {
		t.Errorf("four nested pages of 100 cost %d", got)
	}
}

func FuzzCost(f *testing.F) {
	f.Add(`{ products(first: 24) { totalCount edges { node { id name } } } }`, `{"n": 3}`)
	f.Add(`query($n: Int) { exhibitors(first: $n) { edges { node { stands { code } } } } }`, `{"n": 99999999999}`)
	f.Fuzz(func(t *testing.T, query, variables string) {
		doc, errs := gqlparser.LoadQuery(schema, query)
		if errs != nil || len(doc.Operations) == 0 {
			return
		}
		var vars map[string]any
		json.Unmarshal([]byte(variables), &vars)
		if c := limits.Cost(doc.Operations[0], vars); c < 0 {
			t.Errorf("cost %d", c)
		}
	})
}
