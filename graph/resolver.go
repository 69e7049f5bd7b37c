// Package graph is Maarid's GraphQL layer: the gqlgen executor generated from schema/, and
// thin resolvers that translate GraphQL into calls on ent and on the domain packages.
package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"maarid/catalogue"
	"maarid/ent"
	"maarid/programme"
	"maarid/webhooks"
)

// Resolver is the root of the resolvers; it holds what they share.
type Resolver struct {
	client    *ent.Client
	feed      *programme.Feed
	catalogue *catalogue.Feed
	planner   *programme.Planner
	webhooks  webhooks.Policy
}

// Services are what the resolvers need besides the database's client.
type Services struct {
	// Programme announces and delivers the programme's changes.
	Programme *programme.Feed
	// Catalogue delivers the catalogue's changes.
	Catalogue *catalogue.Feed
	// Webhooks is where the operator lets webhooks reach.
	Webhooks webhooks.Policy
}

// NewSchema returns the executable GraphQL schema over client and services.
func NewSchema(client *ent.Client, services Services) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{
		Resolvers: &Resolver{
			client:    client,
			feed:      services.Programme,
			catalogue: services.Catalogue,
			planner:   programme.NewPlanner(client, services.Programme),
			webhooks:  services.Webhooks,
		},
		Directives: DirectiveRoot{VisibleOnly: visibleOnly},
		Schema:     published(),
	})
}
