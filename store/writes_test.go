package store_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"maarid/auth"
	"maarid/ent/exhibitor"
	"maarid/i18n"
	"maarid/store"
	"maarid/store/storetest"
)

// TestOtherWrites checks that a client hears of the writes another client of its database
// announces, and of no other: on SQLite at once, on PostgreSQL within a moment.
func TestOtherWrites(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			ctx := auth.System(context.Background())
			dsn := storetest.URL(t, kind)
			goroutines := runtime.NumGoroutine()
			server := storetest.OpenURL(t, dsn)
			other := storetest.OpenURL(t, dsn) // as another process would
			writes := store.OtherWrites(server)
			if store.OtherWrites(server) != writes {
				t.Fatal("two Writes for one client")
			}
			// Heard: the version moves on, at once on SQLite.
			heard := func(v uint64) bool {
				t.Helper()
				deadline := time.Now().Add(10 * time.Second)
				for {
					time.Sleep(2 * time.Millisecond) // past a reading's millisecond
					if writes.Version() != v {
						return true
					}
					if kind == "sqlite" || time.Now().After(deadline) {
						return false
					}
				}
			}
			// On PostgreSQL the version moves on once the listener has connected.
			if kind == "postgres" && !heard(0) {
				t.Fatal("the listener did not connect")
			}
			write := func(announce bool, slug string) {
				t.Helper()
				tx, err := other.Tx(ctx)
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

			v := writes.Version()
			write(true, "une")
			if !heard(v) {
				t.Fatal("an announced write was not heard")
			}
			v = writes.Version()
			write(false, "deux")
			if kind == "sqlite" && heard(v) {
				t.Error("a write that was not announced was heard")
			}
			v = writes.Version()
			write(true, "trois")
			if !heard(v) {
				t.Error("a second announced write was not heard")
			}

			server.Close()
			if store.OtherWrites(server) != nil {
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
