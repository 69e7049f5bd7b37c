package ent

// Written by hand: the NAME orderings follow the reader's language. ent/schema's sortKeyMixin
// keeps one sort key of the name per language; GraphQL names a single NAME, which orders by
// the key of the language the list is read in (readersLang; an order's own lang overrides it,
// in package graph), so that an Arabic directory reads in Arabic order and a French one in
// French order.

import (
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"maarid/i18n"
)

// readersLang returns the language a connection is read in, for the order of its names: the
// lang argument of the name its nodes select (edges { node { name(lang: FR) } }), else the
// request's language (Accept-Language), else the fair's default.
func readersLang(ctx context.Context) i18n.Lang {
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil && graphql.HasOperationContext(ctx) {
		if l, ok := nameLang(fc.Field.SelectionSet, graphql.GetOperationContext(ctx).Variables, []string{"edges", "node", "name"}); ok {
			return l
		}
	}
	return i18n.Requested(ctx)
}

// nameLang returns the lang argument of the field that path reaches in set.
func nameLang(set ast.SelectionSet, vars map[string]any, path []string) (i18n.Lang, bool) {
	for _, sel := range set {
		var l i18n.Lang
		var ok bool
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name != path[0] {
				continue
			}
			if len(path) > 1 {
				l, ok = nameLang(sel.SelectionSet, vars, path[1:])
				break
			}
			if v, given := sel.ArgumentMap(vars)["lang"]; given && v != nil {
				ok = l.UnmarshalGQL(v) == nil
			}
		case *ast.InlineFragment:
			l, ok = nameLang(sel.SelectionSet, vars, path)
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				l, ok = nameLang(sel.Definition.SelectionSet, vars, path)
			}
		}
		if ok {
			return l, true
		}
	}
	return "", false
}

// ExhibitorNameOrder returns the ordering by name for a reader of l.
func ExhibitorNameOrder(l i18n.Lang) *ExhibitorOrderField {
	switch l {
	case i18n.FR:
		return ExhibitorOrderFieldNameSortFr
	case i18n.EN:
		return ExhibitorOrderFieldNameSortEn
	case i18n.ZGH:
		return ExhibitorOrderFieldNameSortZgh
	}
	return ExhibitorOrderFieldNameSortAr
}

// IsName reports whether f orders by name, in any language.
func (f *ExhibitorOrderField) IsName() bool {
	for _, l := range i18n.All {
		if f.column == ExhibitorNameOrder(l).column {
			return true
		}
	}
	return false
}

// UnmarshalGQLContext reads an ordering field: NAME in the language its list is read in.
func (f *ExhibitorOrderField) UnmarshalGQLContext(ctx context.Context, v any) error {
	if err := f.UnmarshalGQL(v); err != nil {
		return err
	}
	if f.IsName() {
		*f = *ExhibitorNameOrder(readersLang(ctx))
	}
	return nil
}

// MarshalGQLContext writes an ordering field: every name ordering is NAME.
func (f ExhibitorOrderField) MarshalGQLContext(_ context.Context, w io.Writer) error {
	if f.IsName() {
		f = *ExhibitorOrderFieldNameSortAr
	}
	f.MarshalGQL(w)
	return nil
}

// ProductNameOrder returns the ordering by name for a reader of l.
func ProductNameOrder(l i18n.Lang) *ProductOrderField {
	switch l {
	case i18n.FR:
		return ProductOrderFieldNameSortFr
	case i18n.EN:
		return ProductOrderFieldNameSortEn
	case i18n.ZGH:
		return ProductOrderFieldNameSortZgh
	}
	return ProductOrderFieldNameSortAr
}

// IsNameIn reports whether f orders by name for a reader of l.
func (f *ProductOrderField) IsNameIn(l i18n.Lang) bool { return f.column == ProductNameOrder(l).column }

// IsName reports whether f orders by name, in any language.
func (f *ProductOrderField) IsName() bool {
	for _, l := range i18n.All {
		if f.column == ProductNameOrder(l).column {
			return true
		}
	}
	return false
}

// UnmarshalGQLContext reads an ordering field: NAME in the language its list is read in.
func (f *ProductOrderField) UnmarshalGQLContext(ctx context.Context, v any) error {
	if err := f.UnmarshalGQL(v); err != nil {
		return err
	}
	if f.IsName() {
		*f = *ProductNameOrder(readersLang(ctx))
	}
	return nil
}

// MarshalGQLContext writes an ordering field: every name ordering is NAME.
func (f ProductOrderField) MarshalGQLContext(_ context.Context, w io.Writer) error {
	if f.IsName() {
		f = *ProductOrderFieldNameSortAr
	}
	f.MarshalGQL(w)
	return nil
}

// CategoryNameOrder returns the ordering by name for a reader of l.
func CategoryNameOrder(l i18n.Lang) *CategoryOrderField {
	switch l {
	case i18n.FR:
		return CategoryOrderFieldNameSortFr
	case i18n.EN:
		return CategoryOrderFieldNameSortEn
	case i18n.ZGH:
		return CategoryOrderFieldNameSortZgh
	}
	return CategoryOrderFieldNameSortAr
}

// IsName reports whether f orders by name, in any language.
func (f *CategoryOrderField) IsName() bool {
	for _, l := range i18n.All {
		if f.column == CategoryNameOrder(l).column {
			return true
		}
	}
	return false
}

// UnmarshalGQLContext reads an ordering field: NAME in the language its list is read in.
func (f *CategoryOrderField) UnmarshalGQLContext(ctx context.Context, v any) error {
	if err := f.UnmarshalGQL(v); err != nil {
		return err
	}
	if f.IsName() {
		*f = *CategoryNameOrder(readersLang(ctx))
	}
	return nil
}

// MarshalGQLContext writes an ordering field: every name ordering is NAME.
func (f CategoryOrderField) MarshalGQLContext(_ context.Context, w io.Writer) error {
	if f.IsName() {
		f = *CategoryOrderFieldNameSortAr
	}
	f.MarshalGQL(w)
	return nil
}

// SpaceNameOrder returns the ordering by name for a reader of l.
func SpaceNameOrder(l i18n.Lang) *SpaceOrderField {
	switch l {
	case i18n.FR:
		return SpaceOrderFieldNameSortFr
	case i18n.EN:
		return SpaceOrderFieldNameSortEn
	case i18n.ZGH:
		return SpaceOrderFieldNameSortZgh
	}
	return SpaceOrderFieldNameSortAr
}

// IsName reports whether f orders by name, in any language.
func (f *SpaceOrderField) IsName() bool {
	for _, l := range i18n.All {
		if f.column == SpaceNameOrder(l).column {
			return true
		}
	}
	return false
}

// UnmarshalGQLContext reads an ordering field: NAME in the language its list is read in.
func (f *SpaceOrderField) UnmarshalGQLContext(ctx context.Context, v any) error {
	if err := f.UnmarshalGQL(v); err != nil {
		return err
	}
	if f.IsName() {
		*f = *SpaceNameOrder(readersLang(ctx))
	}
	return nil
}

// MarshalGQLContext writes an ordering field: every name ordering is NAME.
func (f SpaceOrderField) MarshalGQLContext(_ context.Context, w io.Writer) error {
	if f.IsName() {
		f = *SpaceOrderFieldNameSortAr
	}
	f.MarshalGQL(w)
	return nil
}
