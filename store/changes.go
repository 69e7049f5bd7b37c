package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"log/slog"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"entgo.io/ent/dialect"

	"maarid/ent/migrate"
	"maarid/store/notify"
)

// Changes tells, table by table, whether the data changed since a moment: what a response
// cache needs to keep an answer exactly as long as the tables it read stay as they were.
//
// Every statement goes through the client's driver, which sees the tables it names: a query
// adds them to the tables its request read (Recording), a committed write moves them on. A
// write moves its tables on in the process that made it when it commits; on PostgreSQL the
// transaction also NOTIFYs their names, so that every other instance on the database moves
// them on as soon as the notification arrives — and while an instance cannot hear them (its
// LISTEN connection is lost), it says it cannot tell, and a cache keeps and serves nothing
// until it hears again and counts every table as changed. On SQLite the other processes are
// imports and the keys command, which announce their writes (Announce): they count as a
// change of every table.
type Changes struct {
	postgres bool
	instance string // in its notifications, to know its own

	bit    map[string]int // each known table's bit in a Tables
	clock  atomic.Uint64  // counts the changes
	last   [64]atomic.Uint64
	every  atomic.Uint64 // the clock when every table last changed at once
	deaf   atomic.Bool   // whether another instance's writes may go unheard
	sqlite *dataVersion  // on SQLite, the writes other processes announce
	stop   func()

	watching sync.Mutex
	watchers map[*watcher]struct{}
}

// watcher is a function told of the changes of some tables (Watch).
type watcher struct {
	tables Tables
	wake   func()
}

// Tables is a set of tables, one bit each.
type Tables uint64

// searchTables are the search index's, written and read beside the schema's.
var searchTables = []string{"search_fts", "search_ids", "search_documents"}

func newChanges(postgres bool) *Changes {
	c := &Changes{postgres: postgres, bit: map[string]int{}, stop: func() {}, instance: rand.Text()}
	for _, t := range migrate.Tables {
		c.bit[t.Name] = len(c.bit)
	}
	for _, t := range searchTables {
		c.bit[t] = len(c.bit)
	}
	if len(c.bit) > len(c.last) {
		panic("store: more tables than a Tables holds")
	}
	return c
}

// Now returns the moment it is, to compare with later (ChangedSince), and whether changes
// are heard at all: when they are not, nothing read now may be kept.
func (c *Changes) Now() (uint64, bool) {
	if c == nil {
		return 0, false
	}
	if c.sqlite != nil && c.sqlite.changed() {
		c.everything()
	}
	return c.clock.Load(), !c.deaf.Load()
}

// ChangedSince reports whether any of tables changed after the moment since (Now), or whether
// changes may have gone unheard.
func (c *Changes) ChangedSince(since uint64, tables Tables) bool {
	now, heard := c.Now()
	if !heard || c.every.Load() > since {
		return true
	}
	if now == since {
		return false
	}
	for t := uint64(tables); t != 0; t &= t - 1 {
		if c.last[bits.TrailingZeros64(t)].Load() > since {
			return true
		}
	}
	return false
}

// changed moves tables on, now.
func (c *Changes) changed(tables Tables) {
	if tables == 0 {
		return
	}
	now := c.clock.Add(1)
	for t := uint64(tables); t != 0; t &= t - 1 {
		c.last[bits.TrailingZeros64(t)].Store(now)
	}
	c.wake(tables)
}

// everything counts every table as changed: writes may have gone unheard.
func (c *Changes) everything() {
	c.every.Store(c.clock.Add(1))
	c.wake(^Tables(0))
}

// Watch calls wake whenever one of the tables named changes — a write of this process commits,
// another instance's is heard — and whenever writes may have gone unheard (another process's
// on SQLite, any while the LISTEN connection on PostgreSQL was lost), until the function it
// returns is called. wake must not block: it is called where the change is learnt of. A nil
// Changes (a client Open did not open) calls nothing.
func (c *Changes) Watch(names []string, wake func()) (stop func()) {
	if c == nil {
		return func() {}
	}
	w := &watcher{wake: wake}
	for _, name := range names {
		bit, ok := c.bit[name]
		if !ok {
			panic("store: Watch of an unknown table " + name)
		}
		w.tables |= 1 << bit
	}
	c.watching.Lock()
	defer c.watching.Unlock()
	if c.watchers == nil {
		c.watchers = map[*watcher]struct{}{}
	}
	c.watchers[w] = struct{}{}
	return func() {
		c.watching.Lock()
		defer c.watching.Unlock()
		delete(c.watchers, w)
	}
}

// wake tells the watchers of tables.
func (c *Changes) wake(tables Tables) {
	c.watching.Lock()
	defer c.watching.Unlock()
	for w := range c.watchers {
		if w.tables&tables != 0 {
			w.wake()
		}
	}
}

// in returns the known tables that statement names.
func (c *Changes) in(statement string) Tables {
	var tables Tables
	for name, bit := range c.bit {
		for i := 0; ; {
			j := strings.Index(statement[i:], name)
			if j < 0 {
				break
			}
			i += j + len(name)
			if !identifier(statement, i-len(name)-1) && !identifier(statement, i) {
				tables |= 1 << bit
				break
			}
		}
	}
	return tables
}

// identifier reports whether statement has a character of an unquoted identifier at i.
func identifier(statement string, i int) bool {
	if i < 0 || i >= len(statement) {
		return false
	}
	b := statement[i]
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// names lists tables by name, for a notification.
func (c *Changes) names(tables Tables) string {
	var out []string
	for name, bit := range c.bit {
		if tables&(1<<bit) != 0 {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// heard moves on the tables another process names in a notification — "instance:table,…" —
// and every table when it names none it knows. Its own, which it moved on when they
// committed, it leaves be.
func (c *Changes) heard(payload string) {
	instance, names, _ := strings.Cut(payload, ":")
	if instance == c.instance {
		return
	}
	var tables Tables
	for _, name := range strings.Split(names, ",") {
		if bit, ok := c.bit[name]; ok {
			tables |= 1 << bit
		}
	}
	if tables == 0 {
		c.everything()
		return
	}
	c.changed(tables)
}

// writes reports whether statement may change the tables it names: anything but a query (a
// SELECT, or a WITH that inserts, updates or deletes nothing).
func writes(statement string) bool {
	s := strings.TrimLeft(statement, " \t\r\n(")
	starts := func(word string) bool { return len(s) >= len(word) && strings.EqualFold(s[:len(word)], word) }
	switch {
	case starts("SELECT"), starts("PRAGMA"), starts("EXPLAIN"):
		return false
	case starts("WITH"):
		upper := strings.ToUpper(s)
		return strings.Contains(upper, "INSERT ") || strings.Contains(upper, "UPDATE ") || strings.Contains(upper, "DELETE ")
	}
	return true
}

// recordingKey is where a request's Reads are in its context.
type recordingKey struct{}

// Reads are the tables the statements of a request read.
type Reads struct{ tables atomic.Uint64 }

// Recording returns a context whose queries add the tables they read to the Reads returned.
func Recording(ctx context.Context) (context.Context, *Reads) {
	r := &Reads{}
	return context.WithValue(ctx, recordingKey{}, r), r
}

// Tables returns the tables read so far.
func (r *Reads) Tables() Tables { return Tables(r.tables.Load()) }

func (r *Reads) add(tables Tables) {
	for {
		old := r.tables.Load()
		if old|uint64(tables) == old || r.tables.CompareAndSwap(old, old|uint64(tables)) {
			return
		}
	}
}

// changesDriver is the driver that tells Changes of the statements of its client.
type changesDriver struct {
	dialect.Driver
	c *Changes
}

func (d changesDriver) Exec(ctx context.Context, query string, args, v any) error {
	err := d.Driver.Exec(ctx, query, args, v)
	if err == nil {
		d.c.ran(ctx, d.Driver, query, true)
	}
	return err
}

func (d changesDriver) Query(ctx context.Context, query string, args, v any) error {
	err := d.Driver.Query(ctx, query, args, v)
	if err == nil {
		d.c.ran(ctx, d.Driver, query, true)
	}
	return err
}

// ExecContext runs a statement ent has no builder for, such as taking a lock.
func (d changesDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return ExecContext(ctx, d, query, args)
}

func (d changesDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &changesTx{Tx: tx, c: d.c, ctx: ctx}, nil
}

// ran records what a statement that succeeded read or wrote. A write outside a transaction
// has committed: its tables move on, and on PostgreSQL the other instances are told.
func (c *Changes) ran(ctx context.Context, x dialect.ExecQuerier, query string, committed bool) Tables {
	tables := c.in(query)
	if tables == 0 {
		return 0
	}
	if !writes(query) {
		if r, ok := ctx.Value(recordingKey{}).(*Reads); ok {
			r.add(tables)
		}
		return 0
	}
	if committed {
		c.changed(tables)
		c.tell(ctx, x, tables)
	}
	return tables
}

// tell NOTIFYs the other instances on PostgreSQL of the tables written, through x: inside the
// writing transaction, or just after an autocommitted write.
func (c *Changes) tell(ctx context.Context, x dialect.ExecQuerier, tables Tables) {
	if !c.postgres || tables == 0 {
		return
	}
	var res sql.Result
	if err := x.Exec(ctx, "SELECT pg_notify($1, $2)", []any{writesChannel, c.instance + ":" + c.names(tables)}, &res); err != nil {
		// The write stands; the other instances hear of it when they next connect.
		slog.WarnContext(ctx, "telling the other instances of a write", "error", err)
	}
}

// changesTx gathers the tables its statements write, and moves them on when it commits.
type changesTx struct {
	dialect.Tx
	c       *Changes
	ctx     context.Context
	written Tables
}

func (t *changesTx) Exec(ctx context.Context, query string, args, v any) error {
	err := t.Tx.Exec(ctx, query, args, v)
	if err == nil {
		t.written |= t.c.ran(ctx, t.Tx, query, false)
	}
	return err
}

func (t *changesTx) Query(ctx context.Context, query string, args, v any) error {
	err := t.Tx.Query(ctx, query, args, v)
	if err == nil {
		t.written |= t.c.ran(ctx, t.Tx, query, false)
	}
	return err
}

// ExecContext runs a statement ent has no builder for, such as taking a lock.
func (t *changesTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return ExecContext(ctx, t, query, args)
}

func (t *changesTx) Commit() error {
	if t.written != 0 {
		// NOTIFY is sent when the transaction commits, and not if it does not.
		t.c.tell(t.ctx, t.Tx, t.written)
	}
	err := t.Tx.Commit()
	if err == nil {
		t.c.changed(t.written)
	}
	return err
}

// follow starts hearing of the writes other instances and processes make to the database at
// dsn.
func (c *Changes) follow(dsn string) {
	if c.postgres {
		c.deaf.Store(true)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			notify.Follow(ctx, dsn, writesChannel, notify.Events{
				Connected: func() {
					// What was written while it was not connected went unheard.
					c.everything()
					c.deaf.Store(false)
				},
				Lost:     func() { c.deaf.Store(true) },
				Notified: c.heard,
			}, slog.Default())
		}()
		c.stop = func() {
			cancel()
			<-done
		}
		return
	}
	c.sqlite, c.stop = watchDataVersion(dsn)
}
