package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"maarid/auth"
	gen "maarid/ent"
	"maarid/ent/privacy"
	"maarid/gid"
)

// Stand is where an exhibitor is at one fair.
type Stand struct{ ent.Schema }

func (Stand) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{prefix: gid.Stand}, timeMixin{}}
}

func (Stand) Fields() []ent.Field {
	return []ent.Field{
		field.String("fair_id").
			Immutable(),
		field.String("exhibitor_id"),
		field.String("code").
			NotEmpty().
			MaxLen(20).
			Comment("The stand's number on the floor plan, e.g. A-12.").
			Annotations(entgql.OrderField("CODE")),
		field.String("hall").
			MaxLen(60).
			Comment("Hall or zone of the venue, e.g. A."),
		field.Float("area_sqm").
			Optional().
			Nillable().
			Positive().
			Comment("The stand's floor area, in square metres."),
	}
}

func (Stand) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("fair", Fair.Type).
			Ref("stands").
			Field("fair_id").
			Unique().
			Required().
			Immutable(),
		edge.From("exhibitor", Exhibitor.Type).
			Ref("stands").
			Field("exhibitor_id").
			Unique().
			Required(),
	}
}

func (Stand) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("fair_id", "code").Unique(),
		index.Fields("exhibitor_id"),
	}
}

func (Stand) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.MultiOrder()}
}

// Policy shows a stand to those who may see its exhibitor; organisers change stands.
func (Stand) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.StandQueryRuleFunc(visibleOnly[*gen.StandQuery]((*auth.Viewer).VisibleStands))},
		Mutation: organisersWrite,
	}
}
