package stream

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestCursorVariable checks which variable of a subscription is its cursor: the one given to
// the argument marked @cursor, and only when nothing else reads it.
func TestCursorVariable(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		directive @cursor on ARGUMENT_DEFINITION
		type Query { ok: Boolean }
		type Subscription { feed(since: String @cursor, tag: String): Event! }
		type Event { cursor: String! label(prefix: String): String! }
	`})
	for _, tc := range []struct{ doc, want string }{
		{`subscription($s: String) { feed(since: $s) { cursor } }`, "s"},
		{`subscription($s: String, $t: String) { feed(since: $s, tag: $t) { label(prefix: $t) } }`, "s"},
		{`subscription($s: String) { ...F } fragment F on Subscription { feed(since: $s) { cursor } }`, "s"},
		{`subscription { feed(since: "4") { cursor } }`, ""},
		{`subscription { feed { cursor } }`, ""},
		{`subscription($s: String) { feed(since: $s) { label(prefix: $s) } }`, ""},
		{`subscription($s: String) { feed(since: $s, tag: $s) { cursor } }`, ""},
		{`subscription($s: String) { feed(since: $s) { ...L } } fragment L on Event { label(prefix: $s) }`, ""},
	} {
		doc, errs := gqlparser.LoadQuery(schema, tc.doc)
		if errs != nil {
			t.Fatalf("%s: %v", tc.doc, errs)
		}
		rc := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{}}
		if got := cursorVariable(rc); got != tc.want {
			t.Errorf("%s: cursor variable %q, want %q", tc.doc, got, tc.want)
		}
	}
}
