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

// TestSortKeysFilled opens a database whose exhibitor has no sort keys, as one written before
// names had them, and a logo URL kept as "": opening it gives the keys, makes the URL null, and
// changes nothing else of the exhibitor.
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
			if _, err := client.ExecContext(ctx, "UPDATE exhibitors SET name_sort_ar = '', name_sort_fr = '', name_sort_en = '', name_sort_zgh = '', logo_url = ''"); err != nil {
				t.Fatal(err)
			}
			before, err := client.Exhibitor.Get(ctx, ex.ID)
			if err != nil {
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
