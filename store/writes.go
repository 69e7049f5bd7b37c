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
	"maarid/store/notify"
)

// A server hears of its own writes through ent's hooks. Another process that writes to the
// same database — `maarid import` — commits behind its back, so it announces its writes
// (Announce), and OtherWrites is how a server hears of them, in the way each store offers:
//
//   - PostgreSQL has LISTEN/NOTIFY, which the programme's feed and the keys already use: the
//     writer NOTIFYs in its transaction, and one LISTEN connection per client counts the
//     notifications, a few milliseconds after their commits.
//   - SQLite has no notifications, but PRAGMA data_version, read again on one connection,
//     changes whenever another connection has committed. It cannot tell who committed — the
//     server's own connections too, for the API keys' last-used times that the response cache
//     rightly ignores — so the writer also counts its writes in a table, announced_writes,
//     which is read again only when data_version moved. Both are read when asked, at most
//     once a millisecond, on a connection kept for it: no goroutine and no timer, an answer
//     at most a millisecond older than the last commit, nothing spent while nobody asks.

// writesChannel is the PostgreSQL channel on which writers from outside the servers announce
// that the data changed.
const writesChannel = "maarid_writes"

// announcedWrites is where writers from outside the servers count their writes on SQLite.
const announcedWrites = `CREATE TABLE IF NOT EXISTS announced_writes (id integer PRIMARY KEY, version integer NOT NULL)`

// Announce tells the servers on tx's database, once tx commits, that their data changed
// behind their back. It is for writers that are not servers, such as `maarid import`.
func Announce(ctx context.Context, tx *ent.Tx) error {
	if tx.DialectName() == dialect.Postgres {
		return tx.RawExec(ctx, "SELECT pg_notify($1, '')", writesChannel)
	}
	return tx.RawExec(ctx, "INSERT INTO announced_writes (id, version) VALUES (1, 1) "+
		"ON CONFLICT (id) DO UPDATE SET version = announced_writes.version + 1")
}

// Writes is what a client learns of the writes other processes announce on its database.
type Writes struct {
	version atomic.Uint64
	sqlite  *dataVersion
	stop    func()
}

// Version returns a number that has moved on since an earlier call whenever another process
// announced a write in between. It is 0, always, for a client that Open did not open.
func (w *Writes) Version() uint64 {
	if w == nil {
		return 0
	}
	if w.sqlite != nil && w.sqlite.changed() {
		w.version.Add(1)
	}
	return w.version.Load()
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

// database is what Open knows of a client's database, for OtherWrites.
type database struct {
	dsn    string
	client *ent.Client

	once   sync.Once
	writes *Writes
	closed sync.Once
}

// opened maps each client that Open returned and that is not closed yet to its database: the
// response cache, made where the client is all there is, finds its database through it.
var opened sync.Map // *ent.Client → *database

// OtherWrites returns what client learns of the writes other processes announce on its
// database, from now until it is closed. Every call for one client returns the same Writes;
// a client that Open did not open learns nothing (nil, whose Version is always 0).
func OtherWrites(client *ent.Client) *Writes {
	v, ok := opened.Load(client)
	if !ok {
		return nil
	}
	db := v.(*database)
	db.once.Do(func() { db.writes = follow(db.dsn) })
	return db.writes
}

// follow starts learning of the writes other processes announce on the database at dsn.
func follow(dsn string) *Writes {
	w := &Writes{stop: func() {}}
	if IsPostgres(dsn) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		// Listen also calls back each time it connects, for what it may have missed before.
		go func() {
			defer close(done)
			notify.Listen(ctx, dsn, writesChannel, func() { w.version.Add(1) }, slog.Default())
		}()
		w.stop = func() {
			cancel()
			<-done
		}
		return w
	}
	d := &dataVersion{}
	w.sqlite = d
	full, err := sqliteDSN(dsn)
	if err == nil {
		d.db, err = sql.Open("sqlite3", full)
	}
	if err == nil {
		// One connection: data_version tells of the commits since this connection's last
		// reading.
		d.db.SetMaxOpenConns(1)
		d.db.SetConnMaxIdleTime(0)
		w.stop = func() { d.db.Close() }
		err = d.db.QueryRow("PRAGMA data_version").Scan(&d.last)
	}
	if err == nil {
		err = d.db.QueryRow("SELECT coalesce(max(version), 0) FROM announced_writes").Scan(&d.writes)
	}
	if err != nil {
		slog.Warn("reading the writes of other processes to the SQLite file: each reading counts as a change", "error", err)
	}
	return w
}

// close stops following the other processes' writes, once.
func (db *database) close() {
	if db == nil {
		return
	}
	db.closed.Do(func() {
		opened.Delete(db.client)
		db.once.Do(func() {}) // no Writes after close
		if db.writes != nil {
			db.writes.stop()
		}
	})
}
