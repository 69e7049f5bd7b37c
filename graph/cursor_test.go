package graph

import (
	"strings"
	"testing"

	"maarid/ent"
)

// FuzzCursor reads arbitrary page cursors, as clients send them in after and before, through
// the Cursor scalar's UnmarshalCursor: a cursor is read, or refused with an error, never a
// panic; one read is written back the same.
func FuzzCursor(f *testing.F) {
	var valid ent.Cursor
	valid.ID = "prd_01CK877C00NP7RZEQ6K743KN3N"
	valid.Value = "miel de thym"
	f.Add(written(valid))
	f.Add("gqFpvnByZF8wMUNLODc3Q0tQN01aMU4zWDc2WUIwUjE4N6F2ktMAAAAAAAAKjK5qdXMg")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := UnmarshalCursor(s)
		if err != nil {
			return
		}
		b := written(c)
		again, err := UnmarshalCursor(b)
		if err != nil || again.ID != c.ID {
			t.Errorf("%q read as %+v, written as %s, read again as %+v (%v)", s, c, b, again, err)
		}
	})
}

// written is a cursor as a page writes it, without the quotes of its JSON string.
func written(c ent.Cursor) string {
	var b strings.Builder
	c.MarshalGQL(&b)
	return strings.Trim(b.String(), `"`)
}
