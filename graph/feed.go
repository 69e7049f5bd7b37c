package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// FeedEnds is the gqlgen extension that lets a subscription end with an error after its last
// event: a feed whose subscriber fell behind says, as its last message, where to resume.
type FeedEnds struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = FeedEnds{}

type feedEndKey struct{}

// feedEnd holds the error a subscription ends with.
type feedEnd struct {
	mu  sync.Mutex
	err error
}

func (e *feedEnd) set(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.err = err
}

func (e *feedEnd) take() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.err
	e.err = nil
	return err
}

func (FeedEnds) ExtensionName() string                   { return "FeedEnds" }
func (FeedEnds) Validate(graphql.ExecutableSchema) error { return nil }

func (FeedEnds) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, feedEndKey{}, &feedEnd{}))
}

func (FeedEnds) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil {
		return resp
	}
	end, _ := ctx.Value(feedEndKey{}).(*feedEnd)
	if end == nil {
		return nil
	}
	if err := end.take(); err != nil {
		graphql.AddError(ctx, err)
		return &graphql.Response{Errors: graphql.GetErrors(ctx)}
	}
	return nil
}

// endFeedWith returns the function that makes the subscription of ctx end with an error.
func endFeedWith(ctx context.Context) func(error) {
	end, _ := ctx.Value(feedEndKey{}).(*feedEnd)
	return func(err error) {
		if end != nil {
			end.set(err)
		}
	}
}
