package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/i18n"
	"maarid/store"
	"maarid/store/storetest"
)

func TestPresentError(t *testing.T) {
	ctx := maarid.WithRequestID(context.Background(), "req-42")
	dbErr := &store.Error{Err: errors.New(`no such table: "products" near SELECT`)}
	tests := []struct {
		name       string
		err        error
		code       string
		message    string // part of the message
		notMessage string // what must not leak
		extensions map[string]any
	}{
		{name: "domain error", err: maarid.Invalid("price", "a price cannot be negative"),
			code: "BAD_USER_INPUT", message: "price: a price cannot be negative", extensions: map[string]any{"field": "price"}},
		{name: "conflict with ids", err: &maarid.Error{Code: maarid.Conflict, Message: "the room is taken", IDs: []string{"ses_1"}},
			code: "CONFLICT", extensions: map[string]any{"ids": []string{"ses_1"}}},
		{name: "database failure, wrapped by gqlgen", err: gqlerror.WrapPath(nil, fmt.Errorf("querying: %w", dbErr)),
			code: "INTERNAL", message: "request id req-42", notMessage: "SELECT"},
		{name: "panic", err: Recover(ctx, "index out of range"), code: "INTERNAL", message: "req-42", notMessage: "index"},
		{name: "panic, on its path as gqlgen puts it", err: graphql.ErrorOnPath(ctx, Recover(ctx, "index out of range")),
			code: "INTERNAL", message: "req-42", notMessage: "index"},
		{name: "cancelled request", err: &store.Error{Err: context.Canceled}, code: "INTERNAL"},
		{name: "validation", err: gqlerror.WrapPath(nil, invalidExhibitor(t)),
			code: "BAD_USER_INPUT", message: "memberCount", extensions: map[string]any{"field": "memberCount"}},
		{name: "not found", err: &ent.NotFoundError{}, code: "NOT_FOUND"},
		{name: "parse error keeps no gqlgen code", err: &gqlerror.Error{Message: "Unexpected }", Extensions: map[string]any{"code": "GRAPHQL_PARSE_FAILED"}},
			code: "BAD_USER_INPUT", message: "Unexpected }"},
		{name: "documented code kept", err: &gqlerror.Error{Message: "no node", Extensions: map[string]any{"code": "NOT_FOUND"}},
			code: "NOT_FOUND"},
		{name: "argument that does not fit its type", err: gqlerror.WrapPath(nil, errors.New("cannot decode cursor")),
			code: "BAD_USER_INPUT", message: "cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PresentError(graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, nil), tt.err)
			if got.Extensions["code"] != tt.code {
				t.Errorf("code %v, want %s", got.Extensions["code"], tt.code)
			}
			if !strings.Contains(got.Message, tt.message) || tt.notMessage != "" && strings.Contains(got.Message, tt.notMessage) {
				t.Errorf("message %q: want %q in it and not %q", got.Message, tt.message, tt.notMessage)
			}
			for k, v := range tt.extensions {
				if fmt.Sprint(got.Extensions[k]) != fmt.Sprint(v) {
					t.Errorf("extensions[%s] = %v, want %v", k, got.Extensions[k], v)
				}
			}
		})
	}
}

// TestPanicMessage checks that the error a panic becomes says nothing of the panic, even where
// it is shown without the error presenter.
func TestPanicMessage(t *testing.T) {
	err := Recover(context.Background(), "runtime error: invalid memory address")
	if strings.Contains(err.Error(), "memory") {
		t.Errorf("the error of a panic says %q", err)
	}
	if !strings.Contains(fmt.Sprintf("%+v", errors.Unwrap(err)), "memory") {
		t.Errorf("the cause is lost: %v", errors.Unwrap(err))
	}
}

// invalidExhibitor returns the error ent gives for an exhibitor with a negative member count.
func invalidExhibitor(t *testing.T) error {
	client := storetest.Open(t, "sqlite")
	_, err := client.Exhibitor.Create().
		SetName(i18n.Text{i18n.FR: "Coopérative"}).
		SetSlug("cooperative").
		SetKind(exhibitor.KindCOOPERATIVE).
		SetSector(exhibitor.SectorAGRI_FOOD).
		SetProvince(exhibitor.ProvinceAZILAL).
		SetMemberCount(-1).
		Save(auth.System(context.Background()))
	if !ent.IsValidationError(err) {
		t.Fatalf("creating an invalid exhibitor: %v, want a validation error", err)
	}
	return err
}

// TestPresentResolverFailure checks that an unexpected error of a resolver is INTERNAL, not
// the client's fault, and that a FELL_BEHIND feed says where to resume.
func TestPresentResolverFailure(t *testing.T) {
	ctx := graphql.WithResponseContext(maarid.WithRequestID(context.Background(), "req-7"), graphql.DefaultErrorPresenter, nil)
	inField := graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query", Field: graphql.CollectedField{}})
	if got := PresentError(inField, errors.New("time zone: unknown")); got.Extensions["code"] != maarid.Internal || strings.Contains(got.Message, "zone") {
		t.Errorf("a resolver's failure: %v %q", got.Extensions["code"], got.Message)
	}
	// As gqlgen hands it over: wrapped with where the field is.
	resolving := graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Subscription",
		Field: graphql.CollectedField{Field: &ast.Field{Alias: "programmeChanged", Name: "programmeChanged"}}})
	wrapped := gqlerror.WrapPath(ast.Path{ast.PathName("programmeChanged")}, context.Canceled)
	if got := PresentError(resolving, wrapped); got.Extensions["code"] != maarid.Internal {
		t.Errorf("a resolver's failure, wrapped: %v %q", got.Extensions["code"], got.Message)
	}
	behind := &maarid.Error{Code: maarid.FellBehind, Message: "subscribe again", Cursor: "17"}
	if got := PresentError(ctx, behind); got.Extensions["code"] != maarid.FellBehind || got.Extensions["cursor"] != "17" {
		t.Errorf("fell behind: %v", got.Extensions)
	}
}
