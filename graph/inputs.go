package graph

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"maarid"
	"maarid/i18n"
)

// Bounds of the values of arguments, on top of the rules of the data they write.
const (
	// MaxFilterLength bounds a text in a filter, in characters: no name, slug or code is longer.
	MaxFilterLength = 200
	// MaxInputList bounds a list in an argument: IDs to fetch or filter by, translations,
	// labels, filters joined by and/or.
	MaxInputList = 100
)

// CheckInputs is the gqlgen extension that refuses, before any of it runs, an operation whose
// arguments hold text that has no place in the API — control characters and bidirectional
// controls (i18n.CheckText), in a filter as much as in a name, line breaks and tabs but in
// descriptions — or a text or a list beyond its bound. Literals and variables alike, on every
// transport. The refusal is BAD_USER_INPUT and names the input field.
type CheckInputs struct{ schema *ast.Schema }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*CheckInputs)(nil)

func (*CheckInputs) ExtensionName() string { return "CheckInputs" }

func (c *CheckInputs) Validate(s graphql.ExecutableSchema) error {
	c.schema = s.Schema()
	return nil
}

func (c *CheckInputs) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	return c.selections(oc, oc.Operation.SelectionSet)
}

func (c *CheckInputs) selections(oc *graphql.OperationContext, set ast.SelectionSet) *gqlerror.Error {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if err := c.arguments(oc, sel); err != nil {
				return err
			}
			if err := c.selections(oc, sel.SelectionSet); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := c.selections(oc, sel.SelectionSet); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				if err := c.selections(oc, sel.Definition.SelectionSet); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (c *CheckInputs) arguments(oc *graphql.OperationContext, f *ast.Field) *gqlerror.Error {
	if f.Definition == nil || len(f.Arguments) == 0 {
		return nil
	}
	values := f.ArgumentMap(oc.Variables)
	for _, arg := range f.Definition.Arguments {
		if err := c.value(values[arg.Name], arg.Type, arg.Name, false); err != nil {
			return &gqlerror.Error{
				Message:    fmt.Sprintf("%s: %v", err.field, err.err),
				Path:       ast.Path{ast.PathName(f.Alias)},
				Locations:  []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}},
				Extensions: map[string]any{"code": maarid.BadUserInput, "field": err.field},
			}
		}
	}
	return nil
}

// inputError is a value refused, and the input field that holds it.
type inputError struct {
	field string
	err   error
}

// value checks v, a value of type t given for the input field named field; filter says
// whether it is part of a where filter.
func (c *CheckInputs) value(v any, t *ast.Type, field string, filter bool) *inputError {
	if v == nil {
		return nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return c.value(v, t.Elem, field, filter) // one value where a list is expected
		}
		if len(list) > MaxInputList {
			return &inputError{field, fmt.Errorf("at most %d values, not %d", MaxInputList, len(list))}
		}
		for _, e := range list {
			if err := c.value(e, t.Elem, field, filter); err != nil {
				return err
			}
		}
		return nil
	}
	def := c.schema.Types[t.NamedType]
	if def == nil {
		return nil
	}
	switch def.Kind {
	case ast.InputObject:
		fields, _ := v.(map[string]any)
		filter = filter || strings.HasSuffix(def.Name, "WhereInput")
		for _, fd := range def.Fields {
			name := fd.Name
			if def.Name == "TranslationInput" {
				name = field // the value of a translation of the field
			}
			if err := c.value(fields[fd.Name], fd.Type, name, filter); err != nil {
				return err
			}
		}
	case ast.Scalar:
		s, ok := v.(string)
		if !ok {
			return nil
		}
		limit := i18n.MaxTextLength
		if filter {
			limit = MaxFilterLength
		}
		if n := utf8.RuneCountInString(s); n > limit {
			return &inputError{field, fmt.Errorf("at most %d characters, not %d", limit, n)}
		}
		if err := i18n.CheckText(s, i18n.Multiline(field) && !filter); err != nil {
			return &inputError{field, err}
		}
	}
	return nil
}
