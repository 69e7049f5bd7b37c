// Package graph is Maarid's GraphQL layer: the gqlgen executor generated from schema/, and
// thin resolvers that translate GraphQL into calls on ent and on the domain packages.
package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"maarid/ent"
	"maarid/programme"
)

// Resolver is the root of the resolvers; it holds what they share.
type Resolver struct {
	client  *ent.Client
	feed    *programme.Feed
	planner *programme.Planner
}

// NewSchema returns the executable GraphQL schema over client, whose programme changes feed
// announces and delivers.
func NewSchema(client *ent.Client, feed *programme.Feed) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{
		Resolvers: &Resolver{
			client:  client,
			feed:    feed,
			planner: programme.NewPlanner(client, feed),
		},
		Directives: DirectiveRoot{VisibleOnly: visibleOnly},
		Schema:     published(),
	})
}
