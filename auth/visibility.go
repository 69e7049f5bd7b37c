package auth

import (
	"maarid/ent/exhibitor"
	"maarid/ent/predicate"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/ent/stand"
)

// The rows a viewer may see, as predicates on the rows as stored. Organisers see every row;
// everyone else sees what is published, and an exhibitor key its own exhibitor's rows too.
// The privacy policies of ent/schema filter every query with them, the GraphQL filters that
// cross an edge carry them into the edge (graph), and the write rules of exhibitor keys decide
// with them: a row that a caller may not see is, to that caller, a row that does not exist.
// Each returns nil when v sees every row of the type.

// VisibleExhibitors are the exhibitors v may see: the published ones, and its own.
func (v *Viewer) VisibleExhibitors() predicate.Exhibitor {
	switch {
	case v.SeesUnpublished():
		return nil
	case v.Role == Exhibitor:
		return exhibitor.Or(exhibitor.Published(true), exhibitor.ID(v.ExhibitorID))
	}
	return exhibitor.Published(true)
}

// VisibleProducts are the products v may see: those listed (published, by a published
// exhibitor), and those of its own exhibitor.
func (v *Viewer) VisibleProducts() predicate.Product {
	switch {
	case v.SeesUnpublished():
		return nil
	case v.Role == Exhibitor:
		return product.Or(product.Listed(true), product.ExhibitorID(v.ExhibitorID))
	}
	return product.Listed(true)
}

// VisibleStands are the stands v may see: those of the exhibitors it may see.
func (v *Viewer) VisibleStands() predicate.Stand {
	if v.SeesUnpublished() {
		return nil
	}
	return stand.HasExhibitorWith(v.VisibleExhibitors())
}

// VisibleSessions are the sessions of the programme v may see: the published ones.
func (v *Viewer) VisibleSessions() predicate.Session {
	if v.SeesUnpublished() {
		return nil
	}
	return session.Published(true)
}
