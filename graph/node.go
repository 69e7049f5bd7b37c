package graph

import (
	"context"

	"maarid"
	"maarid/ent/category"
	"maarid/ent/exhibitor"
	"maarid/ent/fair"
	"maarid/ent/product"
	"maarid/ent/registration"
	"maarid/ent/session"
	"maarid/ent/space"
	"maarid/ent/speaker"
	"maarid/ent/stand"
	"maarid/gid"
)

// nodeTables maps the ID prefix of every type that is a GraphQL Node to its table.
var nodeTables = map[string]string{
	gid.Fair:      fair.Table,
	gid.Exhibitor: exhibitor.Table,
	gid.Stand:     stand.Table,
	gid.Product:   product.Table,
	gid.Category:  category.Table,
	gid.Space:     space.Table,
	gid.Session:   session.Table,
	gid.Speaker:   speaker.Table,
	// Registrations are nodes for organisers only: their policy refuses everyone else.
	gid.Registration: registration.Table,
}

// nodeType resolves the table of a node from its ID's prefix, without a query.
func nodeType(_ context.Context, id string) (string, error) {
	prefix, ok := gid.Type(id)
	if !ok {
		return "", maarid.Errorf(maarid.BadUserInput, "%q is not a Maarid ID", id)
	}
	table, ok := nodeTables[prefix]
	if !ok {
		return "", maarid.Errorf(maarid.NotFound, "no node has the ID %q", id)
	}
	return table, nil
}
