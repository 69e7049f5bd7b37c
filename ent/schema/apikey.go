package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"maarid/gid"
)

// APIKey lets a partner, an exhibitor or an organiser call the API. Only a hash of its secret
// is stored; the secret is shown once, when the key is made.
type APIKey struct{ ent.Schema }

func (APIKey) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{prefix: gid.APIKey}, timeMixin{}}
}

func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty().
			MaxLen(200),
		field.Enum("role").
			Values("PARTNER", "EXHIBITOR", "ORGANISER").
			Comment("The auth.Role the key carries."),
		field.String("exhibitor_id").
			Optional().
			Nillable().
			Comment("The exhibitor an EXHIBITOR key acts for."),
		field.Bytes("secret_hash").
			Unique().
			Sensitive().
			Immutable(),
		field.Time("last_used_at").
			Optional().
			Nillable(),
		field.Time("revoked_at").
			Optional().
			Nillable(),
	}
}

func (APIKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("exhibitor", Exhibitor.Type).
			Ref("api_keys").
			Field("exhibitor_id").
			Unique(),
	}
}

// Annotations keep keys out of the GraphQL schema: they are managed from the command line.
func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}

func (APIKey) Policy() ent.Policy { return organiserPolicy() }
