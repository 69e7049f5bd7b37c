package graph

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Transactions runs every mutation in one transaction, committed when the mutation has no
// error and rolled back otherwise, as entgql.Transactioner does (whose fields of a mutation
// also resolve one after the other). A transaction that cannot begin or commit — a cut
// connection, a full disk — is an internal error, through the one error presenter: logged with
// the request ID, and never the driver's text to the client.
type Transactions struct{ entgql.Transactioner }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = Transactions{}

func (Transactions) ExtensionName() string { return "Transactions" }

func (t Transactions) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) || graphql.GetOperationContext(ctx).Operation == nil ||
		graphql.GetOperationContext(ctx).Operation.Operation != ast.Mutation {
		return next(ctx) // not a mutation, or a request refused before it had an operation
	}
	txCtx, tx, err := t.OpenTx(ctx)
	if err != nil {
		return failed(ctx, fmt.Errorf("beginning the transaction of a mutation: %w", err))
	}
	defer func() {
		if r := recover(); r != nil {
			tx.Rollback()
			panic(r)
		}
	}()
	res := next(txCtx)
	if res == nil || len(res.Errors) > 0 {
		tx.Rollback()
		return res
	}
	if err := tx.Commit(); err != nil {
		return failed(ctx, fmt.Errorf("committing the transaction of a mutation: %w", err))
	}
	return res
}

// failed is the answer of an operation that failed for a reason of the server's.
func failed(ctx context.Context, err error) *graphql.Response {
	graphql.AddError(ctx, &internalError{err: err})
	return &graphql.Response{Errors: graphql.GetErrors(ctx)}
}
