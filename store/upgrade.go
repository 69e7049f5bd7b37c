package store

import (
	"context"
	"fmt"

	"maarid/ent"
	"maarid/ent/category"
	"maarid/ent/exhibitor"
	"maarid/ent/privacy"
	"maarid/ent/product"
	"maarid/ent/space"
	"maarid/ent/speaker"
	"maarid/i18n"
)

// upgradeRows brings the rows of a database made before versioned migrations to what the
// releases since write; a database is upgraded so once, when it is baselined.
func upgradeRows(ctx context.Context, client *ent.Client) error {
	if err := blanksAsNull(ctx, client); err != nil {
		return err
	}
	return fillSortKeys(ctx, client)
}

// named is a row with a localized name.
type named struct {
	ID   string    `sql:"id"`
	Name i18n.Text `sql:"name"`
}

// fillSortKeys gives the rows written before names had a sort key per language (their
// name_sort_ar is empty) their keys, without touching anything else of them (not their
// updatedAt): the NAME order reads them.
func fillSortKeys(ctx context.Context, client *ent.Client) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	tables := []struct {
		table string
		read  func(*[]named) error
	}{
		{exhibitor.Table, func(rows *[]named) error {
			return client.Exhibitor.Query().Where(exhibitor.NameSortAr("")).Select(exhibitor.FieldID, exhibitor.FieldName).Scan(ctx, rows)
		}},
		{product.Table, func(rows *[]named) error {
			return client.Product.Query().Where(product.NameSortAr("")).Select(product.FieldID, product.FieldName).Scan(ctx, rows)
		}},
		{category.Table, func(rows *[]named) error {
			return client.Category.Query().Where(category.NameSortAr("")).Select(category.FieldID, category.FieldName).Scan(ctx, rows)
		}},
		{space.Table, func(rows *[]named) error {
			return client.Space.Query().Where(space.NameSortAr("")).Select(space.FieldID, space.FieldName).Scan(ctx, rows)
		}},
	}
	for _, t := range tables {
		var rows []named
		if err := t.read(&rows); err != nil {
			return fmt.Errorf("reading the names of %s: %w", t.table, err)
		}
		for _, r := range rows {
			if err := client.RawExec(ctx, "UPDATE "+t.table+
				" SET name_sort_ar = $1, name_sort_fr = $2, name_sort_en = $3, name_sort_zgh = $4 WHERE id = $5",
				r.Name.SortKeyFor(i18n.AR), r.Name.SortKeyFor(i18n.FR), r.Name.SortKeyFor(i18n.EN), r.Name.SortKeyFor(i18n.ZGH), r.ID); err != nil {
				return fmt.Errorf("writing the sort keys of %s %s: %w", t.table, r.ID, err)
			}
		}
	}
	return nil
}

// blanksAsNull writes the URLs that earlier releases kept as "" for none as NULL, as the API
// answers them.
func blanksAsNull(ctx context.Context, client *ent.Client) error {
	for _, stmt := range []string{
		"UPDATE " + exhibitor.Table + " SET " + exhibitor.FieldLogoURL + " = NULL WHERE " + exhibitor.FieldLogoURL + " = ''",
		"UPDATE " + speaker.Table + " SET " + speaker.FieldPhotoURL + " = NULL WHERE " + speaker.FieldPhotoURL + " = ''",
	} {
		if err := client.RawExec(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}
