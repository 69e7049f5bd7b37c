package search_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"maarid/demo"
	"maarid/search"
	"maarid/store"
	"maarid/store/storetest"
)

// recorder keeps the queries sent to the database that match the full-text index.
type recorder struct {
	dialect.Driver
	mu      sync.Mutex
	queries []struct {
		query string
		args  []any
	}
}

func (r *recorder) Query(ctx context.Context, query string, args, v any) error {
	if strings.Contains(query, "MATCH") {
		r.mu.Lock()
		a, _ := args.([]any)
		r.queries = append(r.queries, struct {
			query string
			args  []any
		}{query, a})
		r.mu.Unlock()
	}
	return r.Driver.Query(ctx, query, args, v)
}

// TestSearchStartsFromTheIndex asks SQLite how it runs the queries of a search that match the
// full-text index, over the demo fair and a few thousand more products: one query, starting
// from the index — never from the rows, running the match once for each, as a join of the
// rows with the index may be planned (seconds instead of milliseconds).
func TestSearchStartsFromTheIndex(t *testing.T) {
	rec := &recorder{}
	c := storetest.Open(t, "sqlite", store.WithDriver(func(d dialect.Driver) dialect.Driver { rec.Driver = d; return rec }))
	if _, err := demo.Seed(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedCatalogue(context.Background(), c, 3000); err != nil {
		t.Fatal(err)
	}
	if _, err := search.Find(anonymous(), c, "huile d'olive", nil); err != nil {
		t.Fatal(err)
	}
	if len(rec.queries) != 1 {
		t.Fatalf("%d queries of the index, want one", len(rec.queries))
	}
	for _, q := range rec.queries {
		var plan []string
		err := c.RawQuery(context.Background(), "EXPLAIN QUERY PLAN "+q.query, q.args, func(row entsql.ColumnScanner) error {
			var id, parent, unused int
			var detail string
			if err := row.Scan(&id, &parent, &unused, &detail); err != nil {
				return err
			}
			plan = append(plan, detail)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan) == 0 || !strings.Contains(plan[0], "VIRTUAL TABLE") {
			t.Errorf("the search starts from %q, not from the index:\n%s\n%s", plan, q.query, strings.Join(plan, "\n"))
		}
	}
}
