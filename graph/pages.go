package graph

import "entgo.io/contrib/entgql"

// listPage is the end of the page of a list in memory of total items that starts at start and
// has first items (def when first is nil), and the page's PageInfo, its cursors set by
// withCursors.
func listPage(total, start int, first *int, def int) (end int, info *entgql.PageInfo[string]) {
	n := def
	if first != nil {
		n = *first
	}
	end = min(total, start+n)
	return end, &entgql.PageInfo[string]{HasNextPage: end < total, HasPreviousPage: start > 0}
}

// withCursors sets the cursors of a page's info from its edges' first and last cursors.
func withCursors(info *entgql.PageInfo[string], cursors ...*entgql.Cursor[string]) {
	if len(cursors) > 0 {
		info.StartCursor, info.EndCursor = cursors[0], cursors[len(cursors)-1]
	}
}
