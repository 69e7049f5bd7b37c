package catalogue_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"

	"maarid/auth"
	"maarid/catalogue"
	"maarid/demo"
	"maarid/ent"
	"maarid/ent/cataloguechange"
	"maarid/ent/category"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/stand"
	"maarid/i18n"
	"maarid/money"
	"maarid/store/storetest"
)

// callers are who follow the log in the tests: each must end with exactly what it may see.
func callers(first, second string) map[string]context.Context {
	viewer := func(v *auth.Viewer) context.Context { return auth.NewContext(context.Background(), v) }
	return map[string]context.Context{
		"anonymous": viewer(&auth.Viewer{Role: auth.Anonymous}),
		"partner":   viewer(&auth.Viewer{Role: auth.Partner}),
		"organiser": viewer(&auth.Viewer{Role: auth.Organiser}),
		"first":     viewer(&auth.Viewer{Role: auth.Exhibitor, ExhibitorID: first}),
		"second":    viewer(&auth.Viewer{Role: auth.Exhibitor, ExhibitorID: second}),
	}
}

// visible returns the catalogue's rows the caller of ctx may read now, by ID, with their type.
func visible(t *testing.T, ctx context.Context, c *ent.Client) map[string]cataloguechange.Entity {
	t.Helper()
	rows := map[string]cataloguechange.Entity{}
	add := func(entity cataloguechange.Entity, ids []string, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			rows[id] = entity
		}
	}
	ids, err := c.Exhibitor.Query().IDs(ctx)
	add(catalogue.Exhibitor, ids, err)
	ids, err = c.Product.Query().IDs(ctx)
	add(catalogue.Product, ids, err)
	ids, err = c.Category.Query().IDs(ctx)
	add(catalogue.Category, ids, err)
	ids, err = c.Stand.Query().IDs(ctx)
	add(catalogue.Stand, ids, err)
	return rows
}

// replica is a partner's copy of the catalogue: the rows it knows, kept by following the log.
type replica struct {
	rows   map[string]cataloguechange.Entity
	cursor int64
}

// follow applies the log after the replica's cursor, page by page, as the caller of ctx
// reads it.
func (r *replica) follow(t *testing.T, ctx context.Context, c *ent.Client, first int) {
	t.Helper()
	for {
		page, err := catalogue.Changes(ctx, c, r.cursor, first)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range page.Changes {
			switch ch.Kind {
			case catalogue.Deleted:
				if ch.Node != nil {
					t.Errorf("change %d: a deleted %s has a node", ch.Seq, ch.Entity)
				}
				delete(r.rows, ch.EntityID)
			default:
				r.rows[ch.EntityID] = ch.Entity
			}
		}
		next, err := strconv.ParseInt(page.Cursor, 10, 64)
		if err != nil || next < r.cursor {
			t.Fatalf("page cursor %q after %d", page.Cursor, r.cursor)
		}
		r.cursor = next
		if !page.HasMore {
			return
		}
	}
}

// differences lists what a replica has that the caller may not read, and what it lacks.
func differences(got, want map[string]cataloguechange.Entity) string {
	var extra, missing []string
	for id := range got {
		if _, ok := want[id]; !ok {
			extra = append(extra, id)
		}
	}
	for id, e := range want {
		if _, ok := got[id]; !ok {
			missing = append(missing, string(e)+" "+id)
		}
	}
	if len(extra)+len(missing) == 0 {
		return ""
	}
	slices.Sort(extra)
	slices.Sort(missing)
	return fmt.Sprintf("%d rows it may not read %v, %d missing %v", len(extra), extra, len(missing), missing)
}

// fixture is the demo fair with two exhibitors that have products and stands.
type fixture struct {
	c             *ent.Client
	first, second *ent.Exhibitor
	product       *ent.Product
	stand         *ent.Stand
}

func newFixture(t *testing.T, kind string) *fixture {
	t.Helper()
	c := storetest.Open(t, kind)
	if _, err := demo.Seed(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	sys := auth.System(context.Background())
	exhibitors, err := c.Exhibitor.Query().Where(exhibitor.HasProducts(), exhibitor.HasStands(), exhibitor.Published(true)).
		Order(exhibitor.ByID()).Limit(2).All(sys)
	if err != nil || len(exhibitors) != 2 {
		t.Fatalf("%d exhibitors with products and stands: %v", len(exhibitors), err)
	}
	f := &fixture{c: c, first: exhibitors[0], second: exhibitors[1]}
	if f.product, err = c.Product.Query().Where(product.ExhibitorID(f.first.ID), product.Published(true)).First(sys); err != nil {
		t.Fatal(err)
	}
	if f.stand, err = c.Stand.Query().Where(stand.ExhibitorID(f.first.ID)).First(sys); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestLogTellsEachWhatItSees copies the demo catalogue as each caller sees it, then makes
// every kind of write that decides what a caller sees — unpublishing and publishing an
// exhibitor (with its products and stands), a product, moving a product to another exhibitor,
// creating and deleting rows of each type — and after each, follows the log from where it
// left off: each caller's copy is then exactly what it may read, deletions included.
func TestLogTellsEachWhatItSees(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, kind)
			c, sys := f.c, auth.System(context.Background())
			who := callers(f.first.ID, f.second.ID)
			replicas := map[string]*replica{}
			for name, ctx := range who {
				head, err := catalogue.Head(ctx, c)
				if err != nil {
					t.Fatal(err)
				}
				r := &replica{rows: visible(t, ctx, c)}
				r.cursor, _ = strconv.ParseInt(head, 10, 64)
				replicas[name] = r
			}
			var created struct {
				product  *ent.Product
				exhibit  *ent.Exhibitor
				category *ent.Category
				stand    *ent.Stand
			}
			steps := []struct {
				name  string
				write func(context.Context) error
			}{
				{"an exhibitor unpublished", f.first.Update().SetPublished(false).Exec},
				{"a product unpublished", f.product.Update().SetPublished(false).Exec},
				{"the exhibitor published again", f.first.Update().SetPublished(true).Exec},
				{"the product published again", f.product.Update().SetPublished(true).Exec},
				{"the product renamed", f.product.Update().SetName(i18n.Text{i18n.FR: "Amlou aux amandes"}).Exec},
				{"the product moved to another exhibitor, unpublished", f.product.Update().SetExhibitorID(f.second.ID).SetPublished(false).Exec},
				{"a product created, unpublished", func(context.Context) (err error) {
					created.product, err = c.Product.Create().SetExhibitorID(f.first.ID).SetName(i18n.Text{i18n.FR: "Safran de Taliouine"}).
						SetPrice(money.Money{MinorUnits: 9000, Currency: money.DefaultCurrency}).SetPublished(false).Save(sys)
					return err
				}},
				{"the new product published", func(context.Context) error { return created.product.Update().SetPublished(true).Exec(sys) }},
				{"the new product deleted", func(context.Context) error { return c.Product.DeleteOneID(created.product.ID).Exec(sys) }},
				{"an exhibitor created, unpublished, with a stand", func(context.Context) (err error) {
					created.exhibit, err = c.Exhibitor.Create().SetName(i18n.Text{i18n.FR: "Coopérative Tamazirt"}).SetSlug("tamazirt").
						SetKind(exhibitor.KindCOOPERATIVE).SetSector(exhibitor.SectorHANDICRAFT).SetProvince(exhibitor.ProvinceAZILAL).
						SetPublished(false).Save(sys)
					if err != nil {
						return err
					}
					created.stand, err = c.Stand.Create().SetFairID(f.stand.FairID).SetExhibitorID(created.exhibit.ID).
						SetCode("Z-99").SetHall("Z").Save(sys)
					return err
				}},
				{"the new exhibitor published", func(context.Context) error { return created.exhibit.Update().SetPublished(true).Exec(sys) }},
				{"its stand given to another exhibitor", func(context.Context) error { return created.stand.Update().SetExhibitorID(f.first.ID).Exec(sys) }},
				{"the stand deleted", func(context.Context) error { return c.Stand.DeleteOneID(created.stand.ID).Exec(sys) }},
				{"a category created", func(context.Context) (err error) {
					created.category, err = c.Category.Create().SetName(i18n.Text{i18n.FR: "Plantes aromatiques"}).SetSlug("plantes-aromatiques").Save(sys)
					return err
				}},
				{"the category deleted", func(context.Context) error { return c.Category.DeleteOneID(created.category.ID).Exec(sys) }},
				{"every product of a category unpublished at once", func(context.Context) error {
					cat, err := c.Category.Query().Where(category.HasProducts()).First(sys)
					if err != nil {
						return err
					}
					ids, err := c.Product.Query().Where(product.CategoryID(cat.ID)).IDs(sys)
					if err != nil {
						return err
					}
					for _, id := range ids {
						if err := c.Product.UpdateOneID(id).SetPublished(false).Exec(sys); err != nil {
							return err
						}
					}
					return nil
				}},
			}
			for _, step := range steps {
				if err := step.write(sys); err != nil {
					t.Fatalf("%s: %v", step.name, err)
				}
				for name, ctx := range who {
					r := replicas[name]
					r.follow(t, ctx, c, 7)
					if d := differences(r.rows, visible(t, ctx, c)); d != "" {
						t.Errorf("%s: %s's copy has %s", step.name, name, d)
					}
				}
			}
		})
	}
}

// TestLogKindsAsEachSeesThem checks what each caller is told of an exhibitor's
// unpublication: the organiser and the exhibitor itself that it changed, everyone else that it
// is gone, with its products; and nothing at all of a change to an unpublished product.
func TestLogKindsAsEachSeesThem(t *testing.T) {
	f := newFixture(t, "sqlite")
	c, sys := f.c, auth.System(context.Background())
	who := callers(f.first.ID, f.second.ID)
	head, _ := catalogue.Head(sys, c)
	since, _ := strconv.ParseInt(head, 10, 64)
	if err := f.first.Update().SetPublished(false).Exec(sys); err != nil {
		t.Fatal(err)
	}
	kindOf := func(ctx context.Context, id string) (string, bool) {
		page, err := catalogue.Changes(ctx, c, since, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range page.Changes {
			if ch.EntityID == id {
				return string(ch.Kind), ch.Node != nil
			}
		}
		return "", false
	}
	for name, want := range map[string]string{"organiser": "UPDATED", "first": "UPDATED", "second": "DELETED", "partner": "DELETED", "anonymous": "DELETED"} {
		for _, id := range []string{f.first.ID, f.product.ID, f.stand.ID} {
			got, node := kindOf(who[name], id)
			if got != want || node != (want != "DELETED") {
				t.Errorf("%s is told %q (node %v) of %s, want %s", name, got, node, id, want)
			}
		}
	}
	// A change to a row only the organiser and its exhibitor see tells no one else anything.
	head, _ = catalogue.Head(sys, c)
	since, _ = strconv.ParseInt(head, 10, 64)
	if err := f.product.Update().SetName(i18n.Text{i18n.FR: "Amlou en secret"}).Exec(sys); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"organiser": "UPDATED", "first": "UPDATED", "second": "", "partner": "", "anonymous": ""} {
		if got, _ := kindOf(who[name], f.product.ID); got != want {
			t.Errorf("%s is told %q of a change to an unpublished product, want %q", name, got, want)
		}
	}
}

// TestLogIsTransactional checks that a write rolled back leaves nothing in the log, and that
// the log's pages refuse a cursor ahead of it.
func TestLogIsTransactional(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, kind)
			sys := auth.System(context.Background())
			before, _ := catalogue.Head(sys, f.c)
			tx, err := f.c.Tx(sys)
			if err != nil {
				t.Fatal(err)
			}
			if err := tx.Product.UpdateOneID(f.product.ID).SetPublished(false).Exec(sys); err != nil {
				t.Fatal(err)
			}
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			if after, _ := catalogue.Head(sys, f.c); after != before {
				t.Errorf("a rolled back write moved the log from %s to %s", before, after)
			}
			n, _ := strconv.ParseInt(before, 10, 64)
			if _, err := catalogue.Changes(sys, f.c, n+1, 10); err == nil {
				t.Error("a cursor ahead of the log is accepted")
			}
			if _, err := catalogue.ParseCursor("-1"); err == nil {
				t.Error("a negative cursor is accepted")
			}
			if _, err := catalogue.ParseCursor("007"); err == nil {
				t.Error("a cursor not written as the log writes it is accepted")
			}
		})
	}
}

// TestPartnerCopiesWhileWritesHappen is a partner starting from nothing while exhibitors and
// organisers write, four at a time: it reads the log's head, pages through the catalogue,
// then follows the log from the head it read; once the writes stop and it has read the log to
// its end, its copy is exactly the catalogue it may read, deletions included. The log's
// entries are numbered without gaps, in the order their writes committed: a follower that
// read the log as the writes went never misses one.
func TestPartnerCopiesWhileWritesHappen(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, kind)
			c, sys := f.c, auth.System(context.Background())
			partner := callers(f.first.ID, f.second.ID)["partner"]
			products, err := c.Product.Query().Order(product.ByID()).IDs(sys)
			if err != nil {
				t.Fatal(err)
			}
			exhibitors, err := c.Exhibitor.Query().Order(exhibitor.ByID()).IDs(sys)
			if err != nil {
				t.Fatal(err)
			}

			ctx, stop := context.WithCancel(context.Background())
			var writers sync.WaitGroup
			errs := make(chan error, 4)
			for w := range 4 {
				writers.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(w), 7))
					var created []string
					for i := 0; ctx.Err() == nil && i < 60; i++ {
						if err := randomWrite(sys, c, rng, products, exhibitors, &created); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			// A follower that reads the log while it is written.
			var followed []int64
			following := make(chan struct{})
			go func() {
				defer close(following)
				var cursor int64
				for ctx.Err() == nil {
					page, err := catalogue.Changes(sys, c, cursor, 50)
					if err != nil {
						errs <- err
						return
					}
					for _, ch := range page.Changes {
						followed = append(followed, ch.Seq)
					}
					cursor, _ = strconv.ParseInt(page.Cursor, 10, 64)
				}
			}()

			head, err := catalogue.Head(partner, c)
			if err != nil {
				t.Fatal(err)
			}
			r := &replica{rows: map[string]cataloguechange.Entity{}}
			r.cursor, _ = strconv.ParseInt(head, 10, 64)
			// The catalogue, a page of 25 at a time, by ID, as the writes go on.
			copyPages := func(entity cataloguechange.Entity, page func(after string) ([]string, error)) {
				for after := ""; ; {
					ids, err := page(after)
					if err != nil {
						t.Fatal(err)
					}
					if len(ids) == 0 {
						return
					}
					for _, id := range ids {
						r.rows[id] = entity
					}
					after = ids[len(ids)-1]
				}
			}
			copyPages(catalogue.Exhibitor, func(after string) ([]string, error) {
				return c.Exhibitor.Query().Where(exhibitor.IDGT(after)).Order(exhibitor.ByID()).Limit(25).IDs(partner)
			})
			copyPages(catalogue.Product, func(after string) ([]string, error) {
				return c.Product.Query().Where(product.IDGT(after)).Order(product.ByID()).Limit(25).IDs(partner)
			})
			copyPages(catalogue.Category, func(after string) ([]string, error) {
				return c.Category.Query().Where(category.IDGT(after)).Order(category.ByID()).Limit(25).IDs(partner)
			})
			copyPages(catalogue.Stand, func(after string) ([]string, error) {
				return c.Stand.Query().Where(stand.IDGT(after)).Order(stand.ByID()).Limit(25).IDs(partner)
			})
			r.follow(t, partner, c, 40)
			writers.Wait()
			stop()
			<-following
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			r.follow(t, partner, c, 40)
			if d := differences(r.rows, visible(t, partner, c)); d != "" {
				t.Errorf("the partner's copy has %s", d)
			}

			// Every entry, numbered 1, 2, … in order; the follower saw them in that order.
			all, err := c.CatalogueChange.Query().Order(cataloguechange.BySeq()).Select(cataloguechange.FieldSeq).All(sys)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range all {
				if e.Seq != int64(i+1) {
					t.Fatalf("entry %d has the number %d", i+1, e.Seq)
				}
			}
			if !slices.IsSorted(followed) || len(followed) > len(all) {
				t.Errorf("the follower read %d entries, out of order or more than the %d written", len(followed), len(all))
			}
			for i, seq := range followed {
				if seq != int64(i+1) {
					t.Fatalf("the follower read entry %d after %d: it missed one committed late", seq, i)
				}
			}
		})
	}
}

// randomWrite makes one write an exhibitor or an organiser makes during a fair, in a
// transaction: a product renamed, unpublished or published, created or deleted, or an
// exhibitor unpublished or published. The products it creates are added to created, and those
// it deletes are taken from it.
func randomWrite(ctx context.Context, c *ent.Client, rng *rand.Rand, products, exhibitors []string, created *[]string) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	p := products[rng.IntN(len(products))]
	e := exhibitors[rng.IntN(len(exhibitors))]
	var made, deleted string
	switch rng.IntN(6) {
	case 0:
		err = tx.Product.UpdateOneID(p).SetName(i18n.Text{i18n.FR: fmt.Sprintf("Produit %d", rng.IntN(1000))}).Exec(ctx)
	case 1:
		err = tx.Product.UpdateOneID(p).SetPublished(rng.IntN(2) == 0).Exec(ctx)
	case 2:
		err = tx.Exhibitor.UpdateOneID(e).SetPublished(rng.IntN(3) != 0).Exec(ctx)
	case 3:
		var row *ent.Product
		row, err = tx.Product.Create().SetExhibitorID(e).SetName(i18n.Text{i18n.FR: "Nouveau produit"}).
			SetPrice(money.Money{MinorUnits: 1500, Currency: money.DefaultCurrency}).Save(ctx)
		if err == nil {
			made = row.ID
		}
	default:
		if len(*created) > 0 {
			deleted = (*created)[0]
			err = tx.Product.DeleteOneID(deleted).Exec(ctx)
		}
	}
	if err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if made != "" {
		*created = append(*created, made)
	}
	if deleted != "" {
		*created = (*created)[1:]
	}
	return nil
}
