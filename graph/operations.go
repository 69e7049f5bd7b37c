package graph

import (
	"context"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// OneAnswer is the gqlgen extension that gives a query or a mutation exactly one answer, on
// every transport. Streaming transports (websockets, server-sent events) ask an operation for
// answers until it has none; a mutation asked again would run its transaction again
// (entgql.Transactioner) on an answer that is already given.
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
		return responses(ctx)
	}
}
