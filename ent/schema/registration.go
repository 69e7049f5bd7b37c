package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"maarid/ent/privacy"
	"maarid/gid"
)

// Registration is a place asked for in a session. Its attendee's data is personal: it is
// marked sensitive so that it never appears in logs or printed values.
type Registration struct{ ent.Schema }

func (Registration) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{prefix: gid.Registration}, timeMixin{}}
}

func (Registration) Fields() []ent.Field {
	return []ent.Field{
		field.String("session_id").
			Immutable(),
		field.String("exhibitor_id").
			Optional().
			Nillable(),
		field.String("name").
			NotEmpty().
			MaxLen(200).
			Sensitive(),
		field.String("email").
			Optional().
			MaxLen(254).
			Sensitive(),
		field.String("phone").
			Optional().
			MaxLen(40).
			Sensitive(),
		field.Enum("status").
			Values(registrationStatuses.names()...).
			Annotations(registrationStatuses),
		field.Bytes("manage_token_hash").
			Optional().
			Nillable().
			Unique().
			Sensitive().
			Comment("The SHA-256 of the secret that lets the attendee see and cancel the registration; the secret itself is given once."),
	}
}

func (Registration) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("session", Session.Type).
			Ref("registrations").
			Field("session_id").
			Unique().
			Required().
			Immutable(),
		edge.From("exhibitor", Exhibitor.Type).
			Ref("registrations").
			Field("exhibitor_id").
			Unique(),
	}
}

func (Registration) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("session_id", "status", "created_at"),
		index.Fields("exhibitor_id"),
	}
}

// Annotations leave the attendee's data to hand-written fields that only organisers read.
func (Registration) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}

// Policy lets anyone ask for a place and only organisers read or change registrations: they
// hold personal data.
func (Registration) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{allowOrganiser, privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{
			allowOrganiser,
			privacy.OnMutationOperation(privacy.AlwaysAllowRule(), ent.OpCreate),
			privacy.AlwaysDenyRule(),
		},
	}
}
