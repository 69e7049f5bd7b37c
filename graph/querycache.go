package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
)

// NewQueryCache returns the cache of parsed and validated documents for the executor. Before
// it keeps a document it applies GraphQL's input coercion of a single value to a list to
// the literal arguments: `orderBy: {field: NAME, direction: ASC}` where the argument is a
// list becomes a list of one. The executor does that for variables, and gqlgen does it when
// it unmarshals the arguments of a resolver, but entgql's eager loading reads the raw
// arguments of nested connections and would otherwise drop such an order. Documents are
// coerced once, when first validated, never on a document a request is reading.
func NewQueryCache(size int) graphql.Cache[*ast.QueryDocument] {
	return coercingCache{lru.New[*ast.QueryDocument](size)}
}

type coercingCache struct {
	*lru.LRU[*ast.QueryDocument]
}

func (c coercingCache) Add(ctx context.Context, query string, doc *ast.QueryDocument) {
	for _, op := range doc.Operations {
		coerceSelections(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		coerceSelections(f.SelectionSet)
	}
	c.LRU.Add(ctx, query, doc)
}

func coerceSelections(set ast.SelectionSet) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Definition != nil {
				for _, arg := range sel.Arguments {
					if def := sel.Definition.Arguments.ForName(arg.Name); def != nil {
						arg.Value = coerceValue(arg.Value, def.Type)
					}
				}
			}
			coerceSelections(sel.SelectionSet)
		case *ast.InlineFragment:
			coerceSelections(sel.SelectionSet)
		}
	}
}

// coerceValue returns v coerced to typ: wrapped in a list where typ is a list and v is not,
// with the same done inside lists and input objects. Variables are left to the executor.
func coerceValue(v *ast.Value, typ *ast.Type) *ast.Value {
	if v == nil || typ == nil || v.Kind == ast.Variable || v.Kind == ast.NullValue {
		return v
	}
	if typ.Elem != nil {
		if v.Kind != ast.ListValue {
			v = &ast.Value{
				Kind:         ast.ListValue,
				Children:     ast.ChildValueList{{Value: v, Position: v.Position}},
				Position:     v.Position,
				Definition:   v.Definition,
				ExpectedType: typ,
			}
		}
		for _, child := range v.Children {
			child.Value = coerceValue(child.Value, typ.Elem)
		}
		return v
	}
	if v.Kind == ast.ObjectValue && v.Definition != nil {
		for _, child := range v.Children {
			if field := v.Definition.Fields.ForName(child.Name); field != nil {
				child.Value = coerceValue(child.Value, field.Type)
			}
		}
	}
	return v
}
