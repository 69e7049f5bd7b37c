package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"maarid/store"
)

const migrateUsage = `Usage:
  go run ./server migrate status [--database DSN]   list the migrations of the schema, applied or pending
  go run ./server migrate up [--database DSN]       apply the pending ones

The server applies pending migrations itself when it starts, one instance at a time; start it
with --no-migrate to refuse instead, and migrate in a step of the deploy of your own. The
database is --database, or MAARID_DATABASE_URL.
`

// runMigrate is `maarid migrate`: the migrations of the database's schema.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) == 0 || args[0] != "status" && args[0] != "up" {
		fmt.Fprint(out, migrateUsage)
		return errors.New("migrate: say status or up")
	}
	up := args[0] == "up"
	fs := flag.NewFlagSet("maarid migrate", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() { fmt.Fprint(out, migrateUsage) }
	database := fs.String("database", "maarid.db", "")
	if v := getenv(envName("database")); v != "" {
		*database = v
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprint(out, migrateUsage)
		return fmt.Errorf("migrate: unexpected argument %q", fs.Arg(0))
	}
	var opts []store.Option
	if !up {
		opts = append(opts, store.WithoutMigrating())
	}
	client, err := store.Open(ctx, *database, opts...)
	if err != nil && up {
		return fmt.Errorf("migrate: %w", err)
	}
	if err != nil {
		// Pending migrations make Open refuse the database; list them all the same.
		client, err = store.OpenForStatus(ctx, *database)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	defer client.Close()
	ms, err := store.Migrations(ctx, client, false)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	pending := 0
	for _, m := range ms {
		state := "applied"
		if !m.Applied {
			state, pending = "pending", pending+1
		}
		fmt.Fprintf(out, "%s  %-8s %s\n", m.Version, state, m.Description)
	}
	switch {
	case pending > 0:
		fmt.Fprintf(out, "%d pending: go run ./server migrate up\n", pending)
	case up:
		fmt.Fprintln(out, "The schema is up to date.")
	}
	return nil
}
