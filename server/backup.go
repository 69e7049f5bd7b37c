package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"maarid/store"
)

const backupUsage = `Usage:
  go run ./server backup FILE

Copies the server's SQLite database (--database, or MAARID_DATABASE_URL) into FILE while the
server goes on serving. The copy is the database as it was at one moment, and it is checked
before it is kept. FILE must be new and its folder must exist; a backup that fails leaves no
FILE behind. The key pepper beside the database (maarid.db.pepper) is not copied: keep it
apart, as the secret it is. A PostgreSQL database is backed up with pg_dump --format=custom.
`

// runBackup is `maarid backup`: it copies the server's SQLite database into a new file with
// SQLite's online backup, without stopping the server.
func runBackup(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	flags := flag.NewFlagSet("maarid backup", flag.ContinueOnError)
	flags.SetOutput(out)
	flags.Usage = func() { fmt.Fprint(out, backupUsage) }
	database := flags.String("database", "maarid.db", "")
	if v := getenv(envName("database")); v != "" {
		*database = v
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		fmt.Fprint(out, backupUsage)
		return fmt.Errorf("backup: give one FILE to write the copy to, not %d", flags.NArg())
	}
	file := flags.Arg(0)
	if store.IsPostgres(*database) {
		return errors.New("backup: the database is PostgreSQL, which this command does not copy; " +
			"back it up with pg_dump --format=custom (see the README)")
	}
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("backup: %s already exists, and a backup never replaces a file", file)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	dir := filepath.Dir(file)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("backup: the folder %s does not exist", dir)
	}
	// SQLite would create a missing database, and the backup would then be of nothing.
	source := store.SQLitePath(*database)
	if info, err := os.Stat(source); err != nil || !info.Mode().IsRegular() {
		return fmt.Errorf("backup: there is no SQLite database at %s", source)
	}

	start := time.Now()
	partial, err := os.CreateTemp(dir, "."+filepath.Base(file)+".*.partial")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	partial.Close()
	tmp := partial.Name()
	// The copy is written under another name and linked to FILE only once it is complete and
	// checked. Removing the temporary name afterwards leaves FILE alone when that succeeded,
	// and leaves nothing at all when anything failed.
	defer func() {
		for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
	}()
	copied, err := copySQLite(ctx, source, tmp)
	if err != nil {
		return fmt.Errorf("backup: %w; nothing was written to %s", err, file)
	}
	// A hard link, unlike a rename, fails when FILE appeared during the copy, so a backup never
	// replaces a file, not even one made meanwhile.
	if err := os.Link(tmp, file); err != nil {
		return fmt.Errorf("backup: keeping the copy as %s: %w", file, err)
	}
	// The new name is written down on the disk too, so that the backup survives a power cut
	// right after the command said it was made. Not every system can sync a folder, and the
	// copy itself is already on the disk, so a failure here is not one of the backup.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	fmt.Fprintf(out, "Backed up %s to %s (%d pages, %.1f MB) in %s\n", source, file,
		copied.pages, float64(copied.pages)*float64(copied.pageSize)/1e6, time.Since(start).Round(time.Millisecond))
	return nil
}

// sqliteCopy tells how large a copy made by copySQLite is.
type sqliteCopy struct {
	pages, pageSize int
}

// copySQLite copies the SQLite database at source into dest, an empty file, with SQLite's
// online backup, and checks the copy.
func copySQLite(ctx context.Context, source, dest string) (sqliteCopy, error) {
	var copied sqliteCopy
	// The server's own busy timeout: if the source is locked for a moment, the copy waits
	// for it as a request would. The other parameters of the server's connections are about
	// writing, which this one never does.
	src, err := sql.Open("sqlite3", "file:"+source+"?_busy_timeout=5000")
	if err != nil {
		return copied, err
	}
	defer src.Close()
	dst, err := sql.Open("sqlite3", "file:"+dest)
	if err != nil {
		return copied, err
	}
	defer dst.Close()
	from, err := src.Conn(ctx)
	if err != nil {
		return copied, fmt.Errorf("opening %s: %w", source, err)
	}
	defer from.Close()
	to, err := dst.Conn(ctx)
	if err != nil {
		return copied, fmt.Errorf("opening the copy: %w", err)
	}
	defer to.Close()

	err = to.Raw(func(d any) error {
		return from.Raw(func(s any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", s.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			// All pages in one step, that is in one read transaction of the source, which
			// makes the copy the database as it was at one moment. The server keeps its file
			// in WAL mode, where a reader holds up no writer, so the server goes on writing
			// meanwhile. Copying a few pages at a time would not help writers and would
			// hurt the copy: SQLite starts it again from the first page after each write
			// by another connection, so under steady writes it might never end.
			for {
				done, err := b.Step(-1)
				if err != nil {
					b.Finish()
					return fmt.Errorf("copying %s: %w", source, err)
				}
				if done {
					break
				}
				// Not done and no error: the source or the copy was locked past the busy
				// timeout. Try again, unless the command was interrupted.
				select {
				case <-ctx.Done():
					b.Finish()
					return ctx.Err()
				case <-time.After(100 * time.Millisecond):
				}
			}
			copied.pages = b.PageCount()
			return b.Finish()
		})
	})
	if err != nil {
		return copied, err
	}

	if err := to.QueryRowContext(ctx, "PRAGMA page_size").Scan(&copied.pageSize); err != nil {
		return copied, fmt.Errorf("reading the copy: %w", err)
	}
	// The copy carries the server's WAL mode, in which its last changes could sit in a second
	// file. A backup is one file that can be copied anywhere by itself; the server turns WAL
	// on again when it opens a restored copy.
	var mode string
	if err := to.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode); err != nil {
		return copied, fmt.Errorf("making the copy one file: %w", err)
	} else if mode != "delete" {
		return copied, fmt.Errorf("making the copy one file: its journal mode stayed %q", mode)
	}
	rows, err := to.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return copied, fmt.Errorf("checking the copy: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return copied, fmt.Errorf("checking the copy: %w", err)
		}
		if p != "ok" {
			problems = append(problems, p)
		}
	}
	if err := rows.Err(); err != nil {
		return copied, fmt.Errorf("checking the copy: %w", err)
	}
	if len(problems) > 0 {
		return copied, fmt.Errorf("the copy is damaged: %s", strings.Join(problems, "; "))
	}
	return copied, nil
}
