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

// FeedEnd holds the error a subscription ends with.
type FeedEnd struct {
	mu  sync.Mutex
	err error
}

func (e *FeedEnd) set(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.err = err
}

// Take returns the error the subscription ends with, once; nil when it ends without one, or
// e is nil (outside a server with the FeedEnds extension).
func (e *FeedEnd) Take() error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.err
	e.err = nil
	return err
}

func (FeedEnds) ExtensionName() string                   { return "FeedEnds" }
func (FeedEnds) Validate(graphql.ExecutableSchema) error { return nil }

func (FeedEnds) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, feedEndKey{}, &FeedEnd{}))
}

func (FeedEnds) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil {
		return resp
	}
	end := FeedEndOf(ctx)
	if end == nil {
		return nil
	}
	if err := end.Take(); err != nil {
		graphql.AddError(ctx, err)
		return &graphql.Response{Errors: graphql.GetErrors(ctx)}
	}
	return nil
}

// FeedEndOf returns where the error that the subscription of ctx ends with is kept, for a
// transport that gives a subscription its last message without gqlgen; nil outside one.
func FeedEndOf(ctx context.Context) *FeedEnd {
	end, _ := ctx.Value(feedEndKey{}).(*FeedEnd)
	return end
}

// endFeedWith returns the function that makes the subscription of ctx end with an error.
func endFeedWith(ctx context.Context) func(error) {
	end := FeedEndOf(ctx)
	return func(err error) {
		if end != nil {
			end.set(err)
		}
	}
}

type streamEndsKey struct{}

// streamEnds are the ends of the subscriptions of one stream of events.
type streamEnds struct {
	mu    sync.Mutex
	err   error // once the stream is ended
	funcs []func(error)
}

// WithStreamEnd returns a context for a stream of events, and the function that ends every
// subscription of the stream with an error as its last message: the stream's API key was
// revoked.
func WithStreamEnd(ctx context.Context) (context.Context, func(error)) {
	ends := &streamEnds{}
	return context.WithValue(ctx, streamEndsKey{}, ends), func(err error) {
		ends.mu.Lock()
		funcs := ends.funcs
		ends.err, ends.funcs = err, nil
		ends.mu.Unlock()
		for _, f := range funcs {
			f(err)
		}
	}
}

// onStreamEnd has end called when the stream of ctx is ended, at once if it was; it does
// nothing outside a stream.
func onStreamEnd(ctx context.Context, end func(error)) {
	ends, _ := ctx.Value(streamEndsKey{}).(*streamEnds)
	if ends == nil {
		return
	}
	ends.mu.Lock()
	err := ends.err
	if err == nil {
		ends.funcs = append(ends.funcs, end)
	}
	ends.mu.Unlock()
	if err != nil {
		end(err)
	}
}
