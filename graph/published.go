package graph

import (
	"maps"

	"github.com/vektah/gqlparser/v2/ast"
)

// published is the schema as clients read it through introspection: without the definitions
// of the directives that only tell Maarid's code how to resolve the schema (@goField,
// @goModel, @visibleOnly, @cursor), which a client can neither send nor act on. The fields and
// arguments keep them, for the transport that reads @cursor.
func published() *ast.Schema {
	s := *parsedSchema
	s.Directives = maps.Clone(s.Directives)
	for name, d := range s.Directives {
		if d.Position == nil || d.Position.Src == nil || !d.Position.Src.BuiltIn {
			delete(s.Directives, name)
		}
	}
	return &s
}
