package schema

import (
	"context"
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"maarid"
	"maarid/auth"
	gen "maarid/ent"
	"maarid/ent/hook"
	"maarid/ent/privacy"
	"maarid/ent/product"
	"maarid/gid"
)

// slugPattern is the shape of every slug: lower-case ASCII words joined by hyphens.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Exhibitor is an organisation that exhibits at fairs: a cooperative, an association, a mutual,
// a company or a public body. It is kept across editions; Stand places it at one fair.
type Exhibitor struct{ ent.Schema }

func (Exhibitor) Mixin() []ent.Mixin {
	return []ent.Mixin{
		idMixin{prefix: gid.Exhibitor},
		timeMixin{},
		sortKeyMixin{},
		textMixin{required: []string{"name"}},
	}
}

func (Exhibitor) Fields() []ent.Field {
	return []ent.Field{
		localized("name"),
		localized("description"),
		localized("commune"),
		field.String("slug").
			Unique().
			NotEmpty().
			MaxLen(120).
			Match(slugPattern),
		field.Enum("kind").
			Values(exhibitorKinds.names()...).
			Annotations(exhibitorKinds),
		field.Enum("sector").
			Values(sectors.names()...).
			Comment("The exhibitor's main sector.").
			Annotations(entgql.Type("Sector"), sectors),
		field.Enum("province").
			Values(provinces.names()...).
			Comment("Province of the region of Béni Mellal-Khénifra, or OTHER outside it.").
			Annotations(entgql.Type("Province"), provinces),
		field.Int("founded_year").
			Optional().
			Nillable().
			Range(1900, 2100),
		field.Int("member_count").
			Optional().
			Nillable().
			NonNegative(),
		field.Bool("women_led").
			Default(false),
		field.Bool("youth_led").
			Default(false),
		field.JSON("contact", &maarid.Contact{}).
			Optional().
			Comment("Protected: read by partners, organisers and the exhibitor itself; hidden from others by an interceptor.").
			Annotations(
				entgql.Type("ExhibitorContact"),
				entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
				entgql.Directives(forceResolver()),
			),
		field.String("logo_url").
			Optional().
			Nillable().
			MaxLen(2000).
			Validate(maarid.CheckPictureURL).
			Comment("An http(s) URL, or the path of a picture Maarid serves.").
			Annotations(entgql.Directives(forceResolver()), entgql.Skip(entgql.SkipWhereInput)),
		field.Strings("labels").
			Default([]string{}).
			Comment("Quality labels and certifications, as codes: e.g. ONSSA, BIO."),
		field.Bool("published").
			Default(true),
		withdrawn(),
	}
}

func (Exhibitor) Edges() []ent.Edge {
	return []ent.Edge{
		// Products and stands are changed from their own side, where their rules are.
		edge.To("products", Product.Type).
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("stands", Stand.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("registrations", Registration.Type).
			Annotations(entgql.Skip()),
		edge.To("api_keys", APIKey.Type).
			Annotations(entgql.Skip()),
	}
}

func (Exhibitor) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("name_sort_ar", "id"),
		index.Fields("name_sort_fr", "id"),
		index.Fields("name_sort_en", "id"),
		index.Fields("name_sort_zgh", "id"),
		index.Fields("province", "name_sort_ar"),
		index.Fields("kind"),
	}
}

func (Exhibitor) Annotations() []schema.Annotation {
	return relay(entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()))
}

func (Exhibitor) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.ExhibitorQueryRuleFunc(visibleOnly[*gen.ExhibitorQuery]((*auth.Viewer).VisibleExhibitors))},
		Mutation: privacy.MutationPolicy{allowOrganiser, ownExhibitor},
	}
}

func (Exhibitor) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{ent.InterceptFunc(redactContacts)}
}

func (Exhibitor) Hooks() []ent.Hook {
	return []ent.Hook{
		check("contact", func(c *maarid.Contact) error { return c.Validate() }),
		checkCodes("labels", func(m ent.Mutation) ([]string, bool) { return m.(*gen.ExhibitorMutation).AppendedLabels() }),
		moderate,
		listProducts,
	}
}

// listProducts lists or unlists an exhibitor's products with it when it is published or
// unpublished.
func listProducts(next ent.Mutator) ent.Mutator {
	return hook.ExhibitorFunc(func(ctx context.Context, m *gen.ExhibitorMutation) (ent.Value, error) {
		published, set := m.Published()
		if !set || m.Op().Is(ent.OpCreate) {
			return next.Mutate(ctx, m)
		}
		ids, err := m.IDs(privacy.DecisionContext(ctx, privacy.Allow))
		if err != nil {
			return nil, err
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return nil, err
		}
		update := m.Client().Product.Update().Where(product.ExhibitorIDIn(ids...)).SetListed(published)
		if published {
			update.Where(product.Published(true))
		}
		if err := update.Exec(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
			return nil, err
		}
		return v, nil
	})
}
