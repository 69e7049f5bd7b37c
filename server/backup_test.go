package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"maarid/auth"
	"maarid/demo"
	"maarid/ent"
	"maarid/i18n"
	"maarid/money"
	"maarid/store/storetest"
)

// TestBackupWhileWriting backs up the demo fair while a writer keeps adding products, as the
// server would, and checks that the copy is whole and is the database of one moment.
func TestBackupWhileWriting(t *testing.T) {
	dsn := storetest.URL(t, "sqlite")
	client := storetest.OpenURL(t, dsn)
	ctx := auth.System(context.Background())
	if _, err := demo.Seed(ctx, client); err != nil {
		t.Fatal(err)
	}
	fairs, exhibitors := client.Fair.Query().CountX(ctx), client.Exhibitor.Query().CountX(ctx)
	seeded := client.Product.Query().CountX(ctx)
	seller := client.Exhibitor.Query().FirstIDX(ctx)

	// The writer adds products two at a time, in one transaction: a copy of one moment holds
	// both of a pair or neither.
	writing, stop := context.WithCancel(ctx)
	started := make(chan struct{})
	finished := make(chan error, 1)
	go func() {
		var err error
		for n := 0; writing.Err() == nil; n++ {
			if err = addPair(ctx, client, seller, fmt.Sprint("Miel de la sauvegarde ", n)); err != nil {
				break
			}
			if n == 0 {
				close(started)
			}
		}
		finished <- err
	}()
	select {
	case <-started:
	case err := <-finished:
		t.Fatalf("the writer failed before the backup: %v", err)
	}
	productsBefore := client.Product.Query().CountX(ctx)

	file := filepath.Join(t.TempDir(), "maarid-2026-07-25.db")
	var out bytes.Buffer
	err := runBackup(context.Background(), []string{"--database", dsn, file}, func(string) string { return "" }, &out)
	stop()
	if werr := <-finished; werr != nil {
		t.Errorf("the writer failed during the backup: %v", werr)
	}
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	productsAfter := client.Product.Query().CountX(ctx)
	if productsAfter == productsBefore {
		t.Error("the writer added nothing while the backup ran, so the backup was not made under writes")
	}

	line := regexp.MustCompile(`^Backed up .*maarid\.db to .*maarid-2026-07-25\.db \(([0-9]+) pages, [0-9.]+ MB\) in [0-9.]+[µnm]?s\n$`)
	if m := line.FindStringSubmatch(out.String()); m == nil || m[1] == "0" {
		t.Errorf("the command says %q", out.String())
	}
	// Nothing is left beside the backup: no temporary copy, no journal, no WAL.
	if got := names(t, filepath.Dir(file)); !slices.Equal(got, []string{filepath.Base(file)}) {
		t.Errorf("the backup's folder holds %q", got)
	}
	for _, pragma := range []string{"integrity_check", "foreign_key_check"} {
		want := []string(nil)
		if pragma == "integrity_check" {
			want = []string{"ok"}
		}
		if got := pragmaRows(t, file, pragma); !slices.Equal(got, want) {
			t.Errorf("PRAGMA %s on the backup: %q", pragma, got)
		}
	}

	backup := storetest.OpenURL(t, file)
	if got := backup.Fair.Query().CountX(ctx); got != fairs {
		t.Errorf("the backup has %d fairs, the database %d", got, fairs)
	}
	if got := backup.Exhibitor.Query().CountX(ctx); got != exhibitors {
		t.Errorf("the backup has %d exhibitors, the database %d", got, exhibitors)
	}
	products := backup.Product.Query().CountX(ctx)
	if products < productsBefore || products > productsAfter {
		t.Errorf("the backup has %d products; there were %d when it began and %d when it ended", products, productsBefore, productsAfter)
	}
	if (products-seeded)%2 != 0 {
		t.Errorf("the backup has %d products of the writer's pairs: one pair is cut in two", products-seeded)
	}
}

// addPair adds two products named name in one transaction.
func addPair(ctx context.Context, client *ent.Client, exhibitorID, name string) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	for _, half := range []string{" a", " b"} {
		err := tx.Product.Create().
			SetExhibitorID(exhibitorID).
			SetName(i18n.Text{i18n.FR: name + half}).
			SetPrice(money.Money{MinorUnits: 2500, Currency: money.DefaultCurrency}).
			Exec(ctx)
		if err != nil {
			tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

// TestBackupRefusals checks that a backup that cannot be made says why and writes nothing.
func TestBackupRefusals(t *testing.T) {
	database := storetest.URL(t, "sqlite")
	storetest.OpenURL(t, database)
	notDatabase := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(notDatabase, []byte(strings.Repeat("not a database\n", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	const kept = "an earlier backup, to keep"

	for _, tc := range []struct {
		name     string
		args     func(dir string) []string // dir is an empty folder for FILE
		env      map[string]string
		existing string // the contents of a FILE that is there before
		want     string // in the error
	}{
		{
			name: "no FILE",
			args: func(string) []string { return []string{"--database", database} },
			want: "give one FILE",
		},
		{
			name: "two FILEs",
			args: func(dir string) []string {
				return []string{"--database", database, filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")}
			},
			want: "give one FILE",
		},
		{
			name:     "FILE exists",
			args:     func(dir string) []string { return []string{"--database", database, filepath.Join(dir, "backup.db")} },
			existing: kept,
			want:     "already exists",
		},
		{
			name: "PostgreSQL",
			// Nothing listens on port 1: the command must refuse before it connects.
			args: func(dir string) []string {
				return []string{"--database", "postgres://maarid@127.0.0.1:1/maarid", filepath.Join(dir, "backup.db")}
			},
			want: "pg_dump --format=custom",
		},
		{
			name: "PostgreSQL in the environment",
			args: func(dir string) []string { return []string{filepath.Join(dir, "backup.db")} },
			env:  map[string]string{"MAARID_DATABASE_URL": "postgres://maarid@127.0.0.1:1/maarid"},
			want: "pg_dump --format=custom",
		},
		{
			name: "missing folder",
			args: func(dir string) []string {
				return []string{"--database", database, filepath.Join(dir, "nowhere", "backup.db")}
			},
			want: "does not exist",
		},
		{
			name: "no database",
			args: func(dir string) []string {
				return []string{"--database", filepath.Join(dir, "absent.db"), filepath.Join(dir, "backup.db")}
			},
			want: "no SQLite database",
		},
		{
			name: "not a database",
			args: func(dir string) []string { return []string{"--database", notDatabase, filepath.Join(dir, "backup.db")} },
			want: "not a database",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.existing != "" {
				if err := os.WriteFile(filepath.Join(dir, "backup.db"), []byte(tc.existing), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			before := names(t, dir)
			var out bytes.Buffer
			err := runBackup(context.Background(), tc.args(dir), func(name string) string { return tc.env[name] }, &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got the error %v, want one saying %q", err, tc.want)
			}
			if strings.Contains(out.String(), "Backed up") {
				t.Errorf("the command says %q", out.String())
			}
			if after := names(t, dir); !slices.Equal(after, before) {
				t.Errorf("the folder held %q and holds %q", before, after)
			}
			if tc.existing != "" {
				if b, err := os.ReadFile(filepath.Join(dir, "backup.db")); err != nil || string(b) != tc.existing {
					t.Errorf("the existing FILE now holds %q (%v)", b, err)
				}
			}
		})
	}
}

// names lists the files in dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, e := range entries {
		list = append(list, e.Name())
	}
	return list
}

// pragmaRows runs an SQLite pragma that answers rows of one column on the file at path.
func pragmaRows(t *testing.T, path, pragma string) []string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("PRAGMA " + pragma)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for rows.Next() {
		values := make([]any, len(cols))
		for i := range values {
			values[i] = new(sql.NullString)
		}
		if err := rows.Scan(values...); err != nil {
			t.Fatal(err)
		}
		var row []string
		for _, v := range values {
			row = append(row, v.(*sql.NullString).String)
		}
		list = append(list, strings.Join(row, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return list
}
