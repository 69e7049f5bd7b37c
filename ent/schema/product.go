package schema

import (
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

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
		// The price is exposed as `price: Money`; the columns stay filterable and orderable.
		field.Int64("price_minor_units").
			NonNegative().
			Comment("Price in the currency's minor units (centimes for MAD).").
			Annotations(entgql.OrderField("PRICE"), entgql.Skip(entgql.SkipType)),
		field.String("currency").
			Default(money.DefaultCurrency).
			Validate(currency).
			Annotations(entgql.Skip(entgql.SkipType)),
		field.Strings("labels").
			Default([]string{}).
			Comment("Quality signs, e.g. IGP, AOP, BIO, LABEL_AGRICOLE."),
		field.Bool("available").
			Default(true),
		field.Strings("image_urls").
			Default([]string{}),
		field.Bool("published").
			Default(true),
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
		index.Fields("name_sort"),
		index.Fields("exhibitor_id", "name_sort"),
		index.Fields("category_id", "price_minor_units"),
		index.Fields("price_minor_units", "name_sort"),
	}
}

func (Product) Annotations() []schema.Annotation {
	return relay()
}

func currency(code string) error {
	if !money.KnownCurrency(code) {
		return fmt.Errorf("unknown currency %q", code)
	}
	return nil
}
