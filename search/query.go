package search

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"maarid"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/gid"
	"maarid/i18n"
)

// Kind is what a search finds.
type Kind string

const (
	Exhibitors Kind = "EXHIBITOR"
	Products   Kind = "PRODUCT"
	Sessions   Kind = "SESSION"
)

// Kinds are every kind a search finds, in the order of its ties.
var Kinds = []Kind{Exhibitors, Products, Sessions}

// Limits of a query.
const (
	MaxQueryRunes = 200 // a longer query is refused
	MaxWords      = 8   // words past these are not searched
)

// Hit is a row a search found, and how well it matched.
type Hit struct {
	ID    string
	Score int
}

// Points of a word by where it matched, the best place counting: a whole word of a name or a
// title above the start of one, both above the other texts of the row.
const (
	namePoints       = 4
	namePrefixPoints = 3
	bodyPoints       = 2
	bodyPrefixPoints = 1
)

// parse reads a query into its words, each with the forms it matches as (itself and its
// stems). A query of punctuation alone has no word, and finds nothing.
func parse(query string) ([][]string, error) {
	if strings.TrimSpace(query) == "" {
		return nil, maarid.Invalid("query", "is empty: type a word to search for")
	}
	if n := utf8.RuneCountInString(query); n > MaxQueryRunes {
		return nil, maarid.Invalid("query", "is %d characters long; a search takes at most %d", n, MaxQueryRunes)
	}
	var words [][]string
	seen := map[string]bool{}
	for _, w := range i18n.SearchTokens(query) {
		if seen[w] || len(words) == MaxWords {
			continue
		}
		seen[w] = true
		words = append(words, append([]string{w}, i18n.Stems(w)...))
	}
	return words, nil
}

// prefix reports whether a form matches the words it starts (olive* for olives): those of two
// letters or more; a single letter matches only itself.
func prefix(form string) bool { return utf8.RuneCountInString(form) >= 2 }

// Find returns the rows of kinds that query finds and the caller may see, best first (ties
// by ID). Every word of the query must match, as a word or the start of one, in any text of
// the row.
func Find(ctx context.Context, client *ent.Client, query string, kinds []Kind) ([]Hit, error) {
	words, err := parse(query)
	if err != nil || len(words) == 0 {
		return nil, err
	}
	if len(kinds) == 0 {
		kinds = Kinds
	}
	for _, k := range kinds {
		if !slices.Contains(Kinds, k) {
			return nil, maarid.Invalid("types", "%q is not a kind a search finds", k)
		}
	}
	var hits []Hit
	if client.DialectName() == dialect.Postgres {
		hits, err = findPostgres(ctx, client, words, kinds)
	} else {
		hits, err = findSQLite(ctx, client, words, kinds)
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID))
	})
	return hits, nil
}

// kindOf maps the type of a global ID to the kind a search finds it as.
var kindOf = map[string]Kind{gid.Exhibitor: Exhibitors, gid.Product: Products, gid.Session: Sessions}

// idsPerQuery bounds the IDs one query of the privacy rules reads, under SQLite's limit of
// bound values.
const idsPerQuery = 10_000

// findSQLite matches the query once against the whole index, scoring every row it finds,
// then keeps those of kinds that the privacy rules let the caller see: one query of the rows
// of each kind found, by their IDs.
func findSQLite(ctx context.Context, client *ent.Client, words [][]string, kinds []Kind) ([]Hit, error) {
	scores := map[Kind]map[string]int{}
	err := client.RawQuery(ctx, "SELECT search_ids.id, matchinfo(search_fts, 'y') FROM search_fts "+
		"JOIN search_ids ON search_ids.docid = search_fts.docid WHERE search_fts MATCH ?", []any{sqliteMatch(words)},
		func(row sql.ColumnScanner) error {
			var id string
			var matches []byte
			if err := row.Scan(&id, &matches); err != nil {
				return err
			}
			typ, _ := gid.Type(id)
			if k, ok := kindOf[typ]; ok && slices.Contains(kinds, k) {
				if scores[k] == nil {
					scores[k] = map[string]int{}
				}
				scores[k][id] = scoreMatches(words, matches)
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("searching: %w", err)
	}
	var hits []Hit
	for _, k := range Kinds {
		found := slices.Sorted(maps.Keys(scores[k]))
		for len(found) > 0 {
			chunk := found[:min(len(found), idsPerQuery)]
			found = found[len(chunk):]
			var visible []string
			switch k {
			case Exhibitors:
				visible, err = client.Exhibitor.Query().Where(exhibitor.IDIn(chunk...)).IDs(ctx)
			case Products:
				visible, err = client.Product.Query().Where(product.IDIn(chunk...)).IDs(ctx)
			case Sessions:
				visible, err = client.Session.Query().Where(session.IDIn(chunk...)).IDs(ctx)
			}
			if err != nil {
				return nil, fmt.Errorf("searching the %s: %w", strings.ToLower(string(k)), err)
			}
			for _, id := range visible {
				hits = append(hits, Hit{ID: id, Score: scores[k][id]})
			}
		}
	}
	return hits, nil
}

// findPostgres matches and scores the rows of each kind in one query, the privacy rules with
// them.
func findPostgres(ctx context.Context, client *ent.Client, words [][]string, kinds []Kind) ([]Hit, error) {
	modify := postgresQuery(words)
	var hits []Hit
	for _, k := range slices.Compact(slices.Sorted(slices.Values(kinds))) {
		var rows []struct {
			ID    string `sql:"id"`
			Score int    `sql:"score"`
		}
		var err error
		switch k {
		case Exhibitors:
			err = client.Exhibitor.Query().Modify(modify).Scan(ctx, &rows)
		case Products:
			err = client.Product.Query().Modify(modify).Scan(ctx, &rows)
		case Sessions:
			err = client.Session.Query().Modify(modify).Scan(ctx, &rows)
		}
		if err != nil {
			return nil, fmt.Errorf("searching the %s: %w", strings.ToLower(string(k)), err)
		}
		for _, r := range rows {
			hits = append(hits, Hit{ID: r.ID, Score: r.Score})
		}
	}
	return hits, nil
}

// sqliteMatch is the query in FTS4's syntax: every word, as any of its forms, each form as
// two phrases, the whole word and its start, whose hits matchinfo 'y' counts for scoreMatches.
func sqliteMatch(words [][]string) string {
	var match strings.Builder
	for i, forms := range words {
		if i > 0 {
			match.WriteByte(' ')
		}
		match.WriteByte('(')
		for j, f := range forms {
			if j > 0 {
				match.WriteString(" OR ")
			}
			// A form is letters and digits only (i18n.SearchTokens): never an operator of
			// FTS's syntax, whose operators are in upper case.
			start := f + "*"
			if !prefix(f) {
				start = f // a single letter is searched whole, twice to keep the phrases' count
			}
			match.WriteString(f + " OR " + start)
		}
		match.WriteByte(')')
	}
	return match.String()
}

// The columns of search_fts.
const (
	ftsNames = iota
	ftsBody
	ftsColumns
)

// scoreMatches scores a row from its matchinfo 'y': a 32-bit count of hits for each phrase
// and column, phrases in the order of the query (sqliteQuery).
func scoreMatches(words [][]string, matches []byte) int {
	hits := func(phrase, column int) bool {
		i := 4 * (phrase*ftsColumns + column)
		return i+4 <= len(matches) && binary.NativeEndian.Uint32(matches[i:]) > 0
	}
	total, phrase := 0, 0
	for _, forms := range words {
		best := 0
		for range forms {
			whole, start := phrase, phrase+1
			switch {
			case hits(whole, ftsNames):
				best = max(best, namePoints)
			case hits(start, ftsNames):
				best = max(best, namePrefixPoints)
			case hits(whole, ftsBody):
				best = max(best, bodyPoints)
			case hits(start, ftsBody):
				best = max(best, bodyPrefixPoints)
			}
			phrase += 2
		}
		total += best
	}
	return total
}

// postgresQuery selects the rows whose document in search_documents has every word, with
// their score, computed by PostgreSQL.
func postgresQuery(words [][]string) func(*sql.Selector) {
	// tsquery takes & | ( ) : * ! < > and quotes as operators; a form is letters and digits.
	query := func(forms []string, prefixes bool) string {
		parts := make([]string, len(forms))
		for i, f := range forms {
			parts[i] = f
			if prefixes && prefix(f) {
				parts[i] += ":*"
			}
		}
		return "(" + strings.Join(parts, " | ") + ")"
	}
	all := make([]string, len(words))
	for i, forms := range words {
		all[i] = query(forms, true)
	}
	return func(s *sql.Selector) {
		t := sql.Table("search_documents")
		s.Join(t).On(s.C("id"), t.C("id"))
		s.Where(sql.P(func(b *sql.Builder) {
			b.WriteString("(" + t.C("names") + " || " + t.C("body") + ") @@ to_tsquery('simple', ").Arg(strings.Join(all, " & ")).WriteString(")")
		}))
		s.Select(s.C("id"))
		s.AppendSelectExprAs(sql.ExprFunc(func(b *sql.Builder) {
			for i, forms := range words {
				if i > 0 {
					b.WriteString(" + ")
				}
				whole, start := query(forms, false), query(forms, true)
				b.WriteString("CASE WHEN " + t.C("names") + " @@ to_tsquery('simple', ").Arg(whole).
					WriteString(") THEN " + strconv.Itoa(namePoints) + " WHEN " + t.C("names") + " @@ to_tsquery('simple', ").Arg(start).
					WriteString(") THEN " + strconv.Itoa(namePrefixPoints) + " WHEN " + t.C("body") + " @@ to_tsquery('simple', ").Arg(whole).
					WriteString(") THEN " + strconv.Itoa(bodyPoints) + " ELSE " + strconv.Itoa(bodyPrefixPoints) + " END")
			}
		}), "score")
	}
}
