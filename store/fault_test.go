package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"maarid/auth"
	"maarid/ent/exhibitor"
	"maarid/i18n"
	"maarid/store"
	"maarid/store/storetest"
)

// TestWritesAfterAFault makes the SQLite file unwritable (chattr +i) while the pool grows, as a
// full disk or a mistaken permission would, then mends it: the connections opened meanwhile
// are read-only for good, and the client must discard them, so that writes succeed again
// within moments — and /readyz, which asks store.Writable, says so.
func TestWritesAfterAFault(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("making a file immutable takes root") // the CI machines run as root
	}
	path := storetest.URL(t, "sqlite")
	client := storetest.OpenURL(t, path, store.WithPool(store.Pool{MaxConns: 8}))
	ctx := auth.System(context.Background())
	write := func(i int) error {
		return client.Exhibitor.Create().SetName(i18n.Text{i18n.FR: "Coopérative"}).SetSlug(fmt.Sprintf("cooperative-%d", i)).
			SetKind(exhibitor.KindCOOPERATIVE).SetSector(exhibitor.SectorAGRI_FOOD).SetProvince(exhibitor.ProvinceAZILAL).Exec(ctx)
	}
	if err := write(0); err != nil {
		t.Fatal(err)
	}
	chattr := func(flag string) {
		t.Helper()
		if out, err := exec.Command("chattr", flag, path).CombinedOutput(); err != nil {
			t.Fatalf("chattr %s: %v %s", flag, err, out)
		}
	}
	chattr("+i")
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	// Eight slow reads at once: the pool opens connections, read-only while the file is
	// immutable.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			client.RawQuery(ctx, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000) SELECT count(*) FROM n", nil,
				func(row entsql.ColumnScanner) error { var n int; return row.Scan(&n) })
		})
	}
	wg.Wait()
	chattr("-i")

	failed, succeeded := 0, 0
	deadline := time.Now().Add(5 * time.Second)
	for i := 1; succeeded < 20 && time.Now().Before(deadline); i++ {
		if err := write(i); err != nil {
			failed++
			succeeded = 0
			continue
		}
		succeeded++
	}
	if succeeded < 20 {
		t.Fatalf("writes still fail 5 s after the fault was mended: %d failed", failed)
	}
	t.Logf("%d writes failed after the fault was mended, then 20 in a row succeeded", failed)
	if err := store.Writable(ctx, client); err != nil {
		t.Errorf("the database is not writable after the fault was mended: %v", err)
	}
}

// TestQueriesAfterBackendsTerminated has PostgreSQL terminate every backend of the database
// while the pool holds idle connections, as a restart or an administrator would: the queries
// and transactions that follow at once all succeed, on new connections.
func TestQueriesAfterBackendsTerminated(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		if kind != "postgres" {
			continue // an SQLite file has no backends
		}
		dsn := storetest.URL(t, kind)
		client := storetest.OpenURL(t, dsn, store.WithPool(store.Pool{MaxConns: 8}))
		ctx := auth.System(context.Background())
		query := func() error { _, err := client.Exhibitor.Query().Count(ctx); return err }
		// Eight connections in the pool, idle.
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				client.RawQuery(ctx, "SELECT pg_sleep(0.05)", nil, func(row entsql.ColumnScanner) error { var s string; return row.Scan(&s) })
			})
		}
		wg.Wait()
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		var killed int
		err = admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&killed)
		if err != nil || killed < 2 {
			t.Fatalf("terminated %d backends: %v", killed, err)
		}
		time.Sleep(50 * time.Millisecond) // the terminations reach the idle connections
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Go(func() {
				if i%2 == 0 {
					errs <- query()
					return
				}
				// A transaction, which begins on a connection of the pool too.
				tx, err := client.Tx(ctx)
				if err == nil {
					_, err = tx.Exhibitor.Query().Count(ctx)
					tx.Rollback()
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("a query after the backends were terminated: %v", err)
			}
		}
	}
}
