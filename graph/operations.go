package graph

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// OneAnswer is the gqlgen extension that gives a query or a mutation exactly one answer, on
// every transport. Streaming transports (websockets, server-sent events) ask an operation for
// answers until it has none; a mutation asked again would run its transaction again
// (entgql.Transactioner) on an answer that is already given. An operation whose request ran
// out of time before it could answer says so, where gqlgen would answer nothing.
type OneAnswer struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = OneAnswer{}

func (OneAnswer) ExtensionName() string                   { return "OneAnswer" }
func (OneAnswer) Validate(graphql.ExecutableSchema) error { return nil }

func (OneAnswer) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	responses := next(ctx)
	if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Subscription {
		return responses
	}
	var answered atomic.Bool
	return func(ctx context.Context) *graphql.Response {
		if answered.Swap(true) {
			return nil
		}
		resp := responses(ctx)
		if resp == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return &graphql.Response{Errors: gqlerror.List{PresentError(ctx, ctx.Err())}}
		}
		return resp
	}
}
