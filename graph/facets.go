package graph

import (
	"cmp"
	"context"
	"maps"
	"slices"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"maarid/ent"
	"maarid/ent/category"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
)

// productFacets counts the products where selects among those the caller may see, by
// category, by their exhibitors' province and by label: four statements, whatever the
// catalogue's size (the categories' counts, the categories, the provinces', the labels').
func productFacets(ctx context.Context, client *ent.Client, where *ent.ProductWhereInput) (*ProductFacets, error) {
	products, err := where.Filter(client.Product.Query())
	if err != nil {
		return nil, err
	}
	out := &ProductFacets{Categories: []*CategoryFacet{}, Provinces: []*ProvinceFacet{}, Labels: []*LabelFacet{}}

	var byCategory []struct {
		CategoryID *string `sql:"category_id"`
		Count      int     `sql:"count"`
	}
	if err := products.Clone().GroupBy(product.FieldCategoryID).Aggregate(ent.Count()).Scan(ctx, &byCategory); err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, c := range byCategory {
		if c.CategoryID != nil {
			counts[*c.CategoryID] = c.Count
		}
	}
	if len(counts) > 0 {
		categories, err := client.Category.Query().Where(category.IDIn(slices.Sorted(maps.Keys(counts))...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range categories {
			out.Categories = append(out.Categories, &CategoryFacet{Category: c, Count: counts[c.ID]})
		}
	}
	slices.SortFunc(out.Categories, func(a, b *CategoryFacet) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Category.ID, b.Category.ID))
	})

	var byProvince []struct {
		Province exhibitor.Province `sql:"province"`
		Count    int                `sql:"count"`
	}
	err = products.Clone().Modify(func(s *sql.Selector) {
		t := sql.Table(exhibitor.Table)
		s.Join(t).On(s.C(product.FieldExhibitorID), t.C(exhibitor.FieldID))
		s.Select(sql.As(t.C(exhibitor.FieldProvince), "province"), sql.As(sql.Count("*"), "count"))
		s.GroupBy(t.C(exhibitor.FieldProvince))
	}).Scan(ctx, &byProvince)
	if err != nil {
		return nil, err
	}
	for _, p := range byProvince {
		out.Provinces = append(out.Provinces, &ProvinceFacet{Province: p.Province, Count: p.Count})
	}
	slices.SortFunc(out.Provinces, func(a, b *ProvinceFacet) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Province, b.Province))
	})

	var byLabel []struct {
		Label string `sql:"label"`
		Count int    `sql:"count"`
	}
	err = products.Clone().Modify(func(s *sql.Selector) {
		// Each label of each product, as the rows of a table-valued function.
		each := sql.Table("json_each(" + s.C(product.FieldLabels) + ")").As("label_of")
		value := each.C("value")
		if s.Dialect() == dialect.Postgres {
			each = sql.Table("jsonb_array_elements_text(" + s.C(product.FieldLabels) + ")").As("label_of")
			value = "label_of"
		}
		s.Join(each).OnP(sql.ExprP("true"))
		s.Select(sql.As(value, "label"), sql.As(sql.Count("*"), "count"))
		s.GroupBy(value)
	}).Scan(ctx, &byLabel)
	if err != nil {
		return nil, err
	}
	for _, l := range byLabel {
		out.Labels = append(out.Labels, &LabelFacet{Label: l.Label, Count: l.Count})
	}
	slices.SortFunc(out.Labels, func(a, b *LabelFacet) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Label, b.Label))
	})
	return out, nil
}
