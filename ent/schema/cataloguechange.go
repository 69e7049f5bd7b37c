package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"maarid/ent/privacy"
	"maarid/gid"
)

// CatalogueChange is an entry of the append-only log of catalogue changes, which partners
// follow to keep a copy of the catalogue: every create, update and delete of an exhibitor, a
// product, a category or a stand, written in the transaction of the write (package catalogue).
// Who may see the row before and after the change is kept from the row as stored, so that
// each reader is told of the change as it sees it.
type CatalogueChange struct{ ent.Schema }

func (CatalogueChange) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{prefix: gid.CatalogueChange}}
}

func (CatalogueChange) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("seq").
			Unique().
			Immutable().
			Positive(),
		field.Enum("entity").
			Values("EXHIBITOR", "PRODUCT", "CATEGORY", "STAND").
			Immutable(),
		field.String("entity_id").
			Immutable(),
		field.Enum("kind").
			Values("CREATED", "UPDATED", "DELETED").
			Immutable(),
		field.Bool("public").
			Immutable().
			Comment("Whether everyone may see the row as the change left it; false for DELETED."),
		field.Bool("was_public").
			Immutable().
			Comment("Whether everyone could see the row before the change; false for CREATED."),
		field.String("owner").
			Optional().
			Immutable().
			Comment("The exhibitor whose keys see the row as the change left it, published or not."),
		field.String("was_owner").
			Optional().
			Immutable().
			Comment("The exhibitor whose keys saw the row before the change."),
		field.Time("at").
			Default(time.Now).
			Immutable(),
		field.String("actor").
			Optional().
			Immutable().
			Comment("Who made the change: an API key's name."),
	}
}

func (CatalogueChange) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("entity_id", "seq"),
	}
}

// Annotations keep the log out of the generated SDL; its GraphQL face is hand-written.
func (CatalogueChange) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}

// Policy: the log is read and written by the system only (package catalogue), which shows
// each reader what it may see of it.
func (CatalogueChange) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}
