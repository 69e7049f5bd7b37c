package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"

	"maarid/auth"
	"maarid/ent"
	entcategory "maarid/ent/category"
	"maarid/gid"
	"maarid/i18n"
	"maarid/money"
)

// LargeCatalogue is the number of products benchmarks add with SeedCatalogue: the environment's
// MAARID_BENCH_PRODUCTS, else 100,000, a national fair's catalogue.
func LargeCatalogue() int {
	if n, err := strconv.Atoi(os.Getenv("MAARID_BENCH_PRODUCTS")); err == nil && n >= 0 {
		return n
	}
	return 100_000
}

// Seeds of the large catalogue, fixed: the same catalogue on every run.
const largeSeed1, largeSeed2 = 0x6d617269, 0x64313030

// SeedCatalogue adds n products to the demo fair that Seed wrote, for measuring a catalogue
// the size of a national fair's: the demo's products of each kind, each from one of the
// region's communes and in one of a few presentations (« Miel de thym – Zaouiat Ahansal,
// pot de 250 g n° 12 »), spread over the demo's exhibitors. The same n gives the same
// catalogue every time.
func SeedCatalogue(ctx context.Context, c *ent.Client, n int) error {
	ctx = auth.System(ctx)
	exhibitors, err := c.Exhibitor.Query().IDs(ctx)
	if err != nil {
		return err
	}
	categories, err := c.Category.Query().Where(entcategory.HasParent()).All(ctx)
	if err != nil {
		return err
	}
	bySlug := map[string]string{}
	for _, cat := range categories {
		bySlug[cat.Slug] = cat.ID
	}
	slugs := slices.Sorted(func(yield func(string) bool) {
		for slug := range leaves {
			if !yield(slug) {
				return
			}
		}
	})
	var communes []*commune
	for i := range provinces {
		for j := range provinces[i].communes {
			communes = append(communes, &provinces[i].communes[j])
		}
	}
	slices.Sort(exhibitors)
	s := &seeder{rng: rand.New(rand.NewPCG(largeSeed1, largeSeed2)), ids: newIDs()}
	s.ids.entropy = pcgReader{rand.NewPCG(largeSeed2, largeSeed1)}
	builders := make([]*ent.ProductCreate, 0, batchSize)
	for i := range n {
		slug := pick(s, slugs)
		p := pick(s, leaves[slug].products)
		place := communes[s.rng.IntN(len(communes))].label()
		name := compose(p.name, text(" – ", " – ", " – "), place)
		if s.chance(0.5) {
			name = compose(name, text(fmt.Sprintf("، رقم %d", i%97+1), fmt.Sprintf(", n° %d", i%97+1), fmt.Sprintf(", no. %d", i%97+1)))
		}
		builders = append(builders, c.Product.Create().
			SetID(s.ids.next(gid.Product)).
			SetExhibitorID(pick(s, exhibitors)).
			SetCategoryID(bySlug[slug]).
			SetName(without(name, i18n.ZGH)).
			SetDescription(p.description).
			SetUnit(p.unit).
			SetPrice(money.Money{MinorUnits: s.price(p.price), Currency: money.DefaultCurrency}).
			SetLabels(append([]string{}, p.labels[:s.rng.IntN(len(p.labels)+1)]...)).
			SetAvailable(s.chance(0.9)))
		if len(builders) == batchSize || i == n-1 {
			if err := c.Product.CreateBulk(builders...).Exec(ctx); err != nil {
				return err
			}
			builders = builders[:0]
		}
	}
	return nil
}
