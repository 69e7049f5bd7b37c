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

// Unpublished says which unpublished rows v sees besides the published ones: all of them, or
// those of one exhibitor (own, an exhibitor key's), or none. The Visible… predicates follow it,
// and so does the search index, which keeps each row's publication and exhibitor (search).
func (v *Viewer) Unpublished() (all bool, own string) {
	switch {
	case v.SeesUnpublished():
		return true, ""
	case v.Role == Exhibitor:
		return false, v.ExhibitorID
	}
	return false, ""
}

// VisibleExhibitors are the exhibitors v may see: the published ones, and its own.
func (v *Viewer) VisibleExhibitors() predicate.Exhibitor {
	switch all, own := v.Unpublished(); {
	case all:
		return nil
	case own != "":
		return exhibitor.Or(exhibitor.Published(true), exhibitor.ID(own))
	}
	return exhibitor.Published(true)
}

// VisibleProducts are the products v may see: those listed (published, by a published
// exhibitor), and those of its own exhibitor.
func (v *Viewer) VisibleProducts() predicate.Product {
	switch all, own := v.Unpublished(); {
	case all:
		return nil
	case own != "":
		return product.Or(product.Listed(true), product.ExhibitorID(own))
	}
	return product.Listed(true)
}

// VisibleStands are the stands v may see: those of the exhibitors it may see.
func (v *Viewer) VisibleStands() predicate.Stand {
	if all, _ := v.Unpublished(); all {
		return nil
	}
	return stand.HasExhibitorWith(v.VisibleExhibitors())
}

// VisibleSessions are the sessions of the programme v may see: the published ones.
func (v *Viewer) VisibleSessions() predicate.Session {
	if all, _ := v.Unpublished(); all {
		return nil
	}
	return session.Published(true)
}
