package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"time"

	"ariga.io/atlas/sql/migrate"
	atlaspostgres "ariga.io/atlas/sql/postgres"
	atlassqlite "ariga.io/atlas/sql/sqlite"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	"maarid/ent"
	entmigrate "maarid/ent/migrate"
)

// The schema of the database is changed by versioned migrations, files of SQL generated from
// the ent schema and committed beside it, one directory per store: reviewed before a deploy,
// applied in order, each once, and recorded in the table schema_revisions. `go run
// ./store/newmigration NAME` writes the next one after a change of the ent schema, and
// TestMigrationsInStep fails until it is committed.
//
//go:embed migrations
var migrationFiles embed.FS

// MigrationDir returns the migrations of the store of dialectName, as embedded in the binary.
func MigrationDir(dialectName string) (*migrate.MemDir, error) {
	root := path.Join("migrations", MigrationsOf(dialectName))
	entries, err := fs.ReadDir(migrationFiles, root)
	if err != nil {
		return nil, err
	}
	dir := &migrate.MemDir{}
	for _, e := range entries {
		data, err := fs.ReadFile(migrationFiles, path.Join(root, e.Name()))
		if err != nil {
			return nil, err
		}
		if err := dir.WriteFile(e.Name(), data); err != nil {
			return nil, err
		}
	}
	return dir, nil
}

// MigrationsOf names the directory of the migrations of a store, under store/migrations.
func MigrationsOf(dialectName string) string {
	if dialectName == dialect.Postgres {
		return "postgres"
	}
	return "sqlite"
}

// Plan writes into dir the migration, named name, that brings a database at dir's last
// migration to the ent schema, computed on the empty database of dev; it writes nothing when
// they agree.
func Plan(ctx context.Context, dev dialect.Driver, dir migrate.Dir, name string) error {
	return entmigrate.NewSchema(dev).NamedDiff(ctx, name,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dev.Dialect()),
		schema.WithFormatter(migrate.DefaultFormatter),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
	)
}

// migrationLock is the PostgreSQL advisory lock that instances starting together take while
// one of them migrates: the others wait, then find nothing left to do.
const migrationLock = 0x6d61726964 // "marid"

// Migration is a migration file and whether the database has applied it.
type Migration struct {
	Version, Description string
	Applied              bool
}

// lockSchema takes, on PostgreSQL, the lock under which an instance changes the schema of
// the database of db, on a connection of its own, and returns how to let go. Instances
// starting together wait for the first one, then find nothing left to do. An SQLite file is
// served by one server.
func lockSchema(ctx context.Context, db *sql.DB, dialectName string) (func(), error) {
	if dialectName != dialect.Postgres {
		return func() {}, nil
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		conn.Close()
		return nil, fmt.Errorf("taking the lock of the schema: %w", err)
	}
	return func() {
		conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
		conn.Close()
	}, nil
}

// migrations reads or applies the migrations of the database of db on one connection, and
// returns the migrations after. A database made before versioned migrations (tables, but no
// revision) is brought to the schema of the newest migration by ent's automatic migration, as
// the releases before versioned migrations were, its rows are brought to what those releases
// left out (upgrade.go), and the newest migration is recorded as its baseline. It applies
// them under the lock of the schema (lockSchema), which the caller holds: all of them, or the
// first n when n > 0.
func migrations(ctx context.Context, db *sql.DB, dialectName string, apply bool, n int) ([]Migration, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	postgres := dialectName == dialect.Postgres
	rrw := &revisions{q: conn, postgres: postgres}
	if err := rrw.create(ctx); err != nil {
		return nil, err
	}
	dir, err := MigrationDir(dialectName)
	if err != nil {
		return nil, err
	}
	files, err := dir.Files()
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("reading the migrations: %d files, %v", len(files), err)
	}
	var drv migrate.Driver
	if postgres {
		drv, err = atlaspostgres.Open(conn)
	} else {
		drv, err = atlassqlite.Open(conn)
	}
	if err != nil {
		return nil, err
	}
	var opts []migrate.ExecutorOption
	revs, err := rrw.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	if len(revs) == 0 {
		legacy, err := rrw.exists(ctx, "fairs")
		if err != nil {
			return nil, err
		}
		if legacy {
			if apply {
				if err := entmigrate.NewSchema(entDriver(db, dialectName)).Create(ctx, schema.WithDropColumn(true), schema.WithDropIndex(true)); err != nil {
					return nil, fmt.Errorf("bringing a database of an earlier release to the schema: %w", err)
				}
				if err := upgradeRows(ctx, ent.NewClient(ent.Driver(entDriver(db, dialectName)))); err != nil {
					return nil, fmt.Errorf("bringing a database of an earlier release to the schema: %w", err)
				}
			}
			opts = append(opts, migrate.WithBaselineVersion(files[len(files)-1].Version()))
		} else {
			// A new database: PostgreSQL's has the schema public already, and each store may
			// have the tables Maarid keeps beside the schema's (the search index, the write
			// probe), none of which a migration creates.
			opts = append(opts, migrate.WithAllowDirty(true))
		}
	}
	ex, err := migrate.NewExecutor(drv, dir, rrw, opts...)
	if err != nil {
		return nil, err
	}
	if apply {
		if err := ex.ExecuteN(ctx, n); err != nil && !errors.Is(err, migrate.ErrNoPendingFiles) {
			return nil, fmt.Errorf("migrating: %w", err)
		}
	}
	pending, err := ex.Pending(ctx)
	if err != nil && !errors.Is(err, migrate.ErrNoPendingFiles) {
		return nil, err
	}
	waiting := map[string]bool{}
	for _, f := range pending {
		waiting[f.Version()] = true
	}
	out := make([]Migration, len(files))
	for i, f := range files {
		out[i] = Migration{Version: f.Version(), Description: f.Desc(), Applied: !waiting[f.Version()]}
	}
	return out, nil
}

// revisions keeps which migrations a database applied, in the table schema_revisions: Atlas's
// revisions, one row each.
type revisions struct {
	q interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}
	postgres bool
}

var _ migrate.RevisionReadWriter = (*revisions)(nil)

func (r *revisions) Ident() *migrate.TableIdent { return &migrate.TableIdent{Name: "schema_revisions"} }

// placeholders numbers the placeholders of a statement for PostgreSQL.
func (r *revisions) placeholders(statement string) string {
	if !r.postgres {
		return statement
	}
	out, n := []byte{}, 0
	for i := 0; i < len(statement); i++ {
		if statement[i] == '?' {
			n++
			out = fmt.Appendf(out, "$%d", n)
			continue
		}
		out = append(out, statement[i])
	}
	return string(out)
}

func (r *revisions) create(ctx context.Context) error {
	_, err := r.q.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_revisions (
		version text PRIMARY KEY, description text NOT NULL, type integer NOT NULL,
		applied integer NOT NULL, total integer NOT NULL, executed_at text NOT NULL,
		execution_time bigint NOT NULL, error text NOT NULL, error_stmt text NOT NULL,
		hash text NOT NULL, partial_hashes text NOT NULL, operator_version text NOT NULL)`)
	if err != nil {
		return fmt.Errorf("creating the table of migrations: %w", err)
	}
	return nil
}

// exists reports whether the database has table.
func (r *revisions) exists(ctx context.Context, table string) (bool, error) {
	query := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if r.postgres {
		query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
	}
	rows, err := r.q.QueryContext(ctx, r.placeholders(query), table)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	var n int
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return false, err
		}
	}
	return n > 0, rows.Err()
}

const revisionColumns = "version, description, type, applied, total, executed_at, execution_time, error, error_stmt, hash, partial_hashes, operator_version"

func (r *revisions) read(ctx context.Context, where string, args ...any) ([]*migrate.Revision, error) {
	rows, err := r.q.QueryContext(ctx, r.placeholders("SELECT "+revisionColumns+" FROM schema_revisions"+where+" ORDER BY version"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*migrate.Revision
	for rows.Next() {
		var rev migrate.Revision
		var executedAt, partial string
		var took int64
		if err := rows.Scan(&rev.Version, &rev.Description, &rev.Type, &rev.Applied, &rev.Total, &executedAt, &took,
			&rev.Error, &rev.ErrorStmt, &rev.Hash, &partial, &rev.OperatorVersion); err != nil {
			return nil, err
		}
		rev.ExecutedAt, _ = time.Parse(time.RFC3339Nano, executedAt)
		rev.ExecutionTime = time.Duration(took)
		if partial != "" {
			if err := json.Unmarshal([]byte(partial), &rev.PartialHashes); err != nil {
				return nil, err
			}
		}
		out = append(out, &rev)
	}
	return out, rows.Err()
}

func (r *revisions) ReadRevisions(ctx context.Context) ([]*migrate.Revision, error) {
	return r.read(ctx, "")
}

func (r *revisions) ReadRevision(ctx context.Context, version string) (*migrate.Revision, error) {
	revs, err := r.read(ctx, " WHERE version = ?", version)
	if err != nil {
		return nil, err
	}
	if len(revs) == 0 {
		return nil, migrate.ErrRevisionNotExist
	}
	return revs[0], nil
}

func (r *revisions) WriteRevision(ctx context.Context, rev *migrate.Revision) error {
	partial := ""
	if len(rev.PartialHashes) > 0 {
		b, err := json.Marshal(rev.PartialHashes)
		if err != nil {
			return err
		}
		partial = string(b)
	}
	_, err := r.q.ExecContext(ctx, r.placeholders("INSERT INTO schema_revisions ("+revisionColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "+
		"ON CONFLICT (version) DO UPDATE SET description = excluded.description, type = excluded.type, applied = excluded.applied, "+
		"total = excluded.total, executed_at = excluded.executed_at, execution_time = excluded.execution_time, error = excluded.error, "+
		"error_stmt = excluded.error_stmt, hash = excluded.hash, partial_hashes = excluded.partial_hashes, operator_version = excluded.operator_version"),
		rev.Version, rev.Description, rev.Type, rev.Applied, rev.Total, rev.ExecutedAt.UTC().Format(time.RFC3339Nano), int64(rev.ExecutionTime),
		rev.Error, rev.ErrorStmt, rev.Hash, partial, rev.OperatorVersion)
	return err
}

func (r *revisions) DeleteRevision(ctx context.Context, version string) error {
	_, err := r.q.ExecContext(ctx, r.placeholders("DELETE FROM schema_revisions WHERE version = ?"), version)
	return err
}

// entDriver is ent's driver over db.
func entDriver(db *sql.DB, dialectName string) dialect.Driver { return entsql.OpenDB(dialectName, db) }

// pendingOf counts the migrations not applied.
func pendingOf(ms []Migration) int {
	n := 0
	for _, m := range ms {
		if !m.Applied {
			n++
		}
	}
	return n
}

// Migrations returns the migrations of client's database, each applied or not, applying
// those that are not first when apply is set. client is one that Open opened.
func Migrations(ctx context.Context, client *ent.Client, apply bool) ([]Migration, error) {
	pool := PoolOf(client)
	if pool == nil {
		return nil, errors.New("the client was not opened by store.Open")
	}
	return migrations(ctx, pool, client.DialectName(), apply, 0)
}

// Pending returns how many migrations client's database has not applied: another instance,
// of an older release, may run while a newer one migrated, or the other way round.
func Pending(ctx context.Context, client *ent.Client) (int, error) {
	ms, err := Migrations(ctx, client, false)
	return pendingOf(ms), err
}
