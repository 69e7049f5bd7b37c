package search_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"maarid/auth"
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

// TestSearchStartsFromTheIndex asks SQLite how it runs the query of a search, as a visitor and
// as an exhibitor, over the demo fair and a few thousand more products: two queries, the page
// and the count, each of which matches the full-text index once and reads no table whole — neither the rows, running the
// match once for each, as a join of the rows with the index may be planned (seconds instead
// of milliseconds), nor the IDs, which it reads for the page only.
func TestSearchStartsFromTheIndex(t *testing.T) {
	rec := &recorder{}
	c := storetest.Open(t, "sqlite", store.WithDriver(func(d dialect.Driver) dialect.Driver { rec.Driver = d; return rec }))
	if _, err := demo.Seed(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedCatalogue(context.Background(), c, 3000); err != nil {
		t.Fatal(err)
	}
	ex, err := c.Exhibitor.Query().First(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	owner := auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Exhibitor, ExhibitorID: ex.ID})
	for _, ctx := range []context.Context{anonymous(), owner} {
		if _, err := search.Find(ctx, c, "huile d'olive", nil, 10, nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.queries) != 4 {
		t.Fatalf("%d queries of the index, want two a search: the page and the count", len(rec.queries))
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
		matches := 0
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN search_fts VIRTUAL TABLE INDEX") {
				matches++
			} else if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN (subquery") &&
				!slices.Contains([]string{"SCAN found", "SCAN counted", "SCAN page"}, step) {
				t.Errorf("the search reads a table whole (%s):\n%s\n%s", step, q.query, strings.Join(plan, "\n"))
			}
		}
		if matches != 1 {
			t.Errorf("the search matches the index %d times:\n%s\n%s", matches, q.query, strings.Join(plan, "\n"))
		}
	}
}
