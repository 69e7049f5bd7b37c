package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"maarid/gid"
)

// Category is a node of the product category tree: a sector at the top (regional produce,
// handicrafts, services), the kinds of product below it.
type Category struct{ ent.Schema }

func (Category) Mixin() []ent.Mixin {
	return []ent.Mixin{
		idMixin{prefix: gid.Category},
		timeMixin{},
		sortKeyMixin{},
		textMixin{required: []string{"name"}},
	}
}

func (Category) Fields() []ent.Field {
	return []ent.Field{
		field.String("parent_id").
			Optional().
			Nillable(),
		localized("name"),
		localized("description"),
		field.String("slug").
			Unique().
			NotEmpty().
			MaxLen(100).
			Match(slugPattern),
		field.Int("position").
			Default(0).
			Comment("Place among its siblings in menus.").
			Annotations(entgql.OrderField("POSITION")),
	}
}

func (Category) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Category.Type).
			From("parent").
			Field("parent_id").
			Unique(),
		edge.To("products", Product.Type).
			Annotations(entgql.RelayConnection()),
	}
}

func (Category) Indexes() []ent.Index {
	return []ent.Index{index.Fields("parent_id", "position")}
}

func (Category) Annotations() []schema.Annotation {
	return relay()
}

func (Category) Policy() ent.Policy { return publicPolicy() }
