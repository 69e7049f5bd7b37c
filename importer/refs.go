package importer

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"maarid/ent"
)

// The organisers' references of the rows they import are kept in a table of the importer's
// own, beside ent's: which row each reference made, by kind of row. It is no part of the data
// model (ent/schema), which another import format or none at all could do without, and it is
// the same on SQLite and PostgreSQL. An ID made from the reference instead would tie the
// rows' IDs to the organisers' spreadsheets, and change the ID scheme of the API.
const refsTable = `CREATE TABLE IF NOT EXISTS import_refs (
	kind text NOT NULL,
	ref text NOT NULL,
	id text NOT NULL,
	PRIMARY KEY (kind, ref)
)`

// The kinds of rows that references name.
const (
	exhibitorRefs = "exhibitor"
	productRefs   = "product"
)

// loadRefs returns the IDs of the rows of kind by their references.
func loadRefs(ctx context.Context, tx *ent.Tx, kind string) (map[string]string, error) {
	refs := map[string]string{}
	err := tx.RawQuery(ctx, "SELECT ref, id FROM import_refs WHERE kind = "+placeholder(tx, 1), []any{kind},
		func(row entsql.ColumnScanner) error {
			var ref, id string
			if err := row.Scan(&ref, &id); err != nil {
				return err
			}
			refs[ref] = id
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("reading the references of earlier imports: %w", err)
	}
	return refs, nil
}

// saveRefs records the references of the rows of kind that this import made, a few hundred
// to a statement.
func saveRefs(ctx context.Context, tx *ent.Tx, kind string, refs [][2]string) error {
	const perStatement = 300
	for len(refs) > 0 {
		batch := refs[:min(perStatement, len(refs))]
		refs = refs[len(batch):]
		var b strings.Builder
		b.WriteString("INSERT INTO import_refs (kind, ref, id) VALUES ")
		args := make([]any, 0, 3*len(batch))
		for i, r := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&b, "(%s, %s, %s)", placeholder(tx, n+1), placeholder(tx, n+2), placeholder(tx, n+3))
			args = append(args, kind, r[0], r[1])
		}
		// A reference whose row was deleted since is given the new one.
		b.WriteString(" ON CONFLICT (kind, ref) DO UPDATE SET id = excluded.id")
		if err := tx.RawExec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("recording the references: %w", err)
		}
	}
	return nil
}

// placeholder is the nth parameter of a statement in tx's dialect.
func placeholder(tx *ent.Tx, n int) string {
	if tx.DialectName() == dialect.Postgres {
		return fmt.Sprintf("$%d", n)
	}
	return "?"
}
