package graph

import (
	"fmt"
	"io"

	"github.com/99designs/gqlgen/graphql"

	"maarid/ent"
)

// The Cursor scalar is ent's cursor (entgql's), read through UnmarshalCursor: a cursor is
// opaque to clients, but one a client crafts reaches entgql's decoder, which some crafted
// bytes make panic (found by FuzzCursor). Such a cursor is refused like any unreadable one.

// MarshalCursor writes a cursor as entgql does.
func MarshalCursor(c ent.Cursor) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { c.MarshalGQL(w) })
}

// UnmarshalCursor reads a cursor as entgql does, and refuses one that its decoder cannot read
// without panicking.
func UnmarshalCursor(v any) (c ent.Cursor, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = ent.Cursor{}, fmt.Errorf("cannot decode cursor: %v", r)
		}
	}()
	err = c.UnmarshalGQL(v)
	return c, err
}
