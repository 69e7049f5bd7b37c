package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"maarid"
	"maarid/gid"
)

// ProgrammeChange is an entry of the append-only log of programme changes, which screens and
// exports follow. Its sequence orders the log and is what a feed cursor points at.
type ProgrammeChange struct{ ent.Schema }

func (ProgrammeChange) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{prefix: gid.ProgrammeChange}}
}

func (ProgrammeChange) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("seq").
			Unique().
			Immutable().
			Positive(),
		field.String("fair_id").
			Immutable(),
		field.String("session_id").
			Immutable(),
		field.Enum("kind").
			Values("ADDED", "RESCHEDULED", "MOVED", "UPDATED", "CANCELLED", "RESTORED").
			Immutable(),
		field.JSON("before", &maarid.SessionState{}).
			Optional().
			Immutable(),
		field.JSON("after", &maarid.SessionState{}).
			Immutable(),
		field.String("reason").
			Optional().
			MaxLen(1000).
			Immutable(),
		field.Time("at").
			Default(time.Now).
			Immutable(),
		field.String("actor").
			Optional().
			Immutable().
			Comment("Who made the change: an API key's name."),
	}
}

func (ProgrammeChange) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("fair", Fair.Type).
			Ref("changes").
			Field("fair_id").
			Unique().
			Required().
			Immutable(),
		edge.From("session", Session.Type).
			Ref("changes").
			Field("session_id").
			Unique().
			Required().
			Immutable(),
	}
}

func (ProgrammeChange) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("fair_id", "seq"),
		index.Fields("session_id", "seq"),
	}
}

// Annotations keep the log out of the generated SDL; its GraphQL face is the hand-written feed.
func (ProgrammeChange) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}

func (ProgrammeChange) Policy() ent.Policy { return publicPolicy() }
