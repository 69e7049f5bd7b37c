// Package limits bounds what one caller may cost the server: the shape of a document before
// it is validated, the cost of an operation before it runs, the budget a client spends over
// time, and its share of the execution slots. The server applies them; the numbers are its
// configuration.
package limits

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"maarid"
)

// Shape is what a document asks for, counted with its fragments expanded: the deepest
// selection, the aliased fields, the fields at the root of an operation, and all its fields.
// Counts saturate at the largest int rather than overflow.
type Shape struct {
	Depth, Aliases, RootFields, Fields int
}

// Bounds are the most a document may ask for. They are checked on the document as parsed,
// before validation, whose cost grows with the square of the fields: a flood of fields or
// aliases is refused in the time it takes to read it. Zero means no bound.
type Bounds struct {
	// Tokens bounds the lexical tokens the parser reads; it stops at the first one past it.
	Tokens int
	Shape
}

// Check parses query, within the token bound, and refuses it when its shape is out of bounds.
// A document that does not parse is refused with the parser's error, as the executor would.
func (b Bounds) Check(query string) *gqlerror.Error {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, b.Tokens)
	if err != nil {
		gqlErr, ok := err.(*gqlerror.Error)
		if !ok {
			gqlErr = gqlerror.Wrap(err)
		}
		if b.Tokens > 0 && gqlErr.Message == fmt.Sprintf("exceeded token limit of %d", b.Tokens) {
			return tooComplex("the document has more than %d tokens", map[string]any{"tokens": map[string]any{"limit": b.Tokens}}, b.Tokens)
		}
		return gqlErr
	}
	s := Measure(doc)
	for _, c := range []struct {
		name        string
		value, max  int
		description string
	}{
		{"depth", s.Depth, b.Depth, "selections nested %d deep, more than %d"},
		{"aliases", s.Aliases, b.Aliases, "%d aliased fields, more than %d"},
		{"rootFields", s.RootFields, b.RootFields, "%d fields at the root of an operation, more than %d"},
		{"fields", s.Fields, b.Fields, "%d fields once its fragments are expanded, more than %d"},
	} {
		if c.max > 0 && c.value > c.max {
			return tooComplex("the document asks for "+c.description, map[string]any{c.name: map[string]any{"value": c.value, "limit": c.max}}, c.value, c.max)
		}
	}
	return nil
}

func tooComplex(format string, details map[string]any, args ...any) *gqlerror.Error {
	ext := map[string]any{"code": maarid.QueryTooComplex}
	for k, v := range details {
		ext[k] = v
	}
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: ext}
}

// Measure counts the shape of doc: of its largest operation for each count.
func Measure(doc *ast.QueryDocument) Shape {
	m := measurer{fragments: map[string]*ast.FragmentDefinition{}, memo: map[string]*Shape{}, roots: map[string]int{}}
	for _, f := range doc.Fragments {
		m.fragments[f.Name] = f
	}
	var out Shape
	for _, op := range doc.Operations {
		s := m.selections(op.SelectionSet)
		root := m.rootFields(op.SelectionSet)
		out.Depth = max(out.Depth, s.Depth)
		out.Aliases = max(out.Aliases, s.Aliases)
		out.Fields = max(out.Fields, s.Fields)
		out.RootFields = max(out.RootFields, root)
	}
	return out
}

// measurer measures selection sets, each fragment once: a fragment spread many times, or
// spreading fragments that spread others, costs its count each time, not its walk.
type measurer struct {
	fragments map[string]*ast.FragmentDefinition
	memo      map[string]*Shape // nil while the fragment is being measured: a cycle
	roots     map[string]int    // the root fields of each fragment
}

func (m *measurer) selections(set ast.SelectionSet) Shape {
	var s Shape
	for _, sel := range set {
		var inner Shape
		switch sel := sel.(type) {
		case *ast.Field:
			inner = m.selections(sel.SelectionSet)
			inner.Depth = add(inner.Depth, 1)
			inner.Fields = add(inner.Fields, 1)
			if sel.Alias != "" && sel.Alias != sel.Name {
				inner.Aliases = add(inner.Aliases, 1)
			}
		case *ast.InlineFragment:
			inner = m.selections(sel.SelectionSet)
		case *ast.FragmentSpread:
			inner = m.fragment(sel.Name)
		}
		s.Depth = max(s.Depth, inner.Depth)
		s.Aliases = add(s.Aliases, inner.Aliases)
		s.Fields = add(s.Fields, inner.Fields)
	}
	return s
}

// fragment measures the fragment name; one that spreads itself, which validation refuses,
// counts nothing more.
func (m *measurer) fragment(name string) Shape {
	if s, seen := m.memo[name]; seen {
		if s == nil {
			return Shape{}
		}
		return *s
	}
	f := m.fragments[name]
	if f == nil {
		return Shape{}
	}
	m.memo[name] = nil
	s := m.selections(f.SelectionSet)
	m.memo[name] = &s
	return s
}

// rootFields counts the fields at the root of an operation, through its fragments, each
// fragment counted once.
func (m *measurer) rootFields(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			n = add(n, 1)
		case *ast.InlineFragment:
			n = add(n, m.rootFields(sel.SelectionSet))
		case *ast.FragmentSpread:
			n = add(n, m.rootFragment(sel.Name))
		}
	}
	return n
}

func (m *measurer) rootFragment(name string) int {
	if n, seen := m.roots[name]; seen {
		return n // 0 while it is being counted: a cycle counts nothing more
	}
	f := m.fragments[name]
	if f == nil {
		return 0
	}
	m.roots[name] = 0
	n := m.rootFields(f.SelectionSet)
	m.roots[name] = n
	return n
}

// add adds without overflowing.
func add(a, b int) int {
	if s := a + b; s >= a && s >= b {
		return s
	}
	return int(^uint(0) >> 1)
}
