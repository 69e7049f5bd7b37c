package schema

import (
	"slices"

	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"maarid"
	"maarid/auth"
	gen "maarid/ent"
	"maarid/ent/privacy"
	"maarid/gid"
	"maarid/i18n"
)

// Session is an item of a fair's programme: a workshop, a training, a talk, a ceremony, an
// activity for children, B2B meetings.
type Session struct{ ent.Schema }

func (Session) Mixin() []ent.Mixin {
	return []ent.Mixin{
		idMixin{prefix: gid.Session},
		timeMixin{},
		textMixin{required: []string{"title"}},
	}
}

func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.String("fair_id").
			Immutable(),
		field.String("space_id").
			Optional().
			Nillable(),
		localized("title"),
		localized("description"),
		localized("audience"),
		field.Enum("kind").
			Values(sessionKinds.names()...).
			Annotations(sessionKinds),
		field.Strings("topics").
			Default([]string{}).
			Comment("Topic codes, e.g. COMMERCIAL_STRATEGY, FINANCIAL_MANAGEMENT."),
		field.JSON("languages", []i18n.Lang{}).
			Default([]i18n.Lang{}).
			Comment("Languages the session is held in.").
			Annotations(entgql.Type("[Language!]")),
		// Times and space change through rescheduleSession, which checks the programme's rules.
		field.Time("starts_at").
			Annotations(entgql.OrderField("STARTS_AT"), entgql.Skip(entgql.SkipMutationUpdateInput)),
		field.Time("ends_at").
			Annotations(entgql.OrderField("ENDS_AT"), entgql.Skip(entgql.SkipMutationUpdateInput)),
		field.Int("capacity").
			Optional().
			Nillable().
			Positive().
			Comment("Seats that can be booked; none means open entry."),
		field.Enum("status").
			Values(sessionStatuses.names()...).
			Default("SCHEDULED").
			Comment("Changed by cancelSession and restoreSession, which log the change.").
			Annotations(sessionStatuses, entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("version").
			Default(1).
			Comment("Raised by every change, for optimistic concurrency.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("seats_left").
			Optional().
			Nillable().
			NonNegative().
			Comment("Seats still free: set to the capacity when the session is made, taken by confirmed registrations. Null for open entry.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Bool("published").
			Default(true),
	}
}

func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("fair", Fair.Type).
			Ref("sessions").
			Field("fair_id").
			Unique().
			Required().
			Immutable(),
		edge.From("space", Space.Type).
			Ref("sessions").
			Field("space_id").
			Unique().
			Annotations(entgql.Skip(entgql.SkipMutationUpdateInput)),
		edge.To("speakers", Speaker.Type),
		// Read through Session.registrations, which says FORBIDDEN to all but organisers.
		edge.To("registrations", Registration.Type).
			Annotations(entgql.Skip()),
		edge.To("changes", ProgrammeChange.Type).
			Annotations(entgql.Skip()),
	}
}

func (Session) Hooks() []ent.Hook {
	return []ent.Hook{
		openSeats,
		checkCodes("topics", func(m ent.Mutation) ([]string, bool) { return m.(*gen.SessionMutation).AppendedTopics() }),
		check("languages", func(langs []i18n.Lang) error {
			for i, l := range langs {
				if slices.Contains(langs[:i], l) {
					return maarid.Invalid("languages", "%s is there twice", l.Enum())
				}
			}
			return nil
		}),
	}
}

// openSeats gives a new session with a capacity as many free seats.
func openSeats(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		capacity, hasCapacity := m.Field("capacity")
		if _, set := m.Field("seats_left"); m.Op().Is(ent.OpCreate) && hasCapacity && !set {
			if err := m.SetField("seats_left", capacity); err != nil {
				return nil, err
			}
		}
		return next.Mutate(ctx, m)
	})
}

func (Session) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("starts_at", "id"),
		index.Fields("fair_id", "starts_at"),
		index.Fields("space_id", "starts_at"),
	}
}

func (Session) Annotations() []schema.Annotation {
	return relay(entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()))
}

// Policy shows the published sessions to everyone, the others to organisers, who alone change
// the programme.
func (Session) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.SessionQueryRuleFunc(visibleOnly[*gen.SessionQuery]((*auth.Viewer).VisibleSessions))},
		Mutation: organisersWrite,
	}
}
