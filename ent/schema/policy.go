package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/entql"
	"github.com/vektah/gqlparser/v2/ast"

	"maarid/auth"
	gen "maarid/ent"
	"maarid/ent/privacy"
	"maarid/ent/product"
)

// The access rules of DESIGN.md, kept next to the data so that no resolver can forget them.
// A rule returns privacy.Allow or privacy.Deny to decide, privacy.Skip to leave it to the
// next; a context made with privacy.DecisionContext(ctx, privacy.Allow) is the system itself
// (seeding, authentication) and passes every rule.

// allowOrganiser lets organisers do anything.
var allowOrganiser = privacy.ContextQueryMutationRule(func(ctx context.Context) error {
	if auth.FromContext(ctx).Is(auth.Organiser) {
		return privacy.Allow
	}
	return privacy.Skip
})

// publicPolicy is the policy of the fair's published data (fairs, spaces, sessions, speakers,
// categories, stands, the programme's log): everyone reads it, organisers change it.
func publicPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{allowOrganiser, privacy.AlwaysDenyRule()},
	}
}

// organiserPolicy is the policy of what only organisers see: API keys.
func organiserPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{allowOrganiser, privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{allowOrganiser, privacy.AlwaysDenyRule()},
	}
}

// publishedExhibitors hides the exhibitors that are not published, but from organisers and
// from the exhibitor itself.
var publishedExhibitors = visibleWhen("published", "id")

// publishedProducts hides the products that are not listed — not published, or sold by an
// exhibitor that is not — but from organisers and from the exhibitor that sells them.
var publishedProducts = visibleWhen("listed", "exhibitor_id")

// visibleWhen filters rows to those whose boolean column shown is true, and, for an exhibitor
// key, those whose column owner is its exhibitor; organisers see every row.
func visibleWhen(shown, owner string) privacy.FilterFunc {
	return func(ctx context.Context, f privacy.Filter) error {
		v := auth.FromContext(ctx)
		if v.SeesUnpublished() {
			return privacy.Skip
		}
		visible := entql.FieldEQ(shown, true)
		if v.Role == auth.Exhibitor {
			visible = entql.Or(visible, entql.FieldEQ(owner, v.ExhibitorID))
		}
		f.Where(visible)
		return privacy.Skip
	}
}

// ownExhibitor lets an exhibitor key change its own exhibitor, and nothing else of it.
var ownExhibitor = privacy.ExhibitorMutationRuleFunc(func(ctx context.Context, m *gen.ExhibitorMutation) error {
	id, ok := m.ID()
	if v := auth.FromContext(ctx); ok && m.Op().Is(ent.OpUpdateOne) && v.Owns(id) {
		return privacy.Allow
	}
	return privacy.Deny
})

// ownProducts lets an exhibitor key create, change and delete its own products, one at a
// time, and never move one to another exhibitor.
var ownProducts = privacy.ProductMutationRuleFunc(func(ctx context.Context, m *gen.ProductMutation) error {
	v := auth.FromContext(ctx)
	if v.Role != auth.Exhibitor {
		return privacy.Deny
	}
	if to, set := m.ExhibitorID(); set && !v.Owns(to) {
		return privacy.Denyf("an exhibitor can only sell its own products")
	}
	switch {
	case m.Op().Is(ent.OpCreate):
		return privacy.Allow
	case m.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne):
		id, _ := m.ID()
		p, err := m.Client().Product.Query().Where(product.ID(id)).Only(ctx)
		switch {
		case gen.IsNotFound(err):
			return privacy.Allow // ent answers NOT_FOUND, without telling whether it exists
		case err != nil:
			return err
		case v.Owns(p.ExhibitorID):
			return privacy.Allow
		}
	}
	return privacy.Deny
})

// redactContacts empties the contact of the exhibitors a query returns, unless the viewer may
// read it (auth.Viewer.SeesContacts). It runs on every query of exhibitors, eager loads too.
func redactContacts(next ent.Querier) ent.Querier {
	return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
		value, err := next.Query(ctx, q)
		if err != nil {
			return value, err
		}
		v := auth.FromContext(ctx)
		if v.Is(auth.Partner, auth.Organiser) || auth.IsSystem(ctx) {
			return value, nil
		}
		redact := func(e *gen.Exhibitor) {
			if e != nil && !v.SeesContacts(e.ID) {
				e.Contact = nil
			}
		}
		switch value := value.(type) {
		case []*gen.Exhibitor:
			for _, e := range value {
				redact(e)
			}
		case *gen.Exhibitor:
			redact(value)
		}
		return value, nil
	})
}

// forceResolver has gqlgen resolve a field by hand, here to say why a protected field is
// null.
func forceResolver() entgql.Directive {
	return entgql.NewDirective("goField", &ast.Argument{
		Name:  "forceResolver",
		Value: &ast.Value{Kind: ast.BooleanValue, Raw: "true"},
	})
}
