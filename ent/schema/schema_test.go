package schema_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/i18n"
	"maarid/money"
	"maarid/store/storetest"
)

// TestHooks checks the rules the schema keeps on every write, on each store.
func TestHooks(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			ctx := auth.System(context.Background())
			client := storetest.Open(t, kind)
			ex, err := newExhibitor(client, i18n.Text{i18n.AR: "تعاونية الأمل", i18n.FR: "Coopérative Al Amal"}).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ex.NameSortFr != i18n.CollationKey(i18n.FR, "Coopérative Al Amal") || ex.NameSortAr != i18n.CollationKey(i18n.AR, "تعاونية الأمل") {
				t.Errorf("sort keys %q %q", ex.NameSortFr, ex.NameSortAr)
			}
			// Without a French name, the French key is the Arabic name's in French order.
			ex, err = ex.Update().SetName(i18n.Text{i18n.AR: "تعاونية الأمل"}).Save(ctx)
			if err != nil || ex.NameSortFr != i18n.CollationKey(i18n.FR, "تعاونية الأمل") || ex.NameSortEn != i18n.CollationKey(i18n.EN, "تعاونية الأمل") {
				t.Errorf("sort keys after a rename: %q, %v", ex.NameSortFr, err)
			}

			p, err := client.Product.Create().
				SetExhibitor(ex).
				SetName(i18n.Text{i18n.FR: "Miel de thym"}).
				SetPrice(money.Money{MinorUnits: 25000, Currency: "MAD"}).
				Save(ctx)
			if err != nil || p.PriceMinorUnits != 25000 {
				t.Fatalf("price_minor_units %d, %v", p.PriceMinorUnits, err)
			}

			refused := []struct {
				name  string
				save  func() error
				field string
			}{
				{"negative price", func() error {
					_, err := p.Update().SetPrice(money.Money{MinorUnits: -1, Currency: "MAD"}).Save(ctx)
					return err
				}, "price"},
				{"unknown currency", func() error {
					_, err := p.Update().SetPrice(money.Money{MinorUnits: 100, Currency: "DH"}).Save(ctx)
					return err
				}, "price"},
				{"no name in any language", func() error {
					_, err := newExhibitor(client, i18n.Text{i18n.FR: "  "}).SetSlug("blank").Save(ctx)
					return err
				}, "name"},
				{"unknown language", func() error {
					_, err := p.Update().SetDescription(i18n.Text{"de": "Honig"}).Save(ctx)
					return err
				}, "description"},
				{"NUL in a description", func() error {
					_, err := p.Update().SetDescription(i18n.Text{i18n.FR: "Miel\x00"}).Save(ctx)
					return err
				}, "description"},
				{"a line break in a name", func() error {
					_, err := p.Update().SetName(i18n.Text{i18n.FR: "Miel\nde thym"}).Save(ctx)
					return err
				}, "name"},
				{"an override in a slug's neighbour", func() error {
					_, err := ex.Update().SetLogoURL("https://example.ma/\u202elogo.png").Save(ctx)
					return err
				}, "logoUrl"},
				{"a label that is not a code", func() error {
					_, err := p.Update().SetLabels([]string{"organic"}).Save(ctx)
					return err
				}, "labels"},
				{"the same label twice", func() error {
					_, err := p.Update().SetLabels([]string{"BIO", "BIO"}).Save(ctx)
					return err
				}, "labels"},
				{"21 labels, appended to one", func() error {
					if err := p.Update().SetLabels([]string{"BIO"}).Exec(ctx); err != nil {
						return err
					}
					labels := make([]string, 20)
					for i := range labels {
						labels[i] = fmt.Sprintf("L%d", i)
					}
					_, err := client.Product.UpdateOneID(p.ID).AppendLabels(labels).Save(ctx)
					return err
				}, "labels"},
			}
			for _, tt := range refused {
				var e *maarid.Error
				if err := tt.save(); !errors.As(err, &e) || e.Code != maarid.BadUserInput || e.Field != tt.field {
					t.Errorf("%s: %v, want BAD_USER_INPUT on %s", tt.name, err, tt.field)
				}
			}
			if p, err := client.Product.Get(ctx, p.ID); err != nil || p.PriceMinorUnits != 25000 || p.Price.Currency != "MAD" {
				t.Errorf("a refused write changed the product: %+v, %v", p, err)
			}

			// A product is listed while it and its exhibitor are published.
			hidden, err := client.Product.Create().SetExhibitor(ex).SetName(i18n.Text{i18n.FR: "Amlou"}).
				SetPrice(money.Money{MinorUnits: 9000, Currency: "MAD"}).SetPublished(false).Save(ctx)
			if err != nil || hidden.Listed {
				t.Fatalf("an unpublished product is listed: %v", err)
			}
			listed := func() (n int) {
				t.Helper()
				n, err := client.Product.Query().Where(product.ExhibitorID(ex.ID), product.Listed(true)).Count(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := listed(); n != 1 {
				t.Errorf("%d products listed, want the published one", n)
			}
			if err := ex.Update().SetPublished(false).Exec(ctx); err != nil || listed() != 0 {
				t.Errorf("the products of an unpublished exhibitor are listed (%v)", err)
			}
			if err := ex.Update().SetPublished(true).Exec(ctx); err != nil || listed() != 1 {
				t.Errorf("publishing the exhibitor again lists %d products, want 1 (%v)", listed(), err)
			}
			if err := hidden.Update().SetPublished(true).Exec(ctx); err != nil || listed() != 2 {
				t.Errorf("publishing the product lists %d, want 2 (%v)", listed(), err)
			}

			f, err := client.Fair.Create().SetName(i18n.Text{i18n.FR: "Salon"}).SetSlug("salon").
				SetStartsOn(time.Date(2018, 7, 25, 0, 0, 0, 0, time.UTC)).SetEndsOn(time.Date(2018, 7, 29, 0, 0, 0, 0, time.UTC)).
				Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			s, err := client.Session.Create().SetFair(f).SetTitle(i18n.Text{i18n.AR: "ورشة"}).SetKind(session.KindWORKSHOP).
				SetStartsAt(time.Date(2018, 7, 25, 10, 0, 0, 0, time.UTC)).SetEndsAt(time.Date(2018, 7, 25, 12, 0, 0, 0, time.UTC)).
				SetCapacity(30).
				Save(ctx)
			if err != nil || s.SeatsLeft == nil || *s.SeatsLeft != 30 {
				t.Errorf("a new session of 30 seats has %v left (%v)", s.SeatsLeft, err)
			}
		})
	}
}

func newExhibitor(client *ent.Client, name i18n.Text) *ent.ExhibitorCreate {
	return client.Exhibitor.Create().
		SetName(name).
		SetSlug("cooperative-al-amal").
		SetKind(exhibitor.KindCOOPERATIVE).
		SetSector(exhibitor.SectorAGRI_FOOD).
		SetProvince(exhibitor.ProvinceAZILAL)
}
