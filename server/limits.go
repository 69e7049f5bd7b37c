package main

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"maarid"
	"maarid/auth"
)

// pageLimits checks the page arguments of every connection in an operation before any of it
// runs: first and last not both, neither negative, neither above the page-size cap of the
// caller (larger for partners and organisers, who sync the catalogue). A bad page is the
// client's error, reported with HTTP 400 and BAD_USER_INPUT, and nothing runs.
type pageLimits struct {
	maxPageSize, maxPartnerPage int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = pageLimits{}

func (pageLimits) ExtensionName() string                   { return "PageLimits" }
func (pageLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (l pageLimits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if auth.FromContext(ctx).Is(auth.Partner, auth.Organiser) {
		l.maxPageSize = l.maxPartnerPage
	}
	return l.check(oc, oc.Operation.SelectionSet, nil)
}

func (l pageLimits) check(oc *graphql.OperationContext, set ast.SelectionSet, path ast.Path) *gqlerror.Error {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			fieldPath := append(path[:len(path):len(path)], ast.PathName(sel.Alias))
			if err := l.checkField(oc, sel, fieldPath); err != nil {
				return err
			}
			if err := l.check(oc, sel.SelectionSet, fieldPath); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := l.check(oc, sel.SelectionSet, path); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				if err := l.check(oc, sel.Definition.SelectionSet, path); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (l pageLimits) checkField(oc *graphql.OperationContext, f *ast.Field, path ast.Path) *gqlerror.Error {
	if f.Definition == nil || f.Definition.Arguments.ForName("first") == nil {
		return nil
	}
	args := f.ArgumentMap(oc.Variables)
	first, hasFirst := pageArg(args, "first")
	last, hasLast := pageArg(args, "last")
	switch {
	case hasFirst && hasLast:
		return pageError(f, path, "pass either first or last to %s, not both", f.Name)
	case hasFirst && (first < 0 || first > int64(l.maxPageSize)):
		return pageError(f, path, "first must be between 0 and %d, not %d", l.maxPageSize, first)
	case hasLast && (last < 0 || last > int64(l.maxPageSize)):
		return pageError(f, path, "last must be between 0 and %d, not %d", l.maxPageSize, last)
	}
	return nil
}

// pageArg reads an Int argument as coerced by the validator (int64 from a literal or from
// JSON variables decoded with UseNumber).
func pageArg(args map[string]any, name string) (int64, bool) {
	switch v := args[name].(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case interface{ Int64() (int64, error) }:
		n, err := v.Int64()
		return n, err == nil
	}
	return 0, false
}

func pageError(f *ast.Field, path ast.Path, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Path:       path,
		Locations:  []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}},
		Extensions: map[string]any{"code": maarid.BadUserInput},
	}
}
