package store_test

import (
	"context"
	"testing"

	"maarid/auth"
	"maarid/ent/exhibitor"
	"maarid/i18n"
	"maarid/store"
	"maarid/store/storetest"
)

// TestSortKeysFilled opens a database of a release before versioned migrations (no
// schema_revisions) whose exhibitor has no sort keys, as one written before names had them, and
// a logo URL kept as "": opening it gives the keys, makes the URL null, and changes nothing
// else of the exhibitor. A database with its revisions is not upgraded again at each start.
func TestSortKeysFilled(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			ctx := auth.System(context.Background())
			dsn := storetest.URL(t, kind)
			client, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			name := i18n.Text{i18n.AR: "تعاونية آيت بوكماز", i18n.FR: "Coopérative Aït Bouguemez"}
			ex, err := client.Exhibitor.Create().SetName(name).SetSlug("ait-bouguemez").
				SetKind(exhibitor.KindCOOPERATIVE).SetSector(exhibitor.SectorAGRI_FOOD).SetProvince(exhibitor.ProvinceAZILAL).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			const unkeyed = "UPDATE exhibitors SET name_sort_ar = '', name_sort_fr = '', name_sort_en = '', name_sort_zgh = '', logo_url = ''"
			if _, err := client.ExecContext(ctx, unkeyed); err != nil {
				t.Fatal(err)
			}
			client.Close()
			// A database that has its revisions is one this release wrote: it is not
			// upgraded again (here, the rows are left as they are).
			client, err = store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := client.Exhibitor.Get(ctx, ex.ID); err != nil {
				t.Fatal(err)
			} else if got.NameSortAr != "" || got.LogoURL == nil {
				t.Errorf("opening a migrated database upgraded its rows again: %q, %v", got.NameSortAr, got.LogoURL)
			}
			before, err := client.Exhibitor.Get(ctx, ex.ID)
			if err != nil {
				t.Fatal(err)
			}
			// As a release before versioned migrations left it.
			if _, err := client.ExecContext(ctx, "DROP TABLE schema_revisions"); err != nil {
				t.Fatal(err)
			}
			client.Close()

			client, err = store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			got, err := client.Exhibitor.Get(ctx, ex.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.NameSortAr != name.SortKeyFor(i18n.AR) || got.NameSortFr != name.SortKeyFor(i18n.FR) ||
				got.NameSortEn != name.SortKeyFor(i18n.EN) || got.NameSortZgh != name.SortKeyFor(i18n.ZGH) {
				t.Errorf("keys %q %q %q %q", got.NameSortAr, got.NameSortFr, got.NameSortEn, got.NameSortZgh)
			}
			if got.LogoURL != nil {
				t.Errorf("logo URL %q, want null", *got.LogoURL)
			}
			if !got.UpdatedAt.Equal(before.UpdatedAt) {
				t.Errorf("updatedAt %v, was %v", got.UpdatedAt, before.UpdatedAt)
			}
		})
	}
}

// TestOpenDropsWhatTheSchemaLost opens a database with a column and an index the schema no
// longer declares, as the single name_sort of earlier releases: opening drops both, and keeps
// the rows.
func TestOpenDropsWhatTheSchemaLost(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			ctx := auth.System(context.Background())
			dsn := storetest.URL(t, kind)
			client, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			ex, err := client.Exhibitor.Create().SetName(i18n.Text{i18n.FR: "Coopérative Tiglit"}).SetSlug("tiglit").
				SetKind(exhibitor.KindCOOPERATIVE).SetSector(exhibitor.SectorHANDICRAFT).SetProvince(exhibitor.ProvinceAZILAL).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, stmt := range []string{
				"ALTER TABLE exhibitors ADD COLUMN name_sort varchar NOT NULL DEFAULT ''",
				"CREATE INDEX exhibitor_name_sort_id ON exhibitors (name_sort, id)",
			} {
				if _, err := client.ExecContext(ctx, stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			client.Close()

			client, err = store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			if rows, err := client.QueryContext(ctx, "SELECT name_sort FROM exhibitors"); err == nil {
				rows.Close()
				t.Error("the column the schema lost is still there")
			}
			if got, err := client.Exhibitor.Get(ctx, ex.ID); err != nil || got.Name[i18n.FR] != "Coopérative Tiglit" {
				t.Errorf("after opening: %+v, %v", got, err)
			}
		})
	}
}
