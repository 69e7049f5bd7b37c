package graph

import (
	"context"
	"reflect"
	"strings"

	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"maarid/auth"
	"maarid/ent"
)

// visibleOnly implements @visibleOnly, which every where input carries: each of its filters
// that crosses an edge (hasProductsWith…) gets the predicate of the rows of the edge's type
// that the caller may see (auth.Viewer's Visible…), so that no filter matches, counts or
// ranges through a hidden row; a has… flag becomes the has…With filter it means, on visible
// rows only. Filters of nested inputs (and, or, not, has…With) were decoded, and restricted,
// before their parent: every level restricts its own edges. gqlgen decodes every where input
// through it, the arguments of resolvers and those of the edges that entgql loads ahead alike.
func visibleOnly(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	where, err := next(ctx)
	if err != nil || auth.IsSystem(ctx) {
		return where, err
	}
	w := reflect.New(reflect.TypeOf(where)).Elem()
	w.Set(reflect.ValueOf(where))
	restrictEdges(auth.FromContext(ctx), w)
	return w.Interface(), nil
}

// restrictEdges restricts the edge filters of where, an entgql where input, to what v sees.
func restrictEdges(v *auth.Viewer, where reflect.Value) {
	t := where.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		edge, ok := strings.CutSuffix(f.Name, "With")
		if !ok || !strings.HasPrefix(edge, "Has") || f.Type.Kind() != reflect.Slice || f.Type.Elem().Kind() != reflect.Pointer {
			continue
		}
		with := where.Field(i)
		for j := range with.Len() {
			restrict(v, with.Index(j).Interface())
		}
		flag := where.FieldByName(edge)
		if !flag.IsValid() || flag.IsNil() {
			continue
		}
		blank := reflect.New(f.Type.Elem().Elem())
		if !restrict(v, blank.Interface()) {
			continue // v sees every row of the edge's type
		}
		anyVisible := reflect.Append(reflect.MakeSlice(f.Type, 0, 1), blank)
		if flag.Elem().Bool() {
			with.Set(reflect.AppendSlice(with, anyVisible))
		} else {
			// Not one visible row: and: [{not: {has…With: [{}]}}].
			none := reflect.New(t)
			none.Elem().Field(i).Set(anyVisible)
			not := reflect.New(t)
			not.Elem().FieldByName("Not").Set(none)
			and := where.FieldByName("And")
			and.Set(reflect.Append(and, not))
		}
		flag.SetZero()
	}
}

// restrict adds to where the predicate of the rows of its type that v may see; it reports
// false when v sees them all.
func restrict(v *auth.Viewer, where any) bool {
	switch w := where.(type) {
	case *ent.ExhibitorWhereInput:
		return add(w.AddPredicates, v.VisibleExhibitors())
	case *ent.ProductWhereInput:
		return add(w.AddPredicates, v.VisibleProducts())
	case *ent.StandWhereInput:
		return add(w.AddPredicates, v.VisibleStands())
	case *ent.SessionWhereInput:
		return add(w.AddPredicates, v.VisibleSessions())
	}
	return false
}

func add[P ~func(*sql.Selector)](to func(...P), p P) bool {
	if p == nil {
		return false
	}
	to(p)
	return true
}
