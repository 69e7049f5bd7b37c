package graph

import (
	"context"

	"entgo.io/contrib/entgql"

	"maarid/ent"
	"maarid/i18n"
)

// The products of an exhibitor or a category are loaded with their parents (entgql's eager
// loading), which reads NAME as the key of Arabic, the fair's default: it cannot see the reader's
// language. Read in another language, they are queried in that language's order instead.

// productsPage gives the products of an edge: loaded, the ones eager loading read, else queried.
func productsPage(ctx context.Context, loaded func() (*ent.ProductConnection, error), query *ent.ProductQuery,
	after *entgql.Cursor[string], first *int, before *entgql.Cursor[string], last *int, orderBy []*ent.ProductOrder, where *ent.ProductWhereInput,
) (*ent.ProductConnection, error) {
	if !orderedByNameIn(orderBy, i18n.AR) {
		return query.Paginate(ctx, after, first, before, last, ent.WithProductOrder(orderBy), ent.WithProductFilter(where.Filter))
	}
	return loaded()
}

// orderedByNameIn reports whether orderBy is what eager loading read: no name ordering, or
// names in l's order only.
func orderedByNameIn(orderBy []*ent.ProductOrder, l i18n.Lang) bool {
	for _, o := range orderBy {
		if o.Field != nil && o.Field.IsName() && !o.Field.IsNameIn(l) {
			return false
		}
	}
	return true
}
