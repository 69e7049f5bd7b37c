// Package store opens Maarid's database: an embedded SQLite file by default, or PostgreSQL
// for several instances sharing one database. Everything above it sees only the ent client,
// so nothing SQLite-only or PostgreSQL-only leaks into the API.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "github.com/mattn/go-sqlite3"    // registers the "sqlite3" database/sql driver
	"go.opentelemetry.io/otel/trace"

	"maarid/catalogue"
	"maarid/ent"
	_ "maarid/ent/runtime" // the schema's defaults, hooks and validators
	"maarid/search"
	"maarid/store/notify"
)

// Option changes how Open sets a store up.
type Option func(*options)

type options struct {
	wrap      func(dialect.Driver) dialect.Driver
	pool      Pool
	noMigrate bool
	tracer    trace.TracerProvider
	asIs      bool // opened to read its migrations: nothing changed, nothing refused
}

// OpenForStatus opens the database named by dsn as it is, to read which migrations it applied
// (Migrations): its schema is neither changed nor checked.
func OpenForStatus(ctx context.Context, dsn string) (*ent.Client, error) {
	return Open(ctx, dsn, func(o *options) { o.asIs = true })
}

// WithoutMigrating refuses a database whose schema misses migrations instead of applying
// them: for deploys that migrate in a step of their own (go run ./server migrate up).
func WithoutMigrating() Option {
	return func(o *options) { o.noMigrate = true }
}

// Pool is how many connections a client keeps to its database, and for how long. Zero values
// take the defaults.
type Pool struct {
	// MaxConns bounds the connections open at once: by default four per core on PostgreSQL
	// (each waits on the network), two per core and two more on SQLite (readers run in
	// parallel; a writer holds one).
	MaxConns int
	// MaxLifetime is how long a connection is used before it is made anew: 30 minutes by
	// default, so that none outlives a fault for long (on SQLite, a connection opened while
	// the file could not be written to is read-only for good).
	MaxLifetime time.Duration
	// MaxIdleTime is how long an unused connection is kept: 5 minutes by default on
	// PostgreSQL, for ever on SQLite, where opening one costs its caches.
	MaxIdleTime time.Duration
}

// WithPool sizes the client's pool of connections.
func WithPool(p Pool) Option {
	return func(o *options) { o.pool = p }
}

// size applies p to db, with the defaults of a store: maxConns connections, idle time idle.
func (p Pool) size(db *sql.DB, maxConns int, idle time.Duration) {
	n := cmp.Or(p.MaxConns, maxConns)
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxLifetime(cmp.Or(p.MaxLifetime, 30*time.Minute))
	db.SetConnMaxIdleTime(cmp.Or(p.MaxIdleTime, idle))
}

// WithDriver wraps the ent driver, for example to count or log statements.
func WithDriver(wrap func(dialect.Driver) dialect.Driver) Option {
	return func(o *options) { o.wrap = wrap }
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than an SQLite file.
func IsPostgres(dsn string) bool { return notify.IsPostgres(dsn) }

// Open opens the database named by dsn — a postgres:// URL, or the path of an SQLite file,
// optionally written as a file: URI — and brings its schema up to date.
func Open(ctx context.Context, dsn string, opts ...Option) (*ent.Client, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var (
		drv dialect.Driver
		err error
	)
	var pool *sql.DB
	if IsPostgres(dsn) {
		drv, pool, err = openPostgres(ctx, dsn, o.pool)
	} else {
		drv, pool, err = openSQLite(ctx, dsn, o.pool)
	}
	if err != nil {
		return nil, err
	}
	db := &database{dsn: dsn, changes: newChanges(IsPostgres(dsn)), pool: pool}
	drv = changesDriver{Driver: errorDriver{Driver: drv, db: db}, c: db.changes}
	if o.tracer != nil {
		drv = tracingDriver{Driver: drv, tracer: o.tracer.Tracer("maarid/store")}
	}
	if o.wrap != nil {
		drv = o.wrap(drv)
	}
	client := ent.NewClient(ent.Driver(drv))
	db.client = client
	opened.Store(client, db)
	if o.asIs {
		return client, nil
	}
	// The schema, and what Maarid keeps beside it, are changed by one instance at a time.
	unlock, err := lockSchema(ctx, pool, client.DialectName())
	if err != nil {
		client.Close()
		return nil, err
	}
	defer unlock()
	// The schema as the committed migrations make it (migrate.go); with WithoutMigrating, a
	// database that misses one is refused.
	applied, err := migrations(ctx, pool, client.DialectName(), !o.noMigrate, 0)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("migrating the database schema: %w", err)
	}
	if n := pendingOf(applied); n > 0 {
		client.Close()
		return nil, fmt.Errorf("%d migrations of the database schema are pending: run go run ./server migrate up", n)
	}
	if err := client.RawExec(ctx, writeProbe); err != nil {
		client.Close()
		return nil, fmt.Errorf("migrating the database: %w", err)
	}
	if client.DialectName() == dialect.SQLite {
		if err := client.RawExec(ctx, announcedWrites); err != nil {
			client.Close()
			return nil, fmt.Errorf("migrating the database: %w", err)
		}
	}
	if err := search.Prepare(ctx, client); err != nil {
		client.Close()
		return nil, err
	}
	catalogue.Prepare(client)
	db.changes.follow(dsn)
	return client, nil
}

func openPostgres(ctx context.Context, dsn string, pool Pool) (dialect.Driver, *sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("opening PostgreSQL: %w", err)
	}
	// Enough connections for every core to wait on the network; the server is one of several
	// instances sharing the database, so it stays well under PostgreSQL's max_connections.
	pool.size(db, 4*runtime.GOMAXPROCS(0), 5*time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	return entsql.OpenDB(dialect.Postgres, db), db, nil
}

// sqliteDefaults are the connection parameters of every SQLite database, each for a reason.
var sqliteDefaults = [][2]string{
	// ent's migration and Maarid's edges rely on foreign keys, which SQLite leaves off.
	{"_fk", "1"},
	// WAL lets readers go on while one writer commits, the shape of an API's load.
	{"_journal_mode", "WAL"},
	// In WAL mode NORMAL loses no committed data on a crash of the process, only possibly
	// the last transactions on a power cut, and saves an fsync per commit.
	{"_synchronous", "NORMAL"},
	// A writer waits up to 5 s for another to finish instead of failing at once.
	{"_busy_timeout", "5000"},
	// Write transactions take the write lock when they begin, so that a transaction that read
	// first never fails upgrading its lock half-way (SQLITE_BUSY that no timeout retries).
	{"_txlock", "immediate"},
}

// SQLitePath returns the file of an SQLite DSN: its path without the file: scheme and the
// parameters.
func SQLitePath(dsn string) string {
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return path
}

// sqliteDSN returns the DSN that opens the SQLite file of dsn with sqliteDefaults.
func sqliteDSN(dsn string) (string, error) {
	path, query, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	params, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("reading the SQLite parameters of %q: %w", dsn, err)
	}
	for _, p := range sqliteDefaults {
		if !params.Has(p[0]) {
			params.Set(p[0], p[1])
		}
	}
	return "file:" + path + "?" + params.Encode(), nil
}

func openSQLite(ctx context.Context, dsn string, pool Pool) (dialect.Driver, *sql.DB, error) {
	path := SQLitePath(dsn)
	full, err := sqliteDSN(dsn)
	if err != nil {
		return nil, nil, err
	}
	db, err := sql.Open("sqlite3", full)
	if err != nil {
		return nil, nil, fmt.Errorf("opening SQLite: %w", err)
	}
	// Readers run in parallel in WAL mode; one connection per core and a few more for the
	// moments a writer holds one. Idle ones are kept: opening one costs its caches.
	pool.size(db, 2*runtime.GOMAXPROCS(0)+2, 0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("opening the SQLite file %q: %w", path, err)
	}
	return entsql.OpenDB(dialect.SQLite, db), db, nil
}
