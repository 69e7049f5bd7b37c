package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"golang.org/x/sync/errgroup"

	"maarid"
	"maarid/auth"
	"maarid/ent"
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
		words = append(words, forms(w))
	}
	return words, nil
}

// forms are the forms a word of a query is searched as: itself and its stems, but for those
// that find nothing more than one of the others does. A form one of whose stems is among them
// finds nothing more than that stem: the index holds every word with its stems (words), so
// the words that start with الزيت have stems that start with زيت. A shorter query is matched
// and ranked sooner, and finds the same rows.
func forms(word string) []string {
	all := append([]string{word}, i18n.Stems(word)...)
	var out []string
	for _, f := range all {
		if !slices.ContainsFunc(i18n.Stems(f), func(s string) bool { return slices.Contains(all, s) }) {
			out = append(out, f)
		}
	}
	return out
}

// prefix reports whether a form matches the words it starts (olive* for olives): those of two
// letters or more; a single letter matches only itself.
func prefix(form string) bool { return utf8.RuneCountInString(form) >= 2 }

// Page is a page of what a search found.
type Page struct {
	Hits  []Hit // best first, ties in the order of their IDs' hashes on SQLite, of their IDs on PostgreSQL
	Total int   // the rows found in all
	More  bool  // whether more rows follow the page
}

// Find returns the first rows, after the hit after (none: from the start), of those of kinds
// (none: every kind) that query finds and the caller may see, best first. Every word of the
// query must match, as a word or the start of one, in any text of the row.
//
// The rows found are never read one by one: the index keeps who may see each row (document),
// and the database ranks them and returns the page's. Two statements, run side by side, give
// the page and the count; the count, which needs no ranking, takes half as long.
func Find(ctx context.Context, client *ent.Client, query string, kinds []Kind, first int, after *Hit) (*Page, error) {
	words, err := parse(query)
	if err != nil {
		return nil, err
	}
	for _, k := range kinds {
		if !slices.Contains(Kinds, k) {
			return nil, maarid.Invalid("types", "%q is not a kind a search finds", k)
		}
	}
	if first < 0 {
		return nil, maarid.Invalid("first", "is %d; a page has zero rows or more", first)
	}
	page := &Page{}
	if len(words) == 0 {
		return page, nil
	}
	postgres := client.DialectName() == dialect.Postgres
	viewer := auth.FromContext(ctx)
	ranked, count := &statement{postgres: postgres}, &statement{postgres: postgres}
	ranked.page(words, kinds, viewer, first+1, after)
	count.text = "SELECT count(*) FROM " + count.rows(words, kinds, viewer)
	var g errgroup.Group
	g.Go(func() error {
		return client.RawQuery(ctx, count.text, count.args, func(row sql.ColumnScanner) error { return row.Scan(&page.Total) })
	})
	err = client.RawQuery(ctx, ranked.text, ranked.args, func(row sql.ColumnScanner) error {
		var h Hit
		if err := row.Scan(&h.ID, &h.Score); err != nil {
			return err
		}
		page.Hits = append(page.Hits, h)
		return nil
	})
	if err := cmp.Or(err, g.Wait()); err != nil {
		return nil, fmt.Errorf("searching: %w", err)
	}
	if len(page.Hits) > first {
		page.Hits, page.More = page.Hits[:first], true
	}
	return page, nil
}

// statement is a query being written, with its arguments.
type statement struct {
	postgres bool
	text     string
	args     []any
}

// arg adds an argument, and returns its placeholder.
func (q *statement) arg(v any) string {
	q.args = append(q.args, v)
	if q.postgres {
		return "$" + strconv.Itoa(len(q.args))
	}
	return "?"
}

// rows is the FROM and WHERE of the rows that words find among kinds and v may see: of the
// full-text table on SQLite, of search_documents on PostgreSQL.
func (q *statement) rows(words [][]string, kinds []Kind, v *auth.Viewer) string {
	all, own := v.Unpublished()
	var where strings.Builder
	if q.postgres {
		where.WriteString("search_documents WHERE (names || body) @@ to_tsquery('simple', " + q.arg(postgresQuery(words, true)) + ")")
		if len(kinds) > 0 {
			names := make([]string, len(kinds))
			for i, k := range kinds {
				names[i] = q.arg(string(k))
			}
			where.WriteString(" AND kind IN (" + strings.Join(names, ", ") + ")")
		}
		if !all {
			where.WriteString(" AND (public")
			if own != "" {
				where.WriteString(" OR owner = " + q.arg(own))
			}
			where.WriteString(")")
		}
		return where.String()
	}
	where.WriteString("search_fts WHERE search_fts MATCH " + q.arg(sqliteMatch(words)))
	if len(kinds) > 0 {
		numbers := make([]string, len(kinds))
		for i, k := range kinds {
			numbers[i] = strconv.FormatInt(kindNumber(k), 10)
		}
		where.WriteString(" AND docid >> " + strconv.Itoa(kindShift) + " IN (" + strings.Join(numbers, ", ") + ")")
	}
	if !all {
		where.WriteString(" AND (docid & " + strconv.FormatInt(publicBit, 10) + " != 0")
		if own != "" {
			where.WriteString(" OR docid IN (SELECT docid FROM search_ids WHERE owner = " + q.arg(own) + ")")
		}
		where.WriteString(")")
	}
	return where.String()
}

// page writes the query of the first rows after after, best first: their IDs and scores.
func (q *statement) page(words [][]string, kinds []Kind, v *auth.Viewer, first int, after *Hit) {
	// Each row found with its key k (its docid on SQLite, its ID on PostgreSQL) and its score.
	// On SQLite, LIMIT -1 (no limit) keeps the match from being merged into the score's
	// query, which would compute matchinfo once for each of the score's terms, not once a row.
	found, tie, id := "", "k", "k"
	if q.postgres {
		found = "SELECT id AS k, " + q.postgresScore(words) + " AS score FROM " + q.rows(words, kinds, v)
	} else {
		found = "SELECT docid AS k, " + sqliteScore(words) + " AS score FROM " +
			"(SELECT docid, matchinfo(search_fts, 'y') AS mi FROM " + q.rows(words, kinds, v) + " LIMIT -1)"
		tie, id = "k & "+strconv.FormatInt(hashBits, 10), "search_ids.id"
	}
	behind := ""
	if after != nil {
		var key any = after.ID
		if !q.postgres {
			key = hash(after.ID)
		}
		behind = " WHERE score < " + q.arg(after.Score) + " OR score = " + q.arg(after.Score) + " AND " + tie + " > " + q.arg(key)
	}
	q.text = "SELECT " + id + ", score FROM (SELECT k, score FROM (" + found + ") AS found" + behind +
		" ORDER BY score DESC, " + tie + " LIMIT " + q.arg(first) + ") AS page"
	if !q.postgres {
		q.text += " JOIN search_ids ON search_ids.docid = page.k"
	}
	q.text += " ORDER BY score DESC, " + tie
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

// sqliteScore is the score of a row in SQL, from its matchinfo 'y' (mi): a 32-bit count of
// hits for each phrase and column, phrases in the order of the query (sqliteMatch). A word
// scores by the best place any of its forms matched.
func sqliteScore(words [][]string) string {
	hit := func(phrases []int, column int) string {
		parts := make([]string, len(phrases))
		for i, p := range phrases {
			parts[i] = "substr(mi, " + strconv.Itoa(4*(p*ftsColumns+column)+1) + ", 4) != x'00000000'"
		}
		return strings.Join(parts, " OR ")
	}
	var score []string
	phrase := 0
	for _, forms := range words {
		var whole, start []int
		for range forms {
			whole, start = append(whole, phrase), append(start, phrase+1)
			phrase += 2
		}
		score = append(score, "CASE WHEN "+hit(whole, ftsNames)+" THEN "+strconv.Itoa(namePoints)+
			" WHEN "+hit(start, ftsNames)+" THEN "+strconv.Itoa(namePrefixPoints)+
			" WHEN "+hit(whole, ftsBody)+" THEN "+strconv.Itoa(bodyPoints)+
			" ELSE "+strconv.Itoa(bodyPrefixPoints)+" END")
	}
	return "(" + strings.Join(score, " + ") + ")"
}

// postgresQuery is words as a tsquery, each word as any of its forms, with their starts when
// prefixes. tsquery reads & | ( ) : * ! < > and quotes as operators; a form is letters and
// digits only (i18n.SearchTokens).
func postgresQuery(words [][]string, prefixes bool) string {
	all := make([]string, len(words))
	for i, forms := range words {
		all[i] = postgresForms(forms, prefixes)
	}
	return strings.Join(all, " & ")
}

func postgresForms(forms []string, prefixes bool) string {
	parts := make([]string, len(forms))
	for i, f := range forms {
		parts[i] = f
		if prefixes && prefix(f) {
			parts[i] += ":*"
		}
	}
	return "(" + strings.Join(parts, " | ") + ")"
}

// postgresScore is the score of a row in SQL, each word by the best place it matched.
func (q *statement) postgresScore(words [][]string) string {
	score := make([]string, len(words))
	for i, forms := range words {
		whole, start := q.arg(postgresForms(forms, false)), q.arg(postgresForms(forms, true))
		score[i] = "CASE WHEN names @@ to_tsquery('simple', " + whole + ") THEN " + strconv.Itoa(namePoints) +
			" WHEN names @@ to_tsquery('simple', " + start + ") THEN " + strconv.Itoa(namePrefixPoints) +
			" WHEN body @@ to_tsquery('simple', " + whole + ") THEN " + strconv.Itoa(bodyPoints) +
			" ELSE " + strconv.Itoa(bodyPrefixPoints) + " END"
	}
	return "(" + strings.Join(score, " + ") + ")"
}
