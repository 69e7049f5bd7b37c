package limits

import (
	"math"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// ListItems is what a plain list of objects (a fair's spaces, an exhibitor's stands) is counted
// to hold, for its cost: such lists are short, and unlike connections they take no first.
const ListItems = 10

// Cost is what an operation of a validated document costs before it runs, with its variables:
// each field costs 1, and the fields below a list cost once for each item the list may hold —
// a connection's or a page's first or last, ListItems for a plain list of objects — so that nested lists
// multiply. A connection asked for neither first nor last is only counted (totalCount). The
// cost saturates at the largest int rather than overflow.
func Cost(op *ast.OperationDefinition, variables map[string]any) int {
	c := coster{variables: variables, memo: map[string]int{}}
	return c.selections(op.SelectionSet)
}

type coster struct {
	variables map[string]any
	memo      map[string]int // the cost of each fragment, once counted; -1 while counting
}

func (c *coster) selections(set ast.SelectionSet) int {
	total := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			total = add(total, add(1, mul(c.items(sel), c.selections(sel.SelectionSet))))
		case *ast.InlineFragment:
			total = add(total, c.selections(sel.SelectionSet))
		case *ast.FragmentSpread:
			total = add(total, c.fragment(sel))
		}
	}
	return total
}

func (c *coster) fragment(spread *ast.FragmentSpread) int {
	if n, seen := c.memo[spread.Name]; seen {
		return max(n, 0)
	}
	if spread.Definition == nil {
		return 0
	}
	c.memo[spread.Name] = -1
	n := c.selections(spread.Definition.SelectionSet)
	c.memo[spread.Name] = n
	return n
}

// items is how many times the selections of f are counted. Introspection (__schema, __type
// and the types they answer with) is read from the schema in memory: its lists are counted
// once, the shape of the document (Bounds) bounding the rest.
func (c *coster) items(f *ast.Field) int {
	if f.Definition == nil || strings.HasPrefix(f.Name, "__") ||
		f.ObjectDefinition != nil && strings.HasPrefix(f.ObjectDefinition.Name, "__") {
		return 1
	}
	typ := f.Definition.Type
	if paged(typ.Name()) && typ.Elem == nil {
		args := f.ArgumentMap(c.variables)
		for _, name := range []string{"first", "last"} {
			if n, ok := intArg(args[name]); ok {
				return max(n, 0)
			}
		}
		return 1
	}
	if typ.Elem != nil && len(f.SelectionSet) > 0 {
		if f.ObjectDefinition != nil && paged(f.ObjectDefinition.Name) {
			return 1 // the edges of a connection, or the rows of a page, counted by its first or last
		}
		return ListItems
	}
	return 1
}

// paged reports whether the type named holds a page of a list whose size the field that
// answers it takes as first or last: a connection, or a page such as CatalogueChangePage.
func paged(name string) bool {
	return strings.HasSuffix(name, "Connection") || strings.HasSuffix(name, "Page")
}

// intArg reads an Int argument as the validator coerced it: int64 from a literal, a number
// from JSON variables.
func intArg(v any) (int, bool) {
	switch v := v.(type) {
	case int64:
		return clamp(v), true
	case int:
		return v, true
	case float64:
		return clamp(int64(v)), true
	case interface{ Int64() (int64, error) }:
		n, err := v.Int64()
		return clamp(n), err == nil
	}
	return 0, false
}

func clamp(n int64) int {
	return int(min(max(n, math.MinInt32), math.MaxInt32))
}

// mul multiplies without overflowing.
func mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}
