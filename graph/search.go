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
	"maarid/search"
)

// searchPage is the page of hits that first and after ask for. A cursor holds a hit's score
// and ID, its place in an order of score then ID.
func searchPage(ctx context.Context, client *ent.Client, hits []search.Hit, first *int, after *entgql.Cursor[string]) (*SearchResultConnection, error) {
	start := 0
	if after != nil {
		score, id, err := parseSearchCursor(after.ID)
		if err != nil {
			return nil, err
		}
		for start < len(hits) && (hits[start].Score > score || hits[start].Score == score && hits[start].ID <= id) {
			start++
		}
	}
	end, info := listPage(len(hits), start, first, 10)
	page := hits[start:end]
	conn := &SearchResultConnection{
		TotalCount: len(hits),
		PageInfo:   info,
		Edges:      make([]*SearchResultEdge, 0, len(page)),
	}
	if len(page) == 0 {
		return conn, nil
	}
	ids := make([]string, len(page))
	for i, h := range page {
		ids[i] = h.ID
	}
	// The rows as the caller may see them, in one query per type; one deleted since the search
	// ran is left out.
	nodes := map[string]ent.Noder{}
	exhibitors, err := client.Exhibitor.Query().Where(exhibitor.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range exhibitors {
		nodes[e.ID] = e
	}
	products, err := client.Product.Query().Where(product.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range products {
		nodes[p.ID] = p
	}
	sessions, err := client.Session.Query().Where(session.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range sessions {
		nodes[s.ID] = s
	}
	for i, id := range ids {
		node, ok := nodes[id]
		if !ok {
			continue
		}
		cursor := entgql.Cursor[string]{ID: strconv.Itoa(page[i].Score) + ":" + page[i].ID}
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
