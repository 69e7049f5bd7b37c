package graph

import (
	"context"

	"entgo.io/contrib/entgql"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/i18n"
)

// gap is a row and the fields it lacks in a language.
type gap struct {
	node   ent.Noder
	id     string
	fields []string
}

// field is a localized field of a row.
type field struct {
	name string
	text i18n.Text
}

// missing returns the names of the fields that have a translation but none in l.
func missing(l i18n.Lang, fields ...field) []string {
	var out []string
	for _, f := range fields {
		if _, ok := f.text[l]; !ok && len(f.text) > 0 {
			out = append(out, f.name)
		}
	}
	return out
}

// translationGaps lists the exhibitors, products and sessions with a text in some language but
// not in l, exhibitors first, then products, then sessions, each by ID; a cursor holds the ID.
func translationGaps(ctx context.Context, client *ent.Client, l i18n.Lang, first *int, after *entgql.Cursor[string]) (*TranslationGapConnection, error) {
	if auth.FromContext(ctx).Role != auth.Organiser {
		return nil, maarid.Errorf(maarid.Forbidden, "only organisers read the missing translations")
	}
	var gaps []gap
	exhibitors, err := client.Exhibitor.Query().Order(exhibitor.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range exhibitors {
		if f := missing(l, field{"name", e.Name}, field{"description", e.Description}, field{"commune", e.Commune}); len(f) > 0 {
			gaps = append(gaps, gap{e, e.ID, f})
		}
	}
	products, err := client.Product.Query().Order(product.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range products {
		if f := missing(l, field{"name", p.Name}, field{"description", p.Description}); len(f) > 0 {
			gaps = append(gaps, gap{p, p.ID, f})
		}
	}
	sessions, err := client.Session.Query().Order(session.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range sessions {
		if f := missing(l, field{"title", s.Title}, field{"description", s.Description}); len(f) > 0 {
			gaps = append(gaps, gap{s, s.ID, f})
		}
	}

	start := 0
	if after != nil {
		for start < len(gaps) && gaps[start].id != after.ID {
			start++
		}
		if start == len(gaps) {
			return nil, maarid.Invalid("after", "is not a cursor of this list")
		}
		start++
	}
	end, info := listPage(len(gaps), start, first, 20)
	conn := &TranslationGapConnection{
		TotalCount: len(gaps),
		PageInfo:   info,
		Edges:      make([]*TranslationGapEdge, 0, end-start),
	}
	for _, g := range gaps[start:end] {
		conn.Edges = append(conn.Edges, &TranslationGapEdge{
			Node:   &TranslationGap{Node: g.node, Fields: g.fields},
			Cursor: entgql.Cursor[string]{ID: g.id},
		})
	}
	cursors := make([]*entgql.Cursor[string], len(conn.Edges))
	for i, e := range conn.Edges {
		cursors[i] = &e.Cursor
	}
	withCursors(conn.PageInfo, cursors...)
	return conn, nil
}
