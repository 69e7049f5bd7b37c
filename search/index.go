// Package search finds exhibitors, products and sessions by the words of their texts, in
// Arabic and French however they are written (i18n.SearchTokens), through the database's own
// full-text index: FTS4 on SQLite, a GIN index of tsvectors on PostgreSQL. Ent hooks keep the
// index in step inside the writing transaction; a search reads it through ent queries, so that
// the privacy rules decide what it finds as they decide everything else.
package search

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"

	"entgo.io/ent/dialect"

	"maarid/auth"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/gid"
	"maarid/i18n"
)

// document is what the index keeps of a row: its ID, and the words of its name or title and
// of its other texts, folded, each with its stems.
type document struct {
	id, names, body string
}

// words returns the index's text for texts: their folded words and the stems of each.
func words(texts ...string) string {
	var b strings.Builder
	for _, t := range texts {
		for _, w := range i18n.SearchTokens(t) {
			b.WriteString(w)
			b.WriteByte(' ')
			for _, s := range i18n.Stems(w) {
				b.WriteString(s)
				b.WriteByte(' ')
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// all returns every translation of t.
func all(t i18n.Text) []string {
	out := make([]string, 0, len(t))
	for _, l := range i18n.All {
		if v, ok := t[l]; ok {
			out = append(out, v)
		}
	}
	return out
}

// provinces names each province in the languages visitors search in.
var provinces = map[exhibitor.Province]string{
	exhibitor.ProvinceAZILAL:          "Azilal أزيلال",
	exhibitor.ProvinceBENI_MELLAL:     "Béni Mellal بني ملال",
	exhibitor.ProvinceFQUIH_BEN_SALAH: "Fquih Ben Salah الفقيه بن صالح",
	exhibitor.ProvinceKHENIFRA:        "Khénifra خنيفرة",
	exhibitor.ProvinceKHOURIBGA:       "Khouribga خريبكة",
}

func exhibitorDocument(e *ent.Exhibitor) document {
	body := append(all(e.Description), all(e.Commune)...)
	return document{e.ID, words(all(e.Name)...), words(append(body, provinces[e.Province])...)}
}

func productDocument(p *ent.Product) document {
	return document{p.ID, words(all(p.Name)...), words(append(all(p.Description), p.Labels...)...)}
}

func sessionDocument(s *ent.Session) document {
	body := all(s.Description)
	for _, t := range s.Topics {
		body = append(body, strings.ReplaceAll(t, "_", " "))
	}
	return document{s.ID, words(all(s.Title)...), words(body...)}
}

// executor runs the index's statements: a client, or a mutation inside its transaction.
type executor interface {
	RawExec(ctx context.Context, statement string, args ...any) error
	DialectName() string
}

// put writes docs into the index, in place of what it had of them.
func put(ctx context.Context, x executor, docs ...document) error {
	for _, d := range docs {
		var err error
		if x.DialectName() == dialect.Postgres {
			err = x.RawExec(ctx, `INSERT INTO search_documents (id, names, body) VALUES ($1, to_tsvector('simple', $2), to_tsvector('simple', $3))
				ON CONFLICT (id) DO UPDATE SET names = excluded.names, body = excluded.body`, d.id, d.names, d.body)
		} else {
			// ON CONFLICT (id) only: another ID of the same docid fails the write.
			err = x.RawExec(ctx, "INSERT INTO search_ids (docid, id) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", docid(d.id), d.id)
			if err == nil {
				err = x.RawExec(ctx, "DELETE FROM search_fts WHERE docid = ?", docid(d.id))
			}
			if err == nil {
				err = x.RawExec(ctx, "INSERT INTO search_fts (docid, names, body) VALUES (?, ?, ?)", docid(d.id), d.names, d.body)
			}
		}
		if err != nil {
			return fmt.Errorf("indexing %s: %w", d.id, err)
		}
	}
	return nil
}

// docid is the row of an ID in SQLite's FTS table, which finds a row quickly by its docid only
// (search_ids gives the ID of a docid): 63 bits of the ID's hash. Two IDs of one hash would
// make the second write fail on the docid's uniqueness, never share a row: at a million rows,
// one chance in ten million.
func docid(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64() >> 1)
}

// remove takes ids out of the index.
func remove(ctx context.Context, x executor, ids ...string) error {
	for _, id := range ids {
		var err error
		if x.DialectName() == dialect.Postgres {
			err = x.RawExec(ctx, "DELETE FROM search_documents WHERE id = $1", id)
		} else if err = x.RawExec(ctx, "DELETE FROM search_fts WHERE docid = ?", docid(id)); err == nil {
			err = x.RawExec(ctx, "DELETE FROM search_ids WHERE docid = ?", docid(id))
		}
		if err != nil {
			return fmt.Errorf("taking %s out of the index: %w", id, err)
		}
	}
	return nil
}

// load reads the documents of ids, all of one type, whatever the caller may see.
func load(ctx context.Context, c *ent.Client, ids []string) ([]document, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ctx = auth.System(ctx)
	var docs []document
	typ, _ := gid.Type(ids[0])
	switch typ {
	case gid.Exhibitor:
		rows, err := c.Exhibitor.Query().Where(exhibitor.IDIn(ids...)).All(ctx)
		for _, e := range rows {
			docs = append(docs, exhibitorDocument(e))
		}
		return docs, err
	case gid.Product:
		rows, err := c.Product.Query().Where(product.IDIn(ids...)).All(ctx)
		for _, p := range rows {
			docs = append(docs, productDocument(p))
		}
		return docs, err
	case gid.Session:
		rows, err := c.Session.Query().Where(session.IDIn(ids...)).All(ctx)
		for _, s := range rows {
			docs = append(docs, sessionDocument(s))
		}
		return docs, err
	}
	return nil, fmt.Errorf("%s is not searched", ids[0])
}
