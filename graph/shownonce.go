package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// ShownOnce is the gqlgen extension that lets a mutation show a secret it made in its own
// answer, and nowhere else: the token of a new registration. Maarid keeps only a secret's
// hash, so the answer to the mutation that made it is the one place it can appear.
type ShownOnce struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = ShownOnce{}

func (ShownOnce) ExtensionName() string                   { return "ShownOnce" }
func (ShownOnce) Validate(graphql.ExecutableSchema) error { return nil }

func (ShownOnce) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Mutation {
		return next(ctx)
	}
	return next(context.WithValue(ctx, secretsKey{}, &secrets{byID: map[string]string{}}))
}

type secretsKey struct{}

// secrets are the secrets a mutation made, by the ID of what they belong to.
type secrets struct {
	mu   sync.Mutex
	byID map[string]string
}

// show has the answer of the mutation of ctx show secret as the secret of id.
func show(ctx context.Context, id, secret string) {
	if s, ok := ctx.Value(secretsKey{}).(*secrets); ok {
		s.mu.Lock()
		s.byID[id] = secret
		s.mu.Unlock()
	}
}

// shown returns the secret of id that the mutation of ctx made; nil in any other answer.
func shown(ctx context.Context, id string) *string {
	s, ok := ctx.Value(secretsKey{}).(*secrets)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if secret, ok := s.byID[id]; ok {
		return &secret
	}
	return nil
}
