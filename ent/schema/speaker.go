package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"maarid"
	"maarid/gid"
)

// Speaker is a person who leads or speaks at sessions.
type Speaker struct{ ent.Schema }

func (Speaker) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{prefix: gid.Speaker}, timeMixin{}, textMixin{}}
}

func (Speaker) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty().
			MaxLen(200).
			Comment("The name as the speaker writes it.").
			Annotations(entgql.OrderField("NAME")),
		field.String("organization").
			Optional().
			MaxLen(300),
		localized("bio"),
		field.String("photo_url").
			Optional().
			Nillable().
			MaxLen(2000).
			Validate(maarid.CheckPictureURL).
			Comment("An http(s) URL, or the path of a picture Maarid serves.").
			Annotations(entgql.Directives(forceResolver()), entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (Speaker) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("sessions", Session.Type).
			Ref("speakers"),
	}
}

func (Speaker) Indexes() []ent.Index {
	return []ent.Index{index.Fields("name")}
}

func (Speaker) Annotations() []schema.Annotation {
	return relay()
}

func (Speaker) Policy() ent.Policy { return publicPolicy() }
