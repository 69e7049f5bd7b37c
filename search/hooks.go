package search

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"maarid/auth"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/session"
)

// version is the index's: raise it when what a document holds or how it is folded changes,
// and Prepare builds the index again.
const version = 3

// Prepare creates the index of client's database if it has none, builds it again when it is
// of another version, and adds the hooks that keep it in step with every write of client.
func Prepare(ctx context.Context, client *ent.Client) error {
	// The index's tables are made by rebuild, in the shape of its version.
	if err := client.RawExec(ctx, `CREATE TABLE IF NOT EXISTS search_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("creating the search index: %w", err)
	}
	var current int
	err := client.RawQuery(ctx, "SELECT version FROM search_version", nil, func(row entsql.ColumnScanner) error {
		return row.Scan(&current)
	})
	if err != nil {
		return fmt.Errorf("reading the search index's version: %w", err)
	}
	if current != version {
		if err := rebuild(ctx, client); err != nil {
			return fmt.Errorf("building the search index: %w", err)
		}
	}
	client.Exhibitor.Use(keep)
	client.Product.Use(keep)
	client.Session.Use(keep)
	return nil
}

// rebuild indexes every exhibitor, product and session again, in one transaction.
func rebuild(ctx context.Context, client *ent.Client) error {
	ctx = auth.System(ctx)
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	err = func() error {
		statements := []string{
			"DROP TABLE IF EXISTS search_documents",
			`CREATE TABLE search_documents (id text PRIMARY KEY, kind text NOT NULL, public boolean NOT NULL,
				owner text NOT NULL, names tsvector NOT NULL, body tsvector NOT NULL)`,
			"CREATE INDEX search_documents_words ON search_documents USING gin ((names || body))",
			"DELETE FROM search_version",
		}
		if tx.DialectName() != dialect.Postgres {
			statements = []string{
				"DROP TABLE IF EXISTS search_fts",
				"DROP TABLE IF EXISTS search_ids",
				// simple: the documents hold folded words separated by spaces, and the tokenizer
				// keeps every byte above 127, so Arabic words stay whole. Prefix indexes of 2,
				// 4, … 10 bytes serve word* queries of one to ten (one to five Arabic letters),
				// each reading one index entry or a few neighbours, not every word they start.
				// The IDs are in a table of their own: a search reads only the index, never the
				// documents, and the IDs of its page only.
				`CREATE VIRTUAL TABLE search_fts USING fts4(names, body, tokenize=simple, prefix="2,4,6,8,10")`,
				`CREATE TABLE search_ids (docid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, owner TEXT NOT NULL)`,
				`CREATE INDEX search_ids_owner ON search_ids (owner)`,
				// Writes merge the index's segments as they add them, two of a level into one:
				// a search reads few segments, never the hundreds that many small writes leave.
				`INSERT INTO search_fts (search_fts) VALUES ('automerge=2')`,
				"DELETE FROM search_version",
			}
		}
		for _, s := range statements {
			if err := tx.RawExec(ctx, s); err != nil {
				return err
			}
		}
		var docs []document
		exhibitors, err := tx.Exhibitor.Query().All(ctx)
		if err != nil {
			return err
		}
		for _, e := range exhibitors {
			docs = append(docs, exhibitorDocument(e))
		}
		products, err := tx.Product.Query().All(ctx)
		if err != nil {
			return err
		}
		for _, p := range products {
			docs = append(docs, productDocument(p))
		}
		sessions, err := tx.Session.Query().All(ctx)
		if err != nil {
			return err
		}
		for _, s := range sessions {
			docs = append(docs, sessionDocument(s))
		}
		if err := put(ctx, tx, docs...); err != nil {
			return err
		}
		if err := merge(ctx, tx); err != nil {
			return err
		}
		placeholder := "?"
		if tx.DialectName() == dialect.Postgres {
			placeholder = "$1"
		}
		return tx.RawExec(ctx, "INSERT INTO search_version (version) VALUES ("+placeholder+")", version)
	}()
	if err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// merge merges the index's segments into one, after many writes at once.
func merge(ctx context.Context, x executor) error {
	if x.DialectName() == dialect.Postgres {
		return nil // a GIN index needs no merging
	}
	return x.RawExec(ctx, `INSERT INTO search_fts (search_fts) VALUES ('optimize')`)
}

// Compact makes the index as fast to search as it can be after many writes at once, such as
// an import: on SQLite it merges the index's segments into one.
func Compact(ctx context.Context, client *ent.Client) error {
	if err := merge(ctx, client); err != nil {
		return fmt.Errorf("compacting the search index: %w", err)
	}
	return nil
}

// indexed is what keep needs of the mutations of the rows it indexes.
type indexed interface {
	ent.Mutation
	executor
	IDs(ctx context.Context) ([]string, error)
	ID() (string, bool)
	Client() *ent.Client
}

// keep is the hook that writes a created or changed row into the index and takes a deleted
// one out, with the statements of the write, in its transaction: a row is found once its
// write commits, and never after its deletion does.
var keep ent.Hook = func(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		mut, ok := m.(indexed)
		if !ok {
			return nil, fmt.Errorf("search: %T is not indexed", m)
		}
		var ids []string
		if !m.Op().Is(ent.OpCreate) {
			// Before the write, which may delete them or change what selects them.
			var err error
			if ids, err = mut.IDs(auth.System(ctx)); err != nil {
				return nil, err
			}
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return v, err
		}
		if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
			return v, remove(ctx, mut, ids...)
		}
		if !m.Op().Is(ent.OpCreate) && !touchesText(m) {
			return v, nil
		}
		// A create and an update of one row answer with the row as written.
		switch row := v.(type) {
		case *ent.Exhibitor:
			return v, put(ctx, mut, exhibitorDocument(row))
		case *ent.Product:
			return v, put(ctx, mut, productDocument(row))
		case *ent.Session:
			return v, put(ctx, mut, sessionDocument(row))
		}
		docs, err := load(ctx, mut.Client(), ids)
		if err != nil {
			return v, err
		}
		return v, put(ctx, mut, docs...)
	})
}

// texts are the fields a document is made of, with those of who may see it.
var texts = map[string]bool{
	exhibitor.FieldName: true, exhibitor.FieldDescription: true, exhibitor.FieldCommune: true, exhibitor.FieldProvince: true,
	product.FieldLabels: true, product.FieldListed: true, product.FieldExhibitorID: true,
	session.FieldTitle: true, session.FieldTopics: true,
	exhibitor.FieldPublished: true, // a session's too: one name
}

// touchesText reports whether m changes a field the index holds.
func touchesText(m ent.Mutation) bool {
	for _, f := range append(m.Fields(), m.ClearedFields()...) {
		if texts[f] {
			return true
		}
	}
	return false
}
