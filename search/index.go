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
	"slices"
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

// document is what the index keeps of a row: its ID and kind, who may see it, and the words
// of its name or title and of its other texts, folded, each with its stems.
//
// Who may see it is the row's own, as stored, as auth.Viewer's Visible… predicates decide it:
// public is whether everyone may (published; for a product, listed), owner the exhibitor whose
// key may see it unpublished too. The search filters by them in the index (visibleIn), where
// reading each row found would cost more than the search; the page's rows are then read
// through the privacy rules like any other.
type document struct {
	id          string
	kind        Kind
	public      bool
	owner       string
	names, body string
}

// words returns the index's text for texts: their folded words and the stems of each, each
// once, since a search asks only whether a text has a word.
func words(texts ...string) string {
	var b strings.Builder
	seen := map[string]bool{}
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			b.WriteString(w)
			b.WriteByte(' ')
		}
	}
	for _, t := range texts {
		for _, w := range i18n.SearchTokens(t) {
			add(w)
			for _, s := range i18n.Stems(w) {
				add(s)
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
	return document{
		id: e.ID, kind: Exhibitors, public: e.Published, owner: e.ID,
		names: words(all(e.Name)...), body: words(append(body, provinces[e.Province])...),
	}
}

func productDocument(p *ent.Product) document {
	return document{
		id: p.ID, kind: Products, public: p.Listed, owner: p.ExhibitorID,
		names: words(all(p.Name)...), body: words(append(all(p.Description), p.Labels...)...),
	}
}

func sessionDocument(s *ent.Session) document {
	body := all(s.Description)
	for _, t := range s.Topics {
		body = append(body, strings.ReplaceAll(t, "_", " "))
	}
	return document{id: s.ID, kind: Sessions, public: s.Published, names: words(all(s.Title)...), body: words(body...)}
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
			err = x.RawExec(ctx, `INSERT INTO search_documents (id, kind, public, owner, names, body)
				VALUES ($1, $2, $3, $4, to_tsvector('simple', $5), to_tsvector('simple', $6))
				ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, public = excluded.public, owner = excluded.owner,
				names = excluded.names, body = excluded.body`, d.id, d.kind, d.public, d.owner, d.names, d.body)
		} else {
			// The row's docid changes with who may see it: the row moves.
			err = remove(ctx, x, d.id)
			if err == nil {
				err = x.RawExec(ctx, "INSERT INTO search_ids (docid, id, owner) VALUES (?, ?, ?)", d.docid(), d.id, d.owner)
			}
			if err == nil {
				err = x.RawExec(ctx, "INSERT INTO search_fts (docid, names, body) VALUES (?, ?, ?)", d.docid(), d.names, d.body)
			}
		}
		if err != nil {
			return fmt.Errorf("indexing %s: %w", d.id, err)
		}
	}
	return nil
}

// A docid, the row of a document in SQLite's FTS table, says what a search filters by without
// reading any other table: the document's kind in bits 61–62, whether it is public in bit 60,
// and 60 bits of its ID's hash below, which order the ties of a search's ranking (search_ids
// gives the ID of a docid). Two IDs of one hash would make the second write fail on the
// docid's uniqueness, never share a row: at a million rows, one chance in a million.
const (
	kindShift = 61
	publicBit = int64(1) << 60
	hashBits  = publicBit - 1
)

// kindNumber is the number of a kind in a docid: 1, 2 or 3.
func kindNumber(k Kind) int64 { return int64(slices.Index(Kinds, k) + 1) }

// hash is the part of a docid that the ID alone decides.
func hash(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64()) & hashBits
}

func (d document) docid() int64 {
	n := kindNumber(d.kind)<<kindShift | hash(d.id)
	if d.public {
		n |= publicBit
	}
	return n
}

// remove takes ids out of the index.
func remove(ctx context.Context, x executor, ids ...string) error {
	for _, id := range ids {
		var err error
		if x.DialectName() == dialect.Postgres {
			err = x.RawExec(ctx, "DELETE FROM search_documents WHERE id = $1", id)
		} else if err = x.RawExec(ctx, "DELETE FROM search_fts WHERE docid = (SELECT docid FROM search_ids WHERE id = ?)", id); err == nil {
			err = x.RawExec(ctx, "DELETE FROM search_ids WHERE id = ?", id)
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
