package schema

import (
	"context"
	"errors"
	"slices"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"maarid"
	"maarid/auth"
	gen "maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/fair"
	"maarid/ent/hook"
	"maarid/ent/privacy"
	"maarid/ent/stand"
	"maarid/gid"
	"maarid/money"
)

// Product is something an exhibitor offers: regional produce, handicraft or a service.
type Product struct{ ent.Schema }

func (Product) Mixin() []ent.Mixin {
	return []ent.Mixin{
		idMixin{prefix: gid.Product},
		timeMixin{},
		sortKeyMixin{},
		textMixin{required: []string{"name"}},
	}
}

func (Product) Fields() []ent.Field {
	return []ent.Field{
		field.String("exhibitor_id"),
		field.String("category_id").
			Optional().
			Nillable(),
		localized("name"),
		localized("description"),
		localized("unit"),
		field.Other("price", money.Money{}).
			SchemaType(map[string]string{dialect.SQLite: "text", dialect.Postgres: "text"}).
			Comment("The price and its currency, stored as \"3550 MAD\".").
			Annotations(
				entgql.Type("Money"),
				entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
			),
		field.Int64("price_minor_units").
			NonNegative().
			Comment("The amount of price, kept by a hook, so that PRICE ordering and price filters use an index.").
			Annotations(
				entgql.OrderField("PRICE"),
				entgql.Skip(entgql.SkipType, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
		field.Strings("labels").
			Default([]string{}).
			Comment("Quality signs, e.g. IGP, AOP, BIO, LABEL_AGRICOLE."),
		field.Bool("available").
			Default(true),
		field.Strings("image_urls").
			Default([]string{}).
			Comment("Pictures of the product: http(s) URLs, or paths of pictures Maarid serves.").
			Annotations(entgql.Directives(forceResolver())),
		field.Bool("published").
			Default(true),
		withdrawn(),
		field.Bool("listed").
			Default(true).
			Comment("Published, and its exhibitor too: what visitors and partners see, kept by hooks so that " +
				"reading the catalogue costs no join.").
			Annotations(entgql.Skip()),
	}
}

func (Product) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("exhibitor", Exhibitor.Type).
			Ref("products").
			Field("exhibitor_id").
			Unique().
			Required(),
		edge.From("category", Category.Type).
			Ref("products").
			Field("category_id").
			Unique(),
	}
}

func (Product) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("name_sort_ar", "id"),
		index.Fields("name_sort_fr", "id"),
		index.Fields("name_sort_en", "id"),
		index.Fields("name_sort_zgh", "id"),
		index.Fields("exhibitor_id", "name_sort_ar", "id"),
		index.Fields("category_id", "price_minor_units"),
		// What visitors see, by category and by exhibitor: the catalogue's facets count them
		// from these indexes rather than the products.
		index.Fields("listed", "category_id"),
		index.Fields("listed", "exhibitor_id"),
		// The catalogue's order, by price then name, in the fair's two languages; in English
		// and Tamazight the names of each price are sorted as read.
		index.Fields("price_minor_units", "name_sort_ar", "id"),
		index.Fields("price_minor_units", "name_sort_fr", "id"),
	}
}

func (Product) Annotations() []schema.Annotation {
	return relay(entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()))
}

func (Product) Hooks() []ent.Hook {
	return []ent.Hook{
		derivePrice,
		checkCurrency,
		checkImages,
		checkCodes("labels", func(m ent.Mutation) ([]string, bool) { return m.(*gen.ProductMutation).AppendedLabels() }),
		moderate,
		listProduct,
	}
}

// derivePrice validates the price on every write and keeps price_minor_units in step with it.
var derivePrice = derive("price", "price_minor_units", func(price money.Money) (ent.Value, error) {
	if err := price.Validate(); err != nil {
		return nil, maarid.Invalid("price", "%v", err)
	}
	return price.MinorUnits, nil
})

func (Product) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.ProductQueryRuleFunc(visibleOnly[*gen.ProductQuery]((*auth.Viewer).VisibleProducts))},
		Mutation: privacy.MutationPolicy{allowOrganiser, ownProducts},
	}
}

// checkCurrency holds a price to the currency of its exhibitor's fairs (of every fair, for an
// exhibitor that has no stand yet): a price in another would be listed, compared and sorted
// with the fair's as if it were in theirs.
func checkCurrency(next ent.Mutator) ent.Mutator {
	return hook.ProductFunc(func(ctx context.Context, m *gen.ProductMutation) (ent.Value, error) {
		price, ok := m.Price()
		if !ok {
			return next.Mutate(ctx, m)
		}
		exhibitorID, ok := m.ExhibitorID()
		if !ok {
			var err error
			if exhibitorID, err = m.OldExhibitorID(ctx); err != nil {
				return nil, err
			}
		}
		system := auth.System(ctx)
		fairs := m.Client().Fair.Query().Where(fair.HasStandsWith(stand.ExhibitorID(exhibitorID)))
		currencies, err := fairs.Unique(true).Select(fair.FieldCurrency).Strings(system)
		if err == nil && len(currencies) == 0 {
			currencies, err = m.Client().Fair.Query().Unique(true).Select(fair.FieldCurrency).Strings(system)
		}
		if err != nil {
			return nil, err
		}
		if len(currencies) > 0 && !slices.Contains(currencies, price.Currency) {
			return nil, maarid.Invalid("price", "the fair prices in %s: give the price in %s, not %s",
				strings.Join(currencies, " or "), strings.Join(currencies, " or "), price.Currency)
		}
		return next.Mutate(ctx, m)
	})
}

// checkImages validates the image URLs a write sets or appends.
func checkImages(next ent.Mutator) ent.Mutator {
	return hook.ProductFunc(func(ctx context.Context, m *gen.ProductMutation) (ent.Value, error) {
		urls, _ := m.ImageUrls()
		appended, _ := m.AppendedImageUrls()
		if err := webURLs(append(urls, appended...)); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

// listProduct keeps listed in step when a product is made, published, unpublished or moved.
func listProduct(next ent.Mutator) ent.Mutator {
	return hook.ProductFunc(func(ctx context.Context, m *gen.ProductMutation) (ent.Value, error) {
		published, setPublished := m.Published()
		exhibitorID, setExhibitor := m.ExhibitorID()
		if !setPublished && !setExhibitor {
			return next.Mutate(ctx, m)
		}
		if m.Op().Is(ent.OpUpdate) {
			return nil, errors.New("change the publication of products one at a time")
		}
		system := privacy.DecisionContext(ctx, privacy.Allow)
		var err error
		if !setPublished && m.Op().Is(ent.OpUpdateOne) {
			if published, err = m.OldPublished(system); err != nil {
				return nil, err
			}
		}
		if !setExhibitor && m.Op().Is(ent.OpUpdateOne) {
			if exhibitorID, err = m.OldExhibitorID(system); err != nil {
				return nil, err
			}
		}
		exhibitorListed := false
		if exhibitorID != "" {
			exhibitorListed, err = m.Client().Exhibitor.Query().
				Where(exhibitor.ID(exhibitorID), exhibitor.Published(true)).
				Exist(system)
			if err != nil {
				return nil, err
			}
		}
		m.SetListed(published && exhibitorListed)
		return next.Mutate(ctx, m)
	})
}
