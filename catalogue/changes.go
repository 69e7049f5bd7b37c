package catalogue

import (
	"context"
	"strconv"
	"time"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/cataloguechange"
	"maarid/ent/category"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/stand"
)

// Change is an entry of the catalogue's change log as one reader sees it.
type Change struct {
	Seq      int64
	Kind     cataloguechange.Kind
	Entity   cataloguechange.Entity
	EntityID string
	At       time.Time
	// Node is the row as it is now, where it still exists and the reader may see it, once
	// loaded (Loaded).
	Node   ent.Noder
	loaded bool
	// stored is the entry as the log keeps it, before any reader's view of it.
	stored *ent.CatalogueChange
}

// Loaded returns the row the change made, and whether it was loaded with the change: a page
// loads the rows of its changes at once, a subscription's changes are delivered without.
func (c *Change) Loaded() (ent.Noder, bool) { return c.Node, c.loaded }

// Cursor is the position of the change in the log, for reading on after it.
func (c *Change) Cursor() string { return strconv.FormatInt(c.Seq, 10) }

// Page is a page of the log as one reader sees it.
type Page struct {
	Changes []*Change
	// Cursor is where the next page starts: after the last entry read, which may be one the
	// reader was not shown.
	Cursor string
	// HasMore says whether the log holds entries after Cursor.
	HasMore bool
}

// reader is who reads the log: everyone sees the public rows, an exhibitor key its own too,
// organisers every row (auth.Viewer.Unpublished).
type reader struct {
	all bool
	own string
}

func readerOf(ctx context.Context) reader {
	if auth.IsSystem(ctx) {
		return reader{all: true}
	}
	all, own := auth.FromContext(ctx).Unpublished()
	return reader{all: all, own: own}
}

func (r reader) sees(public bool, owner string) bool {
	return r.all || public || r.own != "" && owner == r.own
}

// view returns the entry e as r sees it, or nil when r sees the row neither before nor after
// the change.
func (r reader) view(e *ent.CatalogueChange) *Change {
	before := e.Kind != Created && r.sees(e.WasPublic, e.WasOwner)
	after := e.Kind != Deleted && r.sees(e.Public, e.Owner)
	c := &Change{Seq: e.Seq, Entity: e.Entity, EntityID: e.EntityID, At: e.At, stored: e}
	switch {
	case before && after:
		c.Kind = Updated
	case after:
		c.Kind = Created
	case before:
		c.Kind = Deleted
	default:
		return nil
	}
	return c
}

// Changes returns the page of up to first entries of the log after since, as the caller of ctx
// sees them, with the rows that still exist and it may see. A page may show fewer changes than
// it read: its cursor moves past those the caller is not shown.
func Changes(ctx context.Context, client *ent.Client, since int64, first int) (*Page, error) {
	if first < 1 {
		return nil, maarid.Invalid("first", "must be at least 1, not %d", first)
	}
	rows, err := readLog(ctx, client, since, first+1)
	if err != nil {
		return nil, err
	}
	page := &Page{Cursor: strconv.FormatInt(since, 10), Changes: []*Change{}}
	if len(rows) == 0 {
		last, err := lastSeq(ctx, client)
		if err != nil {
			return nil, err
		}
		if since > last {
			return nil, maarid.Invalid("since", "the cursor %d is ahead of the catalogue's change log", since)
		}
		return page, nil
	}
	if len(rows) > first {
		page.HasMore = true
		rows = rows[:first]
	}
	r := readerOf(ctx)
	for _, row := range rows {
		if c := r.view(row); c != nil {
			page.Changes = append(page.Changes, c)
		}
	}
	page.Cursor = strconv.FormatInt(rows[len(rows)-1].Seq, 10)
	return page, withNodes(ctx, client, page.Changes)
}

// readLog returns up to limit entries of the log after seq, in order, as stored.
func readLog(ctx context.Context, client *ent.Client, seq int64, limit int) ([]*ent.CatalogueChange, error) {
	return client.CatalogueChange.Query().
		Where(cataloguechange.SeqGT(seq)).
		Order(cataloguechange.BySeq()).
		Limit(limit).
		All(auth.System(ctx))
}

// withNodes gives the changes the rows they changed, as the caller of ctx may see them now: one
// query a type, through the privacy rules.
func withNodes(ctx context.Context, client *ent.Client, changes []*Change) error {
	ids := map[cataloguechange.Entity][]string{}
	for _, c := range changes {
		if c.Kind != Deleted {
			ids[c.Entity] = append(ids[c.Entity], c.EntityID)
		}
	}
	nodes := map[string]ent.Noder{}
	for entity, ids := range ids {
		var err error
		switch entity {
		case Exhibitor:
			err = collect(ctx, nodes, client.Exhibitor.Query().Where(exhibitor.IDIn(ids...)).All, func(e *ent.Exhibitor) string { return e.ID })
		case Product:
			err = collect(ctx, nodes, client.Product.Query().Where(product.IDIn(ids...)).All, func(p *ent.Product) string { return p.ID })
		case Category:
			err = collect(ctx, nodes, client.Category.Query().Where(category.IDIn(ids...)).All, func(c *ent.Category) string { return c.ID })
		case Stand:
			err = collect(ctx, nodes, client.Stand.Query().Where(stand.IDIn(ids...)).All, func(s *ent.Stand) string { return s.ID })
		}
		if err != nil {
			return err
		}
	}
	for _, c := range changes {
		if c.loaded = true; c.Kind != Deleted {
			c.Node = nodes[c.EntityID]
		}
	}
	return nil
}

// collect reads rows with all, as the caller of ctx may see them, into nodes by their IDs.
func collect[T ent.Noder](ctx context.Context, nodes map[string]ent.Noder, all func(context.Context) ([]T, error), id func(T) string) error {
	rows, err := all(ctx)
	if err != nil {
		return err
	}
	for _, r := range rows {
		nodes[id(r)] = r
	}
	return nil
}
