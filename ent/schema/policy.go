package schema

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/schema/field"
	"github.com/vektah/gqlparser/v2/ast"

	"maarid"
	"maarid/auth"
	gen "maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/privacy"
	"maarid/ent/product"
)

// The access rules of the README's "Access" section, kept next to the data so that no resolver
// can forget them.
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

// publicPolicy is the policy of the fair's public data (fairs, spaces, speakers, categories,
// the programme's log, read by the feed only): everyone reads it, organisers change it.
func publicPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysAllowRule()},
		Mutation: organisersWrite,
	}
}

// organisersWrite lets organisers, and no one else, change a type.
var organisersWrite = privacy.MutationPolicy{allowOrganiser, privacy.AlwaysDenyRule()}

// organiserPolicy is the policy of what only organisers see: API keys.
func organiserPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{allowOrganiser, privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{allowOrganiser, privacy.AlwaysDenyRule()},
	}
}

// visibleOnly is the query rule that keeps, of every query of a type, the rows its caller may
// see (visible, one of auth.Viewer's Visible… predicates). Edge loads and counts are queries
// of their own, and pass it too.
func visibleOnly[Q interface{ Where(...P) Q }, P ~func(*sql.Selector)](visible func(*auth.Viewer) P) func(context.Context, Q) error {
	return func(ctx context.Context, q Q) error {
		if p := visible(auth.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return privacy.Skip
	}
}

// The rules below decide the writes of exhibitor keys on the rows as stored, read with system
// rights inside the writing transaction: a row the key may not see is not found, exactly as
// one that does not exist; a row it sees but does not own is refused.

// ownExhibitor lets an exhibitor key change its own exhibitor, and nothing else of it.
var ownExhibitor = privacy.ExhibitorMutationRuleFunc(func(ctx context.Context, m *gen.ExhibitorMutation) error {
	v := auth.FromContext(ctx)
	if v.Role != auth.Exhibitor || !m.Op().Is(ent.OpUpdateOne) {
		return privacy.Denyf("only organisers add exhibitors; an exhibitor key changes its own profile")
	}
	id, _ := m.ID()
	if v.Owns(id) {
		return privacy.Allow
	}
	seen, err := m.Client().Exhibitor.Query().Where(exhibitor.ID(id), v.VisibleExhibitors()).Exist(auth.System(ctx))
	switch {
	case err != nil:
		return err
	case !seen:
		return notFound("exhibitor", id)
	}
	return privacy.Denyf("an exhibitor key changes its own profile only")
})

// ownProducts lets an exhibitor key create, change and delete its own products, one at a
// time, and never give one to another exhibitor.
var ownProducts = privacy.ProductMutationRuleFunc(func(ctx context.Context, m *gen.ProductMutation) error {
	v := auth.FromContext(ctx)
	if v.Role != auth.Exhibitor {
		return privacy.Denyf("products are changed by their exhibitor's key or by organisers")
	}
	to, moved := m.ExhibitorID()
	switch {
	case m.Op().Is(ent.OpCreate):
		if !v.Owns(to) {
			return privacy.Denyf("an exhibitor key adds products to its own exhibitor only")
		}
		return privacy.Allow
	case m.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne):
		id, _ := m.ID()
		p, err := m.Client().Product.Query().Where(product.ID(id), v.VisibleProducts()).Only(auth.System(ctx))
		switch {
		case gen.IsNotFound(err):
			return notFound("product", id)
		case err != nil:
			return err
		case !v.Owns(p.ExhibitorID):
			return privacy.Denyf("an exhibitor key changes its own products only")
		case moved && !v.Owns(to):
			return privacy.Denyf("an exhibitor key cannot give its products to another exhibitor")
		}
		return privacy.Allow
	}
	return privacy.Denyf("an exhibitor key changes its products one at a time")
})

// notFound is the answer to a write on a row that does not exist, or that the caller may not
// see.
func notFound(what, id string) error {
	return &maarid.Error{Code: maarid.NotFound, Field: "id", Message: fmt.Sprintf("no %s has the ID %q", what, id)}
}

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

// withdrawn is the field that records the organisers' moderation of an exhibitor's row (its
// profile, a product): set when an organiser unpublishes it, cleared when an organiser
// publishes it again. While it is set, the exhibitor cannot publish the row (moderate).
func withdrawn() ent.Field {
	return field.Bool("withdrawn").
		Default(false).
		Comment("Unpublished by an organiser: only an organiser publishes it again.").
		Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipOrderField))
}

// moderate keeps the publication of an exhibitor's rows the organisers' to decide: an
// organiser who unpublishes a row withdraws it, one who publishes it restores it, and the
// exhibitor publishes and unpublishes its own rows as drafts, but cannot publish a withdrawn
// one. It decides on the row as stored.
func moderate(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		value, set := m.Field("published")
		published, _ := value.(bool)
		switch {
		case !set:
		case auth.IsSystem(ctx) || auth.FromContext(ctx).Is(auth.Organiser):
			if err := m.SetField("withdrawn", !published); err != nil {
				return nil, err
			}
		case published && m.Op().Is(ent.OpUpdateOne):
			withdrawn, err := m.OldField(auth.System(ctx), "withdrawn")
			if err != nil {
				return nil, err
			}
			if withdrawn == true {
				return nil, maarid.Errorf(maarid.Forbidden, "the fair's organisers withdrew this %s: only they can publish it again", strings.ToLower(m.Type()))
			}
		}
		return next.Mutate(ctx, m)
	})
}
