package store_test

import (
	"context"
	"database/sql"
	"runtime"
	"testing"
	"time"

	"maarid/auth"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/i18n"
	"maarid/store"
	"maarid/store/storetest"
)

// TestChanges follows the changes of a database's tables as a server does: its own writes at
// once, another client's — as another instance or process would write — at once on SQLite
// when announced, within a moment on PostgreSQL, where a write to one table leaves the others
// be and a lost notification connection means nothing can be told until it is made again.
func TestChanges(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			ctx := auth.System(context.Background())
			dsn := storetest.URL(t, kind)
			goroutines := runtime.NumGoroutine()
			server := storetest.OpenURL(t, dsn)
			other := storetest.OpenURL(t, dsn)
			changes := store.ChangesOf(server)
			if changes == nil || store.ChangesOf(server) != changes {
				t.Fatal("no Changes, or two for one client")
			}
			read := func(q func(context.Context) error) store.Tables {
				t.Helper()
				ctx, reads := store.Recording(ctx)
				if err := q(ctx); err != nil {
					t.Fatal(err)
				}
				return reads.Tables()
			}
			exhibitors := read(func(ctx context.Context) error { _, err := server.Exhibitor.Query().Count(ctx); return err })
			sessions := read(func(ctx context.Context) error { _, err := server.Session.Query().Count(ctx); return err })
			now := func() uint64 {
				t.Helper()
				for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
					since, heard := changes.Now()
					if heard {
						return since
					}
					if time.Now().After(deadline) {
						t.Fatal("changes are not heard")
					}
				}
			}
			// heard waits for tables to have changed since.
			heard := func(since uint64, tables store.Tables) bool {
				t.Helper()
				for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(2 * time.Millisecond) {
					if changes.ChangedSince(since, tables) {
						return true
					}
					if time.Now().After(deadline) {
						return false
					}
				}
			}
			create := func(c *ent.Client, announce bool, slug string) {
				t.Helper()
				tx, err := c.Tx(ctx)
				if err != nil {
					t.Fatal(err)
				}
				err = tx.Exhibitor.Create().SetName(i18n.Text{i18n.FR: "Coopérative " + slug}).SetSlug(slug).
					SetKind(exhibitor.KindCOOPERATIVE).SetSector(exhibitor.SectorAGRI_FOOD).SetProvince(exhibitor.ProvinceAZILAL).Exec(ctx)
				if err == nil && announce {
					err = store.Announce(ctx, tx)
				}
				if err == nil {
					err = tx.Commit()
				}
				if err != nil {
					tx.Rollback()
					t.Fatal(err)
				}
			}

			since := now()
			if changes.ChangedSince(since, exhibitors|sessions) {
				t.Fatal("changed with nothing written")
			}
			create(server, false, "une")
			if !changes.ChangedSince(since, exhibitors) || changes.ChangedSince(since, sessions) {
				t.Error("the server's own write: the exhibitors did not change at once, or the sessions did")
			}

			since = now()
			create(other, kind == "sqlite", "deux")
			if !heard(since, exhibitors) {
				t.Fatal("another client's write was not heard")
			}
			if kind == "postgres" {
				// Another table's write is heard as that table's only.
				since = now()
				if err := other.Session.Update().SetSeatsLeft(7).Exec(ctx); err != nil {
					t.Fatal(err)
				}
				if !heard(since, sessions) || changes.ChangedSince(since, exhibitors) {
					t.Error("a write to the sessions: not heard, or heard as a write to the exhibitors")
				}
				// A lost connection: nothing can be told until it is back, and then
				// everything counts as changed.
				since = now()
				admin, err := sql.Open("pgx", dsn)
				if err != nil {
					t.Fatal(err)
				}
				var killed int
				err = admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
					WHERE datname = current_database() AND query LIKE 'LISTEN "maarid_writes"%'`).Scan(&killed)
				admin.Close() // before the count of goroutines below
				if err != nil || killed == 0 {
					t.Fatalf("terminating the listener: %d, %v", killed, err)
				}
				deadline := time.Now().Add(5 * time.Second)
				for _, heard := changes.Now(); heard && time.Now().Before(deadline); _, heard = changes.Now() {
					time.Sleep(time.Millisecond)
				}
				if _, heard := changes.Now(); heard {
					t.Fatal("changes are still heard after the listener's connection was lost")
				}
				now()
				if !changes.ChangedSince(since, sessions) {
					t.Error("after the connection came back, what was unheard did not count as changed")
				}
			} else {
				since = now()
				create(other, false, "trois")
				time.Sleep(2 * time.Millisecond)
				if changes.ChangedSince(since, exhibitors) {
					t.Error("a write that was not announced was heard")
				}
			}

			server.Close()
			if store.ChangesOf(server) != nil {
				t.Error("a closed client still hears")
			}
			other.Close()
			for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > goroutines && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > goroutines {
				t.Errorf("%d goroutines after closing, %d before opening", n, goroutines)
			}
		})
	}
}
