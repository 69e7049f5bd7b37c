// Command newmigration writes the next migration of each store after a change of the ent
// schema, into store/migrations/sqlite and store/migrations/postgres, computed on an empty
// SQLite database in memory and an empty PostgreSQL database it creates on the server of
// --postgres (by default MAARID_TEST_POSTGRES_URL) and drops after. Review the files, then
// commit them with the schema's change.
//
//	go run ./store/newmigration add_product_origin
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"regexp"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3"

	"maarid/store"
)

func main() {
	postgres := flag.String("postgres", os.Getenv("MAARID_TEST_POSTGRES_URL"), "URL of a PostgreSQL server on which to create a scratch database")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "Usage: go run ./store/newmigration [--postgres URL] NAME")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || !regexp.MustCompile(`^[a-z][a-z0-9_]{0,60}$`).MatchString(flag.Arg(0)) {
		flag.Usage()
		os.Exit(2)
	}
	if *postgres == "" {
		log.Fatal("give --postgres, or set MAARID_TEST_POSTGRES_URL: the PostgreSQL migration is computed on a scratch database")
	}
	ctx := context.Background()
	name := flag.Arg(0)

	lite, err := sql.Open("sqlite3", "file:newmigration?mode=memory&cache=shared&_fk=1")
	if err != nil {
		log.Fatal(err)
	}
	defer lite.Close()
	if err := write(ctx, entsql.OpenDB(dialect.SQLite, lite), name); err != nil {
		log.Fatalf("sqlite: %v", err)
	}

	scratch, drop, err := scratchDatabase(ctx, *postgres)
	if err != nil {
		log.Fatalf("postgres: %v", err)
	}
	defer drop()
	pg, err := sql.Open("pgx", scratch)
	if err != nil {
		log.Fatal(err)
	}
	defer pg.Close()
	if err := write(ctx, entsql.OpenDB(dialect.Postgres, pg), name); err != nil {
		log.Printf("postgres: %v", err)
		return
	}
}

// write writes the next migration of dev's store into its directory.
func write(ctx context.Context, dev dialect.Driver, name string) error {
	path := filepath.Join("store", "migrations", store.MigrationsOf(dev.Dialect()))
	dir, err := migrate.NewLocalDir(path)
	if err != nil {
		return fmt.Errorf("%s (run from the repository's root): %w", path, err)
	}
	before, err := dir.Files()
	if err != nil {
		return err
	}
	if err := store.Plan(ctx, dev, dir, name); err != nil {
		return err
	}
	after, err := dir.Files()
	if err != nil {
		return err
	}
	if len(after) == len(before) {
		fmt.Printf("%s: the migrations are in step with the schema; nothing written\n", path)
		return nil
	}
	fmt.Printf("%s: wrote %s\n", path, after[len(after)-1].Name())
	return nil
}

// scratchDatabase creates an empty database on the server of base, and returns its URL and
// how to drop it.
func scratchDatabase(ctx context.Context, base string) (string, func(), error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	var b [6]byte
	rand.Read(b[:])
	name := "maarid_migration_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}, nil
}
