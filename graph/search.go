package graph

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/contrib/entgql"

	"maarid"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/gid"
	"maarid/search"
)

// searchPage is the page of what query finds that first and after ask for. A cursor holds a
// hit's score and ID, its place in the search's order.
func searchPage(ctx context.Context, client *ent.Client, query string, types []search.Kind, first *int, after *entgql.Cursor[string]) (*SearchResultConnection, error) {
	var from *search.Hit
	if after != nil {
		score, id, err := parseSearchCursor(after.ID)
		if err != nil {
			return nil, err
		}
		from = &search.Hit{Score: score, ID: id}
	}
	size := 10
	if first != nil {
		size = *first
	}
	found, err := search.Find(ctx, client, query, types, size, from)
	if err != nil {
		return nil, err
	}
	page := found.Hits
	conn := &SearchResultConnection{
		TotalCount: found.Total,
		PageInfo:   &entgql.PageInfo[string]{HasNextPage: found.More, HasPreviousPage: after != nil},
		Edges:      make([]*SearchResultEdge, 0, len(page)),
	}
	if len(page) == 0 {
		return conn, nil
	}
	byType := map[string][]string{}
	for _, h := range page {
		typ, _ := gid.Type(h.ID)
		byType[typ] = append(byType[typ], h.ID)
	}
	// The rows as the caller may see them, in one query per type found; one deleted since the
	// search ran is left out.
	nodes := map[string]ent.Noder{}
	if ids := byType[gid.Exhibitor]; len(ids) > 0 {
		exhibitors, err := client.Exhibitor.Query().Where(exhibitor.IDIn(ids...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range exhibitors {
			nodes[e.ID] = e
		}
	}
	if ids := byType[gid.Product]; len(ids) > 0 {
		products, err := client.Product.Query().Where(product.IDIn(ids...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range products {
			nodes[p.ID] = p
		}
	}
	if ids := byType[gid.Session]; len(ids) > 0 {
		sessions, err := client.Session.Query().Where(session.IDIn(ids...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range sessions {
			nodes[s.ID] = s
		}
	}
	for _, h := range page {
		node, ok := nodes[h.ID]
		if !ok {
			continue
		}
		cursor := entgql.Cursor[string]{ID: strconv.Itoa(h.Score) + ":" + h.ID}
		conn.Edges = append(conn.Edges, &SearchResultEdge{Node: node, Cursor: cursor})
	}
	cursors := make([]*entgql.Cursor[string], len(conn.Edges))
	for i, e := range conn.Edges {
		cursors[i] = &e.Cursor
	}
	withCursors(conn.PageInfo, cursors...)
	return conn, nil
}

// parseSearchCursor reads a search's cursor.
func parseSearchCursor(c string) (int, string, error) {
	s, id, ok := strings.Cut(c, ":")
	score, err := strconv.Atoi(s)
	if !ok || err != nil || id == "" {
		return 0, "", maarid.Invalid("after", "is not a cursor of this search: %s", fmt.Sprintf("%.40q", c))
	}
	return score, id, nil
}
