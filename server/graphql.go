package main

import (
	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"maarid/ent"
	"maarid/graph"
)

// newGraphQL returns the GraphQL endpoint: gqlgen's server with exactly the transports and
// extensions Maarid uses, each configured on purpose.
func newGraphQL(client *ent.Client, c config) *handler.Server {
	srv := handler.New(graph.NewSchema(client))
	// Answers default to application/graphql-response+json, so that a request that fails
	// to parse or validate gets HTTP 400 as the GraphQL-over-HTTP specification asks; a client
	// that accepts only application/json still gets it.
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{UseGrapQLResponseJsonByDefault: true})
	srv.AddTransport(transport.POST{UseGrapQLResponseJsonByDefault: true})

	// Frontends send the same few documents again and again: parse and validate each once.
	srv.SetQueryCache(graph.NewQueryCache(1000))
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(extension.Introspection{})
	srv.Use(pageLimits{maxPageSize: c.maxPageSize, maxPartnerPage: c.maxPartnerPage})
	srv.Use(cacheableQueries{})
	// Mutations run in one transaction each.
	srv.Use(entgql.Transactioner{TxOpener: client})

	srv.SetErrorPresenter(graph.PresentError)
	srv.SetRecoverFunc(graph.Recover)
	return srv
}
