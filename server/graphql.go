package main

import (
	"context"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"maarid"

	"maarid/ent"
	"maarid/graph"
	"maarid/live"
)

// newGraphQL returns the GraphQL endpoint: gqlgen's server with exactly the transports and
// extensions Maarid uses, each configured on purpose.
func newGraphQL(client *ent.Client, services graph.Services, c config, b *budgets, trusted *trustedDocuments, documents *graph.QueryCache, streams *streamTransports) *handler.Server {
	srv := handler.New(graph.NewSchema(client, services))
	// Answers are application/graphql-response+json for the clients that accept it, where a
	// request that fails to parse or validate gets HTTP 400, and application/json for the
	// others, and when Accept says nothing (*/* or none), as GraphQL over HTTP asks.
	srv.AddTransport(transport.Options{})
	// Subscriptions: websocket, and server-sent events for clients that cannot open one. The
	// events transport is asked before POST, which would take its requests.
	srv.AddTransport(streams.websocket)
	srv.AddTransport(streams.events)
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})

	// Frontends send the same few documents again and again: parse and validate each once,
	// the registered clients' when the server starts.
	srv.SetQueryCache(documents)
	srv.SetParserTokenLimit(c.bounds.Tokens)
	// First, to see every answer as it leaves: the metrics count its errors.
	srv.Use(observedOperations{})
	if c.tracer != nil {
		srv.Use(tracedOperations{tracer: c.tracer.Tracer("maarid/graphql")})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: persistedQueries{trusted, lru.New[string](1000)}})
	srv.Use(trustedOnly{trusted})
	priced := costs{maxCost: c.maxCost, maxPartnerCost: c.maxPartnerCost, maxAnswer: c.maxAnswerMiB << 20, budgets: b}
	srv.Use(shapes{bounds: c.bounds, cache: documents, costs: priced})
	if c.introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(noIntrospection{})
	}
	srv.SetDisableSuggestion(!c.fieldSuggestions)
	srv.Use(pageLimits{maxPageSize: c.maxPageSize, maxPartnerPage: c.maxPartnerPage})
	srv.Use(&graph.CheckInputs{})
	srv.Use(&graph.CheckReferences{})
	srv.Use(priced)
	srv.Use(cacheableQueries{})
	srv.Use(streamedSubscriptions{})
	// Mutations run in one transaction each, and are answered once on every transport.
	srv.Use(graph.OneAnswer{})
	// The token of a new registration shows in the answer to registerForSession only.
	srv.Use(graph.ShownOnce{})
	srv.Use(graph.Transactions{Transactioner: entgql.Transactioner{TxOpener: client}})

	srv.SetErrorPresenter(graph.PresentError)
	srv.SetRecoverFunc(graph.Recover)
	return srv
}

// streamedSubscriptions refuses a subscription sent as a plain request, which would wait for
// the first event and end there: subscriptions go over a websocket or server-sent events.
type streamedSubscriptions struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = streamedSubscriptions{}

func (streamedSubscriptions) ExtensionName() string                   { return "StreamedSubscriptions" }
func (streamedSubscriptions) Validate(graphql.ExecutableSchema) error { return nil }

func (streamedSubscriptions) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if graphql.GetOperationContext(ctx).Operation.Operation == ast.Subscription && !live.Served(ctx) {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
			Message:    "subscriptions are served over a websocket (graphql-transport-ws or graphql-ws) or as server-sent events (Accept: text/event-stream)",
			Extensions: map[string]any{"code": maarid.BadUserInput},
		}}})
	}
	return next(ctx)
}

// noIntrospection refuses, before it runs, an operation that asks for the schema (__schema,
// __type), where introspection is turned off; __typename is still answered.
type noIntrospection struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = noIntrospection{}

func (noIntrospection) ExtensionName() string                   { return "NoIntrospection" }
func (noIntrospection) Validate(graphql.ExecutableSchema) error { return nil }

func (noIntrospection) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if f := introspects(oc.Operation.SelectionSet); f != nil {
		return &gqlerror.Error{
			Message:    "introspection is turned off on this server: the schema is in the API's documentation",
			Locations:  []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}},
			Extensions: map[string]any{"code": maarid.Forbidden},
		}
	}
	return nil
}

// introspects returns the first field of set, through its fragments, that asks for the
// schema.
func introspects(set ast.SelectionSet) *ast.Field {
	for _, sel := range set {
		var found *ast.Field
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name == "__schema" || sel.Name == "__type" {
				return sel
			}
		case *ast.InlineFragment:
			found = introspects(sel.SelectionSet)
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				found = introspects(sel.Definition.SelectionSet)
			}
		}
		if found != nil {
			return found
		}
	}
	return nil
}
