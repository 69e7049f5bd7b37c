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
	"maarid/i18n"
	"maarid/money"
)

// Fair is one edition of a fair: where and when it is held, and in which language its texts
// are read when the reader's language has no translation.
type Fair struct{ ent.Schema }

func (Fair) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{prefix: gid.Fair}, timeMixin{}, textMixin{required: []string{"name"}}}
}

func (Fair) Fields() []ent.Field {
	return []ent.Field{
		localized("name"),
		localized("theme"),
		localized("city"),
		localized("region"),
		localized("venue"),
		localized("organizer"),
		field.String("slug").
			Unique().
			NotEmpty().
			MaxLen(100).
			Match(slugPattern).
			Comment("Stable, readable key of the edition, e.g. bmk-ess-2018."),
		field.Int("edition").
			Default(1).
			Positive(),
		field.Time("starts_on").
			Comment("First day, at midnight UTC; a calendar date in the fair's time zone.").
			Annotations(entgql.Type("Date"), entgql.OrderField("STARTS_ON")),
		field.Time("ends_on").
			Comment("Last day, inclusive, at midnight UTC.").
			Annotations(entgql.Type("Date"), entgql.OrderField("ENDS_ON")),
		field.String("time_zone").
			Default("Africa/Casablanca").
			NotEmpty(),
		field.String("currency").
			Default(money.DefaultCurrency).
			Validate(func(code string) error {
				if !money.KnownCurrency(code) {
					return fmt.Errorf("%q is not a currency Maarid prices in", code)
				}
				return nil
			}).
			Comment("The currency of the fair's prices, an ISO 4217 code: every product of its exhibitors is priced in it."),
		field.Float("area_sqm").
			Optional().
			Nillable().
			Positive().
			Comment("The area of the fair's grounds, in square metres."),
		field.Enum("default_language").
			GoType(i18n.AR).
			Default(string(i18n.AR)).
			Annotations(entgql.Type("Language"), entgql.Skip(entgql.SkipEnumField)),
		field.Bool("demo").
			Default(false).
			Comment("Made-up data to try Maarid with, not a real fair's."),
	}
}

func (Fair) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("spaces", Space.Type),
		edge.To("stands", Stand.Type).
			Annotations(entgql.RelayConnection()),
		edge.To("sessions", Session.Type).
			Annotations(entgql.RelayConnection()),
		edge.To("changes", ProgrammeChange.Type).
			Annotations(entgql.Skip()),
	}
}

func (Fair) Indexes() []ent.Index {
	return []ent.Index{index.Fields("starts_on")}
}

func (Fair) Annotations() []schema.Annotation {
	return relay()
}

func (Fair) Policy() ent.Policy { return publicPolicy() }
