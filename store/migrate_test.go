package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"maarid/auth"
	"maarid/demo"
	"maarid/ent"
	entmigrate "maarid/ent/migrate"
	"maarid/store"
	"maarid/store/storetest"
)

// TestMigrationsInStep computes, on an empty database of each store, the migration that would
// bring the committed ones to the ent schema: there must be none. When there is one, the ent
// schema changed without its migration: go run ./store/newmigration NAME.
func TestMigrationsInStep(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			name, dsn := dialect.SQLite, "file:instep?mode=memory&cache=shared&_fk=1"
			driver := "sqlite3"
			if kind == "postgres" {
				name, dsn, driver = dialect.Postgres, storetest.URL(t, kind), "pgx"
			}
			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			dir, err := store.MigrationDir(name)
			if err != nil {
				t.Fatal(err)
			}
			before, _ := dir.Files()
			if len(before) == 0 {
				t.Fatal("no migrations")
			}
			if err := store.Plan(context.Background(), entsql.OpenDB(name, db), dir, "missing"); err != nil {
				t.Fatal(err)
			}
			if after, _ := dir.Files(); len(after) != len(before) {
				t.Errorf("the ent schema has changes no migration makes; run go run ./store/newmigration NAME. They are:\n%s", after[len(after)-1].Bytes())
			}
		})
	}
}

// TestMigrate migrates an empty database, one made by a release before versioned migrations
// (ent's automatic migration) with the demo fair in it, one at the previous migration with the
// demo fair in it, and on PostgreSQL one that several instances open at once: every migration
// applied once, the data kept.
func TestMigrate(t *testing.T) {
	ctx := auth.System(context.Background())
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			dir, err := store.MigrationDir(map[string]string{"sqlite": dialect.SQLite, "postgres": dialect.Postgres}[kind])
			if err != nil {
				t.Fatal(err)
			}
			files, _ := dir.Files()
			allApplied := func(t *testing.T, c *ent.Client) {
				t.Helper()
				ms, err := store.Migrations(ctx, c, false)
				if err != nil || len(ms) != len(files) {
					t.Fatalf("%d migrations, %d files: %v", len(ms), len(files), err)
				}
				for _, m := range ms {
					if !m.Applied {
						t.Errorf("migration %s %s is not applied", m.Version, m.Description)
					}
				}
				if n, err := store.Pending(ctx, c); n != 0 || err != nil {
					t.Errorf("%d pending: %v", n, err)
				}
			}

			t.Run("empty", func(t *testing.T) {
				dsn := storetest.URL(t, kind)
				if _, err := store.Open(ctx, dsn, store.WithoutMigrating()); err == nil {
					t.Error("an empty database was opened without migrating")
				}
				c := storetest.OpenURL(t, dsn)
				allApplied(t, c)
				if _, err := demo.Seed(ctx, c); err != nil {
					t.Fatalf("the migrated schema does not take the demo fair: %v", err)
				}
				again := storetest.OpenURL(t, dsn, store.WithoutMigrating())
				allApplied(t, again)
			})

			// seeded writes the demo fair into the database at dsn, as an earlier release did:
			// made by migrate, through a client that knows nothing of what came after; then
			// Open migrates it, keeping the data.
			seeded := func(t *testing.T, migrate func(dialect.Driver) error) {
				t.Helper()
				dsn := storetest.URL(t, kind)
				driverName, url := "sqlite3", "file:"+dsn+"?_fk=1"
				if kind == "postgres" {
					driverName, url = "pgx", dsn
				}
				db, err := sql.Open(driverName, url)
				if err != nil {
					t.Fatal(err)
				}
				drv := entsql.OpenDB(map[string]string{"sqlite3": dialect.SQLite, "pgx": dialect.Postgres}[driverName], db)
				if err := migrate(drv); err != nil {
					t.Fatal(err)
				}
				old := ent.NewClient(ent.Driver(drv))
				fair, err := demo.Seed(ctx, old)
				if err != nil {
					t.Fatal(err)
				}
				products, _ := old.Product.Query().Count(ctx)
				old.Close()

				c := storetest.OpenURL(t, dsn)
				allApplied(t, c)
				if n, err := c.Product.Query().Count(ctx); err != nil || n != products || n == 0 {
					t.Errorf("%d products after migrating, %d before: %v", n, products, err)
				}
				if f, err := c.Fair.Get(ctx, fair.ID); err != nil || f.Name[fair.DefaultLanguage] == "" {
					t.Errorf("the fair after migrating: %v", err)
				}
			}
			t.Run("made before versioned migrations", func(t *testing.T) {
				seeded(t, func(drv dialect.Driver) error { return entmigrate.NewSchema(drv).Create(ctx) })
			})
			t.Run("at the previous migration", func(t *testing.T) {
				seeded(t, func(drv dialect.Driver) error {
					if err := store.MigrateFirst(ctx, drv, len(files)-1); err != nil {
						return err
					}
					var rows entsql.Rows
					if err := drv.Query(ctx, "SELECT count(*) FROM schema_revisions", []any{}, &rows); err != nil {
						return err
					}
					defer rows.Close()
					var applied int
					if !rows.Next() || rows.Scan(&applied) != nil || applied != len(files)-1 {
						return fmt.Errorf("%d migrations applied, want %d", applied, len(files)-1)
					}
					return nil
				})
			})

			if kind != "postgres" {
				return // one SQLite file is served by one server
			}
			t.Run("instances starting together", func(t *testing.T) {
				dsn := storetest.URL(t, kind)
				var wg sync.WaitGroup
				clients := make([]*ent.Client, 4)
				errs := make([]error, 4)
				for i := range clients {
					wg.Go(func() { clients[i], errs[i] = store.Open(ctx, dsn) })
				}
				wg.Wait()
				for i, c := range clients {
					if errs[i] != nil {
						t.Fatalf("instance %d: %v", i, errs[i])
					}
					defer c.Close()
				}
				allApplied(t, clients[0])
				var revisions int
				err := clients[0].RawQuery(ctx, "SELECT count(*) FROM schema_revisions", nil, func(row entsql.ColumnScanner) error { return row.Scan(&revisions) })
				if err != nil || revisions != len(files) {
					t.Errorf("%d revisions for %d migrations: %v", revisions, len(files), err)
				}
			})
		})
	}
}
