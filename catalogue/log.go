// Package catalogue keeps the catalogue's change log, which partners follow to keep a copy of
// the catalogue: every create, update and delete of an exhibitor, a product, a category or a
// stand appends an entry, in the transaction of the write, with who could see the row before
// the change and who may see it after, read from the rows as stored. A reader is told of a
// change as it sees it (Change, view): a row it could not see and now may is CREATED for it, a
// row it could see and now may not (unpublished, deleted) is DELETED, and of a row it sees at
// neither end it learns nothing.
package catalogue

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"maarid/auth"
	"maarid/ent"
	"maarid/ent/cataloguechange"
	"maarid/ent/category"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/stand"
	"maarid/gid"
	"maarid/live"
	"maarid/webhooks"
)

// The types whose rows the log follows.
const (
	Exhibitor = cataloguechange.EntityEXHIBITOR
	Product   = cataloguechange.EntityPRODUCT
	Category  = cataloguechange.EntityCATEGORY
	Stand     = cataloguechange.EntitySTAND
)

// What a change did to a row, as a reader sees it.
const (
	Created = cataloguechange.KindCREATED
	Updated = cataloguechange.KindUPDATED
	Deleted = cataloguechange.KindDELETED
)

// catalogueLock is the key of the PostgreSQL advisory lock that a transaction takes when it
// appends its entries, as it commits, and holds until it has: entries take their sequence
// numbers in the order their transactions commit, and a reader that has read up to an entry
// never finds an earlier one committed after. The transaction holds its rows' locks already and
// only adds new rows under it, so no holder of the lock waits for another transaction. SQLite's
// write transactions are serialised already.
const catalogueLock int64 = 0x6d61617269640002

// Prepare adds the hooks that log every write of client's catalogue rows.
func Prepare(client *ent.Client) {
	client.Exhibitor.Use(logged(Exhibitor))
	client.Product.Use(logged(Product))
	client.Category.Use(logged(Category))
	client.Stand.Use(logged(Stand))
}

// mutation is what the log needs of the mutations of the rows it follows.
type mutation interface {
	ent.Mutation
	IDs(ctx context.Context) ([]string, error)
	ID() (string, bool)
	Client() *ent.Client
}

// standing is who may see a row: everyone when it is public, and the keys of its exhibitor
// (owner) whether or not it is.
type standing struct {
	public bool
	owner  string
}

// logged is the hook that records the changes a write makes to entity's rows, read from the
// rows before and after it, and has them appended to the log as the write's transaction
// commits (logEntries): they commit or roll back together. A write outside a transaction
// appends its entries right after it.
func logged(entity cataloguechange.Entity) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			mut, ok := m.(mutation)
			if !ok {
				return nil, fmt.Errorf("catalogue: %T is not logged", m)
			}
			system := auth.System(ctx)
			client := mut.Client()
			var (
				ids    []string
				before map[string]standing
				err    error
			)
			if !m.Op().Is(ent.OpCreate) {
				// Before the write, which may delete the rows or change what selects them.
				if ids, err = mut.IDs(system); err != nil {
					return nil, err
				}
				if before, err = standings(system, client, entity, ids); err != nil {
					return nil, err
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			var entries []entry
			switch {
			case m.Op().Is(ent.OpCreate):
				id, _ := mut.ID()
				after, err := standingsAfter(system, client, entity, []string{id}, v)
				if err != nil {
					return v, err
				}
				entries = append(entries, entry{entity: entity, id: id, kind: Created, after: after[id]})
			case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
				for _, id := range ids {
					if was, ok := before[id]; ok {
						entries = append(entries, entry{entity: entity, id: id, kind: Deleted, before: was})
					}
				}
			default:
				after, err := standingsAfter(system, client, entity, ids, v)
				if err != nil {
					return v, err
				}
				for _, id := range ids {
					if was, ok := before[id]; ok {
						entries = append(entries, entry{entity: entity, id: id, kind: Updated, before: was, after: after[id]})
					}
				}
				if entity == Exhibitor {
					// An exhibitor's stands are seen with it: its publication changes theirs.
					if _, set := m.(*ent.ExhibitorMutation).Published(); set {
						more, err := standsOf(system, client, before, after)
						if err != nil {
							return v, err
						}
						entries = append(entries, more...)
					}
				}
			}
			return v, logEntries(ctx, client, entries)
		})
	}
}

// pending are the entries of a transaction, appended to the log as it commits.
var pending sync.Map // transaction (ent's TxOf) → *[]entry

// logEntries appends entries to the log as the transaction of client commits; at once when
// client is not in a transaction.
func logEntries(ctx context.Context, client *ent.Client, entries []entry) error {
	if len(entries) == 0 {
		return nil
	}
	actor := actorOf(ctx)
	for i := range entries {
		entries[i].actor = actor
	}
	tx := client.TxOf()
	if tx == nil {
		return appendEntries(ctx, client, entries)
	}
	var mine []entry
	p, loaded := pending.LoadOrStore(tx, &mine)
	list := p.(*[]entry)
	*list = append(*list, entries...)
	if loaded {
		return nil
	}
	client.OnCompletion(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			pending.Delete(client.TxOf())
			if err := appendEntries(ctx, tx.Client(), *list); err != nil {
				return err
			}
			return next.Commit(ctx, tx)
		})
	}, func(next ent.Rollbacker) ent.Rollbacker {
		return ent.RollbackFunc(func(ctx context.Context, tx *ent.Tx) error {
			pending.Delete(client.TxOf())
			return next.Rollback(ctx, tx)
		})
	})
	return nil
}

// entry is a change to append to the log.
type entry struct {
	entity        cataloguechange.Entity
	id            string
	kind          cataloguechange.Kind
	before, after standing
	actor         string
}

// standings reads who may see each of the rows ids of entity, from the rows as stored; rows
// that do not exist are left out.
func standings(ctx context.Context, client *ent.Client, entity cataloguechange.Entity, ids []string) (map[string]standing, error) {
	out := make(map[string]standing, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	switch entity {
	case Exhibitor:
		rows, err := client.Exhibitor.Query().Where(exhibitor.IDIn(ids...)).
			Select(exhibitor.FieldID, exhibitor.FieldPublished).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = standing{public: r.Published, owner: r.ID}
		}
	case Product:
		rows, err := client.Product.Query().Where(product.IDIn(ids...)).
			Select(product.FieldID, product.FieldListed, product.FieldExhibitorID).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = standing{public: r.Listed, owner: r.ExhibitorID}
		}
	case Stand:
		rows, err := client.Stand.Query().Where(stand.IDIn(ids...)).
			Select(stand.FieldID, stand.FieldExhibitorID).All(ctx)
		if err != nil {
			return nil, err
		}
		owners := make([]string, 0, len(rows))
		for _, r := range rows {
			owners = append(owners, r.ExhibitorID)
		}
		published, err := standings(ctx, client, Exhibitor, owners)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = standing{public: published[r.ExhibitorID].public, owner: r.ExhibitorID}
		}
	case Category:
		// Categories are the fair's, public: whether one exists is all there is to know.
		n, err := client.Category.Query().Where(category.IDIn(ids...)).IDs(ctx)
		if err != nil {
			return nil, err
		}
		for _, id := range n {
			out[id] = standing{public: true}
		}
	}
	return out, nil
}

// standingsAfter is standings after a write of the rows ids that answered v: the row itself
// when the write was of one product, exhibitor or category, which says who may see it.
func standingsAfter(ctx context.Context, client *ent.Client, entity cataloguechange.Entity, ids []string, v ent.Value) (map[string]standing, error) {
	switch row := v.(type) {
	case *ent.Product:
		return map[string]standing{row.ID: {public: row.Listed, owner: row.ExhibitorID}}, nil
	case *ent.Exhibitor:
		return map[string]standing{row.ID: {public: row.Published, owner: row.ID}}, nil
	case *ent.Category:
		return map[string]standing{row.ID: {public: true}}, nil
	}
	return standings(ctx, client, entity, ids)
}

// standsOf returns the changes to the stands of the exhibitors whose standing went from before
// to after.
func standsOf(ctx context.Context, client *ent.Client, before, after map[string]standing) ([]entry, error) {
	exhibitors := make([]string, 0, len(after))
	for id := range after {
		if before[id] != after[id] {
			exhibitors = append(exhibitors, id)
		}
	}
	if len(exhibitors) == 0 {
		return nil, nil
	}
	stands, err := client.Stand.Query().Where(stand.ExhibitorIDIn(exhibitors...)).
		Order(stand.ByID()).Select(stand.FieldID, stand.FieldExhibitorID).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]entry, len(stands))
	for i, s := range stands {
		out[i] = entry{entity: Stand, id: s.ID, kind: Updated, before: before[s.ExhibitorID], after: after[s.ExhibitorID]}
	}
	return out, nil
}

// appendEntries appends entries to the log, after its last entry, with the deliveries of
// webhooks, in the transaction of client if it is in one.
func appendEntries(ctx context.Context, client *ent.Client, entries []entry) error {
	if len(entries) == 0 {
		return nil
	}
	system := auth.System(ctx)
	if client.DialectName() == dialect.Postgres {
		if err := client.RawExec(ctx, "SELECT pg_advisory_xact_lock($1)", catalogueLock); err != nil {
			return err
		}
	}
	seq, err := lastSeq(system, client)
	if err != nil {
		return err
	}
	now := time.Now()
	creates := make([]*ent.CatalogueChangeCreate, len(entries))
	for i, e := range entries {
		seq++
		creates[i] = client.CatalogueChange.Create().
			SetID(gid.New(gid.CatalogueChange)).
			SetSeq(seq).
			SetEntity(e.entity).
			SetEntityID(e.id).
			SetKind(e.kind).
			SetPublic(e.kind != Deleted && e.after.public).
			SetOwner(e.after.owner).
			SetWasPublic(e.kind != Created && e.before.public).
			SetWasOwner(e.before.owner).
			SetActor(e.actor).
			SetAt(now)
	}
	// Bulk inserts in batches that stay under the databases' limits of parameters.
	var changes []webhooks.Change
	for start := 0; start < len(creates); start += 500 {
		rows, err := client.CatalogueChange.CreateBulk(creates[start:min(start+500, len(creates))]...).Save(system)
		if err != nil {
			return fmt.Errorf("appending to the catalogue's change log: %w", err)
		}
		for _, row := range rows {
			changes = append(changes, webhookChange(row))
		}
	}
	return webhooks.Enqueue(ctx, client, changes...)
}

// webhookChange is the entry e as webhooks are told of it: as the key that made each sees it.
func webhookChange(e *ent.CatalogueChange) webhooks.Change {
	return webhooks.Change{Event: webhooks.CatalogueChanged, Seq: e.Seq, At: e.At,
		Fields: func(v *auth.Viewer) (map[string]any, bool) {
			all, own := v.Unpublished()
			c := reader{all: all, own: own}.view(e)
			if c == nil {
				return nil, false
			}
			return map[string]any{"kind": c.Kind, "entity": c.Entity, "entityID": c.EntityID}, true
		}}
}

// actorOf names who makes the changes of ctx: an API key's name, or Maarid itself.
func actorOf(ctx context.Context) string {
	if auth.IsSystem(ctx) {
		return "maarid"
	}
	return auth.FromContext(ctx).Name
}

// lastSeq returns the sequence number of the last entry of the log, 0 when it is empty.
func lastSeq(ctx context.Context, client *ent.Client) (int64, error) {
	last, err := client.CatalogueChange.Query().
		Order(cataloguechange.BySeq(sql.OrderDesc())).
		Select(cataloguechange.FieldSeq).
		First(auth.System(ctx))
	if ent.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return last.Seq, nil
}

// Head returns the cursor of the last change in the catalogue's log: a partner that copies
// the catalogue reads it first, then follows the log from it.
func Head(ctx context.Context, client *ent.Client) (string, error) {
	seq, err := Last(ctx, client)
	return strconv.FormatInt(seq, 10), err
}

// Last returns the number of the last change in the catalogue's log, 0 when it is empty.
func Last(ctx context.Context, client *ent.Client) (int64, error) { return lastSeq(ctx, client) }

// ParseCursor reads a cursor of the catalogue's log given by a client as since; "0" is the
// start of the log.
func ParseCursor(cursor string) (int64, error) { return live.ParseCursor("since", "catalogue", cursor) }
