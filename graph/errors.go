package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"maarid"
	"maarid/ent"
	"maarid/ent/privacy"
	"maarid/store"
)

func init() {
	// Errors found before execution with these codes are the client's: HTTP 400 under the
	// GraphQL-over-HTTP rules, like a parse or validation failure.
	errcode.RegisterErrorType(maarid.BadUserInput, errcode.KindProtocol)
	errcode.RegisterErrorType(maarid.QueryTooComplex, errcode.KindProtocol)
	errcode.RegisterErrorType(maarid.RateLimited, errcode.KindProtocol)
}

// internalError is an error that is not meant for the client: a panic, a failing database.
// The client learns only that it happened, and the request ID: its message says no more,
// wherever it ends up, and the cause goes to the log.
type internalError struct{ err error }

func (e *internalError) Error() string { return "internal error" }
func (e *internalError) Unwrap() error { return e.err }

// Recover turns a panic in a resolver, or anywhere in an operation, into an internal error,
// logged with its stack.
func Recover(ctx context.Context, v any) error {
	slog.ErrorContext(ctx, "panic while resolving", "panic", v, "stack", string(debug.Stack()))
	return &internalError{err: fmt.Errorf("panic: %v", v)}
}

// PresentError is the one place where an error becomes what a client sees: a message and an
// extensions.code from the documented set (maarid.BadUserInput…), with the field at fault or
// the IDs in conflict where there are some.
func PresentError(ctx context.Context, err error) *gqlerror.Error {
	out := &gqlerror.Error{Err: err, Path: graphql.GetPath(ctx), Extensions: map[string]any{}}
	var gqlErr *gqlerror.Error
	if errors.As(err, &gqlErr) {
		out.Message, out.Locations, out.Rule = gqlErr.Message, gqlErr.Locations, gqlErr.Rule
		if gqlErr.Path != nil {
			out.Path = gqlErr.Path
		}
	}
	if store.IsError(err) && !ent.IsConstraintError(err) && !isInternal(err) {
		err = &internalError{err: err}
	}
	if graphql.GetFieldContext(ctx) != nil && !known(ctx, err) {
		// A resolver failed in a way no client can act on.
		err = &internalError{err: err}
	}
	var (
		internal   *internalError
		domain     *maarid.Error
		validation *ent.ValidationError
		notFound   *ent.NotFoundError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		out.Message = "the request ran past its deadline and was stopped: ask for smaller pages or fewer fields"
		out.Extensions["code"] = maarid.QueryTooComplex
	case errors.As(err, &internal):
		if errors.Is(err, context.Canceled) {
			// The client went away; nobody reads this answer.
			slog.DebugContext(ctx, "request cancelled", "path", out.Path.String())
		} else {
			slog.ErrorContext(ctx, "internal error", "error", internal.err.Error(), "path", out.Path.String())
		}
		out.Message = "internal error"
		if id := maarid.RequestID(ctx); id != "" {
			out.Message += "; request id " + id
			out.Extensions["requestId"] = id
		}
		out.Extensions["code"] = maarid.Internal
	case errors.As(err, &domain):
		out.Message = domain.Error()
		out.Extensions["code"] = domain.Code
		if domain.Field != "" {
			out.Extensions["field"] = domain.Field
		}
		if len(domain.IDs) > 0 {
			out.Extensions["ids"] = domain.IDs
		}
		if domain.Cursor != "" {
			out.Extensions["cursor"] = domain.Cursor
		}
	case errors.Is(err, privacy.Deny):
		out.Message = "not allowed"
		if reason := denyReason(err); reason != "" {
			out.Message += ": " + reason
		}
		out.Extensions["code"] = maarid.Forbidden
	case errors.As(err, &validation):
		field := maarid.FieldName(validation.Name)
		reason := strings.TrimPrefix(validation.Error(), "ent: ")
		if cause := errors.Unwrap(validation); cause != nil {
			reason = cause.Error()
		}
		out.Message = field + ": " + reason
		out.Extensions["code"] = maarid.BadUserInput
		out.Extensions["field"] = field
	case errors.As(err, &notFound):
		out.Message = strings.TrimPrefix(notFound.Error(), "ent: ")
		out.Extensions["code"] = maarid.NotFound
	case ent.IsConstraintError(err):
		out.Message = "the change conflicts with existing data"
		out.Extensions["code"] = maarid.Conflict
	case gqlErr != nil:
		// Parse and validation errors, argument values that do not fit their type, entgql's
		// pagination and node errors. Keep a documented code, replace gqlgen's own.
		code, _ := gqlErr.Extensions["code"].(string)
		switch code {
		case maarid.NotFound, maarid.QueryTooComplex, maarid.RateLimited, maarid.Unauthenticated, maarid.Forbidden:
			// Maarid's own, with what it says of the refusal (the cost and the limit…).
			for k, v := range gqlErr.Extensions {
				out.Extensions[k] = v
			}
		default:
			out.Extensions["code"] = maarid.BadUserInput
			if field, ok := gqlErr.Extensions["field"].(string); ok {
				out.Extensions["field"] = field
			} else if field := inputField(ctx, out.Path); field != "" {
				// A value that does not fit its type: say which, and what it takes.
				out.Extensions["field"] = field
				if m := wrongType.FindStringSubmatch(out.Message); m != nil {
					out.Message = "expects " + typeNames[m[1]]
					if out.Message == "expects " {
						out.Message += "a " + m[1]
					}
				}
				out.Message = field + ": " + strings.TrimPrefix(out.Message, field+": ")
			} else if m := literalWrongType.FindStringSubmatch(out.Message); m != nil && typeNames[m[1]] != "" {
				// A value written in the document that does not fit its type.
				if field := documentField(ctx, gqlErr.Locations); field != "" {
					out.Extensions["field"] = field
					out.Message = field + ": expects " + typeNames[m[1]] + ", not " + m[2]
				}
			}
		}
	default:
		// Errors that reach here unwrapped come from reading the request.
		out.Message = err.Error()
		out.Extensions["code"] = maarid.BadUserInput
	}
	return out
}

func isInternal(err error) bool {
	var internal *internalError
	return errors.As(err, &internal)
}

// denyReason returns the reason a privacy rule gave for a refusal (privacy.Denyf), without
// what gqlgen and ent wrapped it in: where the field is in the document, "ent/privacy: deny
// rule".
func denyReason(err error) string {
	for ; err != nil; err = errors.Unwrap(err) {
		if reason, wrapped := strings.CutSuffix(err.Error(), ": "+privacy.Deny.Error()); wrapped && errors.Unwrap(err) == privacy.Deny {
			return reason
		}
	}
	return ""
}

// known reports whether err is one of the errors PresentError tells clients about.
func known(ctx context.Context, err error) bool {
	var (
		internal   *internalError
		domain     *maarid.Error
		validation *ent.ValidationError
		notFound   *ent.NotFoundError
		gqlErr     *gqlerror.Error
	)
	switch {
	case errors.As(err, &internal) || errors.As(err, &domain) || errors.Is(err, privacy.Deny) ||
		errors.As(err, &validation) || errors.As(err, &notFound) || ent.IsConstraintError(err):
		return true
	case errors.As(err, &gqlErr):
		// gqlgen's own, about the document or a value that does not fit its type; or the
		// error of a resolver, wrapped, which is known when what it wraps is.
		return gqlErr.Err == nil || known(ctx, gqlErr.Err) || inputField(ctx, gqlErr.Path) != ""
	}
	return false
}

var errContactsForbidden = maarid.Errorf(maarid.Forbidden, "only partners, organisers and the exhibitor itself read an exhibitor's contact")

// inputField returns the input field that an error about a value names by its path: the last
// name of the path past the field being resolved, or past "variable" for a variable refused
// before the operation ran; "" when the path is of the answer.
func inputField(ctx context.Context, path ast.Path) string {
	start := -1
	if len(path) > 0 && path[0] == ast.PathName("variable") {
		start = 1
	} else if fc := graphql.GetFieldContext(ctx); fc != nil {
		if own := fc.Path(); len(path) > len(own) && own.String() == path[:len(own)].String() {
			start = len(own)
		}
	}
	if start < 0 {
		return ""
	}
	for i := len(path) - 1; i >= start; i-- {
		if name, ok := path[i].(ast.PathName); ok {
			return string(name)
		}
	}
	return ""
}

// wrongType is gqlparser's message for a variable's value of the wrong type.
var wrongType = regexp.MustCompile(`^cannot use \S+ as (\w+)$`)

// literalWrongType is gqlparser's message for a value in the document of the wrong type.
var literalWrongType = regexp.MustCompile(`^(\w+) cannot represent (?:a )?non[- ].*value: (.*)$`)

// documentField returns the name of the argument or input field whose value the operation's
// document writes at one of locs, or "".
func documentField(ctx context.Context, locs []gqlerror.Location) string {
	if len(locs) == 0 || !graphql.HasOperationContext(ctx) {
		return ""
	}
	// A document that fails validation is not kept: read it again.
	doc, err := parser.ParseQuery(&ast.Source{Input: graphql.GetOperationContext(ctx).RawQuery})
	if err != nil {
		return ""
	}
	at := func(v *ast.Value) bool {
		for _, l := range locs {
			if v != nil && v.Position != nil && v.Position.Line == l.Line && v.Position.Column == l.Column {
				return true
			}
		}
		return false
	}
	var inValue func(name string, v *ast.Value) string
	inValue = func(name string, v *ast.Value) string {
		if at(v) {
			return name
		}
		if v == nil {
			return ""
		}
		for _, c := range v.Children {
			child := c.Name
			if v.Kind == ast.ListValue {
				child = name
			}
			if found := inValue(child, c.Value); found != "" {
				return found
			}
		}
		return ""
	}
	var inSet func(set ast.SelectionSet) string
	inSet = func(set ast.SelectionSet) string {
		for _, sel := range set {
			var found string
			switch sel := sel.(type) {
			case *ast.Field:
				for _, a := range sel.Arguments {
					if found = inValue(a.Name, a.Value); found != "" {
						return found
					}
				}
				found = inSet(sel.SelectionSet)
			case *ast.InlineFragment:
				found = inSet(sel.SelectionSet)
			}
			if found != "" {
				return found
			}
		}
		return ""
	}
	for _, op := range doc.Operations {
		if found := inSet(op.SelectionSet); found != "" {
			return found
		}
	}
	for _, f := range doc.Fragments {
		if found := inSet(f.SelectionSet); found != "" {
			return found
		}
	}
	return ""
}

// typeNames says what a value of each built-in type is.
var typeNames = map[string]string{
	"Int":     "an Int, a whole number",
	"Float":   "a Float, a number",
	"String":  "a String",
	"Boolean": "true or false",
	"ID":      "an ID",
}
