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
func NewQueryCache(size int) *QueryCache {
	return &QueryCache{lru: lru.New[*ast.QueryDocument](size), pinned: map[string]*ast.QueryDocument{}}
}

// QueryCache is the executor's cache of parsed and validated documents (NewQueryCache).
type QueryCache struct {
	lru *lru.LRU[*ast.QueryDocument]
	// pinned are kept for good; they are pinned before the server serves, and only read after.
	pinned map[string]*ast.QueryDocument
}

var _ graphql.Cache[*ast.QueryDocument] = (*QueryCache)(nil)

func (c *QueryCache) Get(ctx context.Context, query string) (*ast.QueryDocument, bool) {
	if doc, ok := c.pinned[query]; ok {
		return doc, true
	}
	return c.lru.Get(ctx, query)
}

func (c *QueryCache) Add(ctx context.Context, query string, doc *ast.QueryDocument) {
	coerce(doc)
	c.lru.Add(ctx, query, doc)
}

// Pin keeps doc, parsed and validated, for as long as the server runs: the documents of the
// registered clients, which are never parsed nor validated again. It is called before the
// server serves.
func (c *QueryCache) Pin(query string, doc *ast.QueryDocument) {
	coerce(doc)
	c.pinned[query] = doc
}

func coerce(doc *ast.QueryDocument) {
	for _, op := range doc.Operations {
		coerceSelections(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		coerceSelections(f.SelectionSet)
	}
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
