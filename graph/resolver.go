// Package graph is Maarid's GraphQL layer: the gqlgen executor generated from schema/, and
// thin resolvers that translate GraphQL into calls on ent and on the domain packages.
package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"maarid/catalogue"
	"maarid/ent"
	"maarid/programme"
)

// Resolver is the root of the resolvers; it holds what they share.
type Resolver struct {
	client    *ent.Client
	feed      *programme.Feed
	catalogue *catalogue.Feed
	planner   *programme.Planner
}

// Feeds are the feeds of changes that subscriptions follow.
type Feeds struct {
	// Programme announces and delivers the programme's changes.
	Programme *programme.Feed
	// Catalogue delivers the catalogue's changes.
	Catalogue *catalogue.Feed
}

// NewSchema returns the executable GraphQL schema over client, whose changes feeds deliver.
func NewSchema(client *ent.Client, feeds Feeds) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{
		Resolvers: &Resolver{
			client:    client,
			feed:      feeds.Programme,
			catalogue: feeds.Catalogue,
			planner:   programme.NewPlanner(client, feeds.Programme),
		},
		Directives: DirectiveRoot{VisibleOnly: visibleOnly},
		Schema:     published(),
	})
}
