package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"maarid"
	"maarid/ent"
	"maarid/ent/category"
	"maarid/ent/exhibitor"
	"maarid/ent/fair"
	"maarid/ent/session"
	"maarid/ent/space"
	"maarid/ent/speaker"
	"maarid/gid"
)

// CheckReferences is the gqlgen extension that refuses a mutation whose arguments name, by
// its ID, something that does not exist or that the caller may not see — NOT_FOUND — or
// something of another type than the field takes — BAD_USER_INPUT — naming the field, before
// anything is written. A field that takes IDs is named after what they refer to: categoryID,
// speakerIDs, addSpeakerIDs… (referenced).
type CheckReferences struct{ schema *ast.Schema }

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
} = (*CheckReferences)(nil)

func (*CheckReferences) ExtensionName() string { return "CheckReferences" }

func (c *CheckReferences) Validate(s graphql.ExecutableSchema) error {
	c.schema = s.Schema()
	return nil
}

func (c *CheckReferences) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Object != "Mutation" || fc.Field.Field == nil || fc.Field.Definition == nil {
		return next(ctx)
	}
	refs := map[string][]string{} // by field
	values := fc.Field.ArgumentMap(graphql.GetOperationContext(ctx).Variables)
	for _, arg := range fc.Field.Definition.Arguments {
		c.collect(values[arg.Name], arg.Type, arg.Name, refs)
	}
	if client := ent.FromContext(ctx); client != nil && len(refs) > 0 {
		if err := checkReferences(ctx, client, refs); err != nil {
			return nil, err
		}
	}
	return next(ctx)
}

// collect adds to refs the IDs that v, a value of type t given for the field named field,
// holds.
func (c *CheckReferences) collect(v any, t *ast.Type, field string, refs map[string][]string) {
	switch {
	case v == nil:
	case t.Elem != nil:
		list, ok := v.([]any)
		if !ok {
			list = []any{v}
		}
		for _, e := range list {
			c.collect(e, t.Elem, field, refs)
		}
	case t.NamedType == "ID":
		if id, ok := v.(string); ok && field != "id" {
			refs[field] = append(refs[field], id)
		}
	default:
		def := c.schema.Types[t.NamedType]
		fields, ok := v.(map[string]any)
		if def == nil || def.Kind != ast.InputObject || !ok {
			return
		}
		for _, fd := range def.Fields {
			c.collect(fields[fd.Name], fd.Type, fd.Name, refs)
		}
	}
}

// reference is a type that a mutation's arguments refer to by ID.
type reference struct {
	name string
	// existing returns those of ids that exist and that the caller of ctx may see.
	existing func(ctx context.Context, client *ent.Client, ids []string) ([]string, error)
}

var references = map[string]reference{
	gid.Category: {"category", func(ctx context.Context, c *ent.Client, ids []string) ([]string, error) {
		return c.Category.Query().Where(category.IDIn(ids...)).IDs(ctx)
	}},
	gid.Exhibitor: {"exhibitor", func(ctx context.Context, c *ent.Client, ids []string) ([]string, error) {
		return c.Exhibitor.Query().Where(exhibitor.IDIn(ids...)).IDs(ctx)
	}},
	gid.Fair: {"fair", func(ctx context.Context, c *ent.Client, ids []string) ([]string, error) {
		return c.Fair.Query().Where(fair.IDIn(ids...)).IDs(ctx)
	}},
	gid.Session: {"session", func(ctx context.Context, c *ent.Client, ids []string) ([]string, error) {
		return c.Session.Query().Where(session.IDIn(ids...)).IDs(ctx)
	}},
	gid.Space: {"space", func(ctx context.Context, c *ent.Client, ids []string) ([]string, error) {
		return c.Space.Query().Where(space.IDIn(ids...)).IDs(ctx)
	}},
	gid.Speaker: {"speaker", func(ctx context.Context, c *ent.Client, ids []string) ([]string, error) {
		return c.Speaker.Query().Where(speaker.IDIn(ids...)).IDs(ctx)
	}},
}

// referenced returns the type prefix of the IDs that the input field named field takes: its
// name without add or remove before it, nor ID or IDs after it.
func referenced(field string) (prefix string, ok bool) {
	name := strings.TrimPrefix(strings.TrimPrefix(field, "add"), "remove")
	name = strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(name, "IDs"), "ID"))
	for prefix, r := range references {
		if r.name == name {
			return prefix, true
		}
	}
	return "", false
}

// checkReferences checks the IDs of refs, by field, in the order of the fields' names.
func checkReferences(ctx context.Context, client *ent.Client, refs map[string][]string) error {
	fields := make([]string, 0, len(refs))
	for f := range refs {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, field := range fields {
		prefix, ok := referenced(field)
		if !ok {
			continue
		}
		want := references[prefix]
		ids := refs[field]
		for _, id := range ids {
			got, ok := gid.Type(id)
			switch {
			case !ok:
				return maarid.Invalid(field, "%q is not a Maarid ID", id)
			case got != prefix:
				return maarid.Invalid(field, "%s is not the ID of a %s", id, want.name)
			}
		}
		found, err := want.existing(ctx, client, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !slices.Contains(found, id) {
				return &maarid.Error{Code: maarid.NotFound, Field: field,
					Message: fmt.Sprintf("no %s has the ID %s", want.name, id)}
			}
		}
	}
	return nil
}
