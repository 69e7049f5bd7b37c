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

// Space is a place in the venue of a fair where sessions are held or visitors gather.
type Space struct{ ent.Schema }

func (Space) Mixin() []ent.Mixin {
	return []ent.Mixin{
		idMixin{prefix: gid.Space},
		timeMixin{},
		sortKeyMixin{},
		textMixin{required: []string{"name"}},
	}
}

func (Space) Fields() []ent.Field {
	return []ent.Field{
		field.String("fair_id").
			Immutable(),
		localized("name"),
		localized("description"),
		field.Enum("kind").
			Values(spaceKinds.names()...).
			Annotations(spaceKinds),
		field.Int("capacity").
			Optional().
			Nillable().
			Positive(),
		field.Int("position").
			Default(0).
			Comment("Place in the venue's list of spaces.").
			Annotations(entgql.OrderField("POSITION")),
	}
}

func (Space) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("fair", Fair.Type).
			Ref("spaces").
			Field("fair_id").
			Unique().
			Required().
			Immutable(),
		edge.To("sessions", Session.Type).
			Annotations(entgql.RelayConnection()),
	}
}

func (Space) Indexes() []ent.Index {
	return []ent.Index{index.Fields("fair_id", "position")}
}

func (Space) Annotations() []schema.Annotation {
	return relay()
}

func (Space) Policy() ent.Policy { return publicPolicy() }
