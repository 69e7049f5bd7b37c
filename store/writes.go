package store

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"

	"maarid/ent"
)

// A server hears of its own writes through its driver (Changes). On PostgreSQL every writer
// NOTIFYs the tables it wrote in its transaction, and one LISTEN connection per client hears
// them, a few milliseconds after their commits. On SQLite another process that writes to the
// same file — `maarid import` — commits behind the server's back, so it announces its writes
// (Announce):
//
//   - SQLite has no notifications, but PRAGMA data_version, read again on one connection,
//     changes whenever another connection has committed. It cannot tell who committed — the
//     server's own connections too, for the API keys' last-used times that the response cache
//     rightly ignores — so the writer also counts its writes in a table, announced_writes,
//     which is read again only when data_version moved. Both are read when asked, at most
//     once a millisecond, on a connection kept for it: no goroutine and no timer, an answer
//     at most a millisecond older than the last commit, nothing spent while nobody asks.

// writesChannel is the PostgreSQL channel on which writers tell the names of the tables they
// wrote.
const writesChannel = "maarid_writes"

// announcedWrites is where writers from outside the servers count their writes on SQLite.
const announcedWrites = `CREATE TABLE IF NOT EXISTS announced_writes (id integer PRIMARY KEY, version integer NOT NULL)`

// Announce tells the servers on tx's SQLite file, once tx commits, that their data changed
// behind their back. It is for writers that are not servers, such as `maarid import`; on
// PostgreSQL their drivers tell the servers of their writes as a server's does.
func Announce(ctx context.Context, tx *ent.Tx) error {
	if tx.DialectName() == dialect.Postgres {
		return nil
	}
	return tx.RawExec(ctx, "INSERT INTO announced_writes (id, version) VALUES (1, 1) "+
		"ON CONFLICT (id) DO UPDATE SET version = announced_writes.version + 1")
}

// dataVersion reads PRAGMA data_version, then announced_writes, on a connection of its own.
type dataVersion struct {
	db      *sql.DB
	checked atomic.Int64 // when it was last read, in Unix nanoseconds
	mu      sync.Mutex   // held while it is read
	last    int64        // data_version
	writes  int64        // announced_writes
}

// checkEvery is how long a reading of data_version stands for: the oldest an answer can be.
const checkEvery = time.Millisecond

// changed reports whether another process announced a write since it last looked. While one
// caller looks, the others take the last reading rather than wait.
func (d *dataVersion) changed() bool {
	now := time.Now().UnixNano()
	if now-d.checked.Load() < int64(checkEvery) || !d.mu.TryLock() {
		return false
	}
	defer d.mu.Unlock()
	d.checked.Store(now)
	if d.db == nil {
		return true
	}
	var v int64
	if err := d.db.QueryRow("PRAGMA data_version").Scan(&v); err != nil {
		// Unknown is changed: a cache keeps nothing rather than something stale.
		return true
	}
	if v == d.last {
		return false
	}
	d.last = v
	var n int64
	if err := d.db.QueryRow("SELECT coalesce(max(version), 0) FROM announced_writes").Scan(&n); err != nil {
		return true
	}
	changed := n != d.writes
	d.writes = n
	return changed
}

// database is what Open knows of a client's database, for ChangesOf.
type database struct {
	dsn     string
	client  *ent.Client
	changes *Changes
	pool    *sql.DB
	closed  sync.Once
	// discarding is held while the pool's idle connections are discarded.
	discarding sync.Mutex
}

// opened maps each client that Open returned and that is not closed yet to its database: the
// response cache, made where the client is all there is, finds its Changes through it.
var opened sync.Map // *ent.Client → *database

// ChangesOf returns what client knows of the changes of its database's tables: its own writes,
// and those of the other instances and processes, until it is closed. A client that Open did
// not open knows nothing (nil, which tells that changes are not heard).
func ChangesOf(client *ent.Client) *Changes {
	v, ok := opened.Load(client)
	if !ok {
		return nil
	}
	return v.(*database).changes
}

// PoolOf returns the pool of connections of a client that Open opened, for its statistics;
// nil for another client.
func PoolOf(client *ent.Client) *sql.DB {
	v, ok := opened.Load(client)
	if !ok {
		return nil
	}
	return v.(*database).pool
}

// watchDataVersion starts reading the writes other processes announce on the SQLite file of
// dsn, and returns how to stop.
func watchDataVersion(dsn string) (*dataVersion, func()) {
	d := &dataVersion{}
	stop := func() {}
	full, err := sqliteDSN(dsn)
	if err == nil {
		d.db, err = sql.Open("sqlite3", full)
	}
	if err == nil {
		// One connection: data_version tells of the commits since this connection's last
		// reading.
		d.db.SetMaxOpenConns(1)
		d.db.SetConnMaxIdleTime(0)
		stop = func() { d.db.Close() }
		err = d.db.QueryRow("PRAGMA data_version").Scan(&d.last)
	}
	if err == nil {
		err = d.db.QueryRow("SELECT coalesce(max(version), 0) FROM announced_writes").Scan(&d.writes)
	}
	if err != nil {
		slog.Warn("reading the writes of other processes to the SQLite file: each reading counts as a change", "error", err)
	}
	return d, stop
}

// close stops following the changes, once.
func (db *database) close() {
	if db == nil {
		return
	}
	db.closed.Do(func() {
		opened.Delete(db.client)
		db.changes.stop()
	})
}
