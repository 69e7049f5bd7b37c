package importer

import (
	"context"
	"slices"

	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/i18n"
	"maarid/money"
)

// productColumns are the columns a products file may have (the README, "Importing spreadsheets").
var productColumns = slices.Concat(
	[]string{"ref", "exhibitor_ref", "category_slug"},
	localizedColumns("name"), localizedColumns("description"), localizedColumns("unit"),
	[]string{"price_mad", "available", "labels"},
)

// productFields maps the fields the schema may refuse to the columns they come from; the
// localized fields are added for each file.
var productFields = map[string]string{
	"price": "price_mad", "priceMinorUnits": "price_mad", "price_minor_units": "price_mad",
	"exhibitorID": "exhibitor_ref", "exhibitor_id": "exhibitor_ref", "exhibitor": "exhibitor_ref",
	"categoryID": "category_slug", "category_id": "category_slug", "category": "category_slug",
}

// productRow is a row of a products file, read.
type productRow struct {
	row
	ref, exhibitorRef, categorySlug string
	name, description, unit         i18n.Text // the languages whose columns the file has
	price                           money.Money
	available                       bool
	labels                          []string
	// Found in the database.
	exhibitorID string
	categoryID  *string
}

// readProduct reads a row of a products file, and reports whether it is free of problems.
func readProduct(s *sheet, r row, p *problems) (*productRow, bool) {
	before := len(p.list)
	x := &productRow{row: r}
	x.ref, _ = refOf(s, r, p)
	if x.exhibitorRef = s.cell(r, "exhibitor_ref"); x.exhibitorRef == "" {
		p.add(s.name, r.number, "exhibitor_ref", "the ref of the product's exhibitor is required")
	}
	x.categorySlug = s.cell(r, "category_slug")
	x.name = readText(s, r, "name", true, p)
	if !hasAny(x.name) {
		p.add(s.name, r.number, textColumns(s, "name"), "a name is required in at least one language")
	}
	x.description = readText(s, r, "description", false, p)
	x.unit = readText(s, r, "unit", false, p)
	var err error
	if v := s.cell(r, "price_mad"); v == "" {
		p.add(s.name, r.number, "price_mad", "a price is required, in dirhams: 35 or 35,50")
	} else if x.price, err = readPrice(v); err != nil {
		p.add(s.name, r.number, "price_mad", "%v", err)
	} else if err := x.price.Validate(); err != nil {
		p.add(s.name, r.number, "price_mad", "%v", err)
	}
	if x.available, err = readBool(s.cell(r, "available"), true); err != nil {
		p.add(s.name, r.number, "available", "%v", err)
	}
	x.labels = readCodes(s.cell(r, "labels"))
	return x, len(p.list) == before
}

// importProducts checks and writes the rows of a products file. Their exhibitors are those of
// this import's exhibitors file, or of an earlier import.
func (j *job) importProducts(ctx context.Context, s *sheet) error {
	if !requireColumns(s, []string{"ref", "exhibitor_ref", "price_mad"}, []string{"name"}, j.p) {
		return nil
	}
	var rows []*productRow
	refs := duplicates{}
	for _, r := range s.rows {
		x, ok := readProduct(s, r, j.p)
		if x.ref != "" && !refs.check(s, r, "ref", x.ref, j.p) {
			ok = false
		}
		if ok {
			rows = append(rows, x)
		}
	}

	exhibitorsBefore, err := loadRefs(ctx, j.tx, exhibitorRefs)
	if err != nil {
		return err
	}
	known, err := loadRefs(ctx, j.tx, productRefs)
	if err != nil {
		return err
	}
	// The exhibitors that earlier imports made and that are still there.
	var earlier []string
	for _, x := range rows {
		if _, ok := j.exhibitors[x.exhibitorRef]; !ok && exhibitorsBefore[x.exhibitorRef] != "" {
			earlier = append(earlier, exhibitorsBefore[x.exhibitorRef])
		}
	}
	stillThere := map[string]bool{}
	for chunk := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(earlier))), 1000) {
		ids, err := j.tx.Exhibitor.Query().Where(exhibitor.IDIn(chunk...)).IDs(ctx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			stillThere[id] = true
		}
	}
	categories := map[string]string{}
	all, err := j.tx.Category.Query().All(ctx)
	if err != nil {
		return err
	}
	for _, c := range all {
		categories[c.Slug] = c.ID
	}
	var ids []string
	for _, x := range rows {
		if id, ok := known[x.ref]; ok {
			ids = append(ids, id)
		}
	}
	existing := map[string]*ent.Product{}
	for chunk := range slices.Chunk(ids, 1000) {
		found, err := j.tx.Product.Query().Where(product.IDIn(chunk...)).All(ctx)
		if err != nil {
			return err
		}
		for _, x := range found {
			existing[x.ID] = x
		}
	}

	columns := fieldColumns(s, productFields, "name", "description", "unit")
	var made [][2]string
	for _, x := range rows {
		ok := true
		if id, this := j.exhibitors[x.exhibitorRef]; this {
			x.exhibitorID = id
		} else if id := exhibitorsBefore[x.exhibitorRef]; id != "" && stillThere[id] {
			x.exhibitorID = id
		} else if j.refused[x.exhibitorRef] || j.exhibitorsUnread {
			// Its exhibitor's row has problems of its own, reported; the product is checked
			// once it is right.
			ok = false
		} else {
			j.p.add(s.name, x.number, "exhibitor_ref", "no exhibitor has the ref %q, in this import or an earlier one", x.exhibitorRef)
			ok = false
		}
		if x.categorySlug != "" {
			if id, found := categories[x.categorySlug]; found {
				x.categoryID = &id
			} else {
				j.p.add(s.name, x.number, "category_slug", "no category has the slug %q", x.categorySlug)
				ok = false
			}
		}
		if !ok {
			continue
		}
		old := existing[known[x.ref]]
		var (
			saved *ent.Product
			err   error
		)
		if old == nil {
			c := j.tx.Product.Create()
			x.set(s, nil, c.Mutation())
			saved, err = c.Save(ctx)
		} else {
			u := j.tx.Product.UpdateOne(old)
			if !x.set(s, old, u.Mutation()) {
				j.summary.Products.Unchanged++
				continue
			}
			saved, err = u.Save(ctx)
		}
		if err != nil {
			if !j.refusedRow(s, x.row, columns, err) {
				return failed(s, x.row, err)
			}
			continue
		}
		if old == nil {
			j.summary.Products.Created++
			made = append(made, [2]string{x.ref, saved.ID})
		} else {
			j.summary.Products.Updated++
		}
	}
	return saveRefs(ctx, j.tx, productRefs, made)
}

// set sets on m what the row changes of old — everything, for a new product (old is nil) —
// and reports whether that is anything. Only the columns the file has are set; a localized
// field keeps the languages whose columns the file does not have.
func (x *productRow) set(s *sheet, old *ent.Product, m *ent.ProductMutation) bool {
	if old == nil {
		old = &ent.Product{Available: true}
	}
	changed := false
	if old.ExhibitorID != x.exhibitorID {
		m.SetExhibitorID(x.exhibitorID)
		changed = true
	}
	if s.has("category_slug") && !sameString(old.CategoryID, x.categoryID) {
		if x.categoryID == nil {
			m.ClearCategoryID()
		} else {
			m.SetCategoryID(*x.categoryID)
		}
		changed = true
	}
	for _, t := range []struct {
		old, set i18n.Text
		to       func(i18n.Text)
	}{
		{old.Name, x.name, m.SetName},
		{old.Description, x.description, m.SetDescription},
		{old.Unit, x.unit, m.SetUnit},
	} {
		if len(t.set) == 0 {
			continue // no column of it
		}
		if v := merged(t.old, t.set); !sameText(t.old, v) {
			t.to(v)
			changed = true
		}
	}
	if old.Price != x.price {
		m.SetPrice(x.price)
		changed = true
	}
	if s.has("available") && old.Available != x.available {
		m.SetAvailable(x.available)
		changed = true
	}
	if s.has("labels") && !slices.Equal(old.Labels, x.labels) {
		m.SetLabels(x.labels)
		changed = true
	}
	return changed
}

func sameString(a, b *string) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
