// Package storetest gives tests a fresh database of each kind Maarid runs on: an SQLite file
// always, and a PostgreSQL database when MAARID_TEST_POSTGRES_URL names a server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"

	"maarid/ent"
	"maarid/store"
)

// PostgresEnv names the variable that holds the URL of a PostgreSQL server for tests; the
// tests create a database of their own on it and drop it after.
const PostgresEnv = "MAARID_TEST_POSTGRES_URL"

// Kinds lists the stores to run database tests on.
func Kinds() []string {
	if os.Getenv(PostgresEnv) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// URL returns the DSN of a new, empty database of kind, removed when tb ends.
func URL(tb testing.TB, kind string) string {
	tb.Helper()
	switch kind {
	case "sqlite":
		return filepath.Join(tb.TempDir(), "maarid.db")
	case "postgres":
		return postgresDatabase(tb)
	}
	tb.Fatalf("unknown store kind %q", kind)
	return ""
}

// Open returns a client on a new, migrated database of kind, closed when tb ends.
func Open(tb testing.TB, kind string, opts ...store.Option) *ent.Client {
	tb.Helper()
	return OpenURL(tb, URL(tb, kind), opts...)
}

// OpenURL returns a client on the database at dsn, migrated, closed when tb ends.
func OpenURL(tb testing.TB, dsn string, opts ...store.Option) *ent.Client {
	tb.Helper()
	client, err := store.Open(context.Background(), dsn, opts...)
	if err != nil {
		tb.Fatalf("opening the store: %v", err)
	}
	tb.Cleanup(func() { client.Close() })
	return client
}

func postgresDatabase(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		tb.Fatalf("%s is not set", PostgresEnv)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("connecting to PostgreSQL: %v", err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "maarid_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("creating the test database: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			tb.Errorf("connecting to PostgreSQL: %v", err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			tb.Errorf("dropping the test database: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Counter is an ent driver that counts the statements sent to the database, so that a test
// can assert how many queries a request costs.
type Counter struct {
	dialect.Driver
	n atomic.Int64
}

// Count wraps drv in a Counter; pass it to store.Open with store.WithDriver.
func (c *Counter) Count(drv dialect.Driver) dialect.Driver {
	c.Driver = drv
	return c
}

// Statements returns the number of statements sent so far.
func (c *Counter) Statements() int64 { return c.n.Load() }

// Reset sets the count back to zero.
func (c *Counter) Reset() { c.n.Store(0) }

func (c *Counter) Exec(ctx context.Context, query string, args, v any) error {
	c.n.Add(1)
	return c.Driver.Exec(ctx, query, args, v)
}

func (c *Counter) Query(ctx context.Context, query string, args, v any) error {
	c.n.Add(1)
	return c.Driver.Query(ctx, query, args, v)
}

// ExecContext counts and runs a statement ent has no builder for.
func (c *Counter) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return store.ExecContext(ctx, c, query, args)
}

func (c *Counter) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := c.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, n: &c.n}, nil
}

type countingTx struct {
	dialect.Tx
	n *atomic.Int64
}

func (t *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t *countingTx) Query(ctx context.Context, query string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Query(ctx, query, args, v)
}

// ExecContext counts and runs a statement ent has no builder for.
func (t *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return store.ExecContext(ctx, t, query, args)
}
