package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"maarid/importer"
	"maarid/search"
	"maarid/store"
)

const importUsage = `Usage:
  go run ./server import [--exhibitors FILE.csv] [--products FILE.csv] [--check]

Loads the organisers' spreadsheets (CSV, UTF-8, comma- or semicolon-separated; their columns
are in the README) into the server's database: --database, or MAARID_DATABASE_URL. Every row
is checked first; one problem anywhere and nothing is written, and every problem is listed.
Rows are found again by their ref: importing a file again updates what changed. --check
checks the files and writes nothing. A running server sees an import at once.
`

// runImport is `maarid import`: it loads exhibitors and products from CSV files into the
// server's database (package importer).
func runImport(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("maarid import", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() { fmt.Fprint(out, importUsage) }
	database := fs.String("database", "maarid.db", "")
	exhibitors := fs.String("exhibitors", "", "")
	products := fs.String("products", "", "")
	check := fs.Bool("check", false, "")
	if v := getenv(envName("database")); v != "" {
		*database = v
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *exhibitors == "" && *products == "" {
		fmt.Fprint(out, importUsage)
		return errors.New("import: give --exhibitors, --products, or both")
	}
	r := importer.Request{DryRun: *check}
	for _, f := range []struct {
		path string
		to   **importer.File
	}{{*exhibitors, &r.Exhibitors}, {*products, &r.Products}} {
		if f.path == "" {
			continue
		}
		data, err := os.Open(f.path)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer data.Close()
		*f.to = &importer.File{Name: filepath.Base(f.path), Data: data}
	}

	client, err := store.Open(ctx, *database)
	if err != nil {
		return err
	}
	defer client.Close()
	summary, err := importer.Run(ctx, client, r)
	if problems, ok := errors.AsType[importer.Problems](err); ok {
		for _, p := range problems {
			fmt.Fprintln(out, p)
		}
		return fmt.Errorf("import: %d %s; nothing was imported", len(problems), plural(len(problems), "problem", "problems"))
	}
	if err != nil {
		return fmt.Errorf("import: %w; nothing was imported", err)
	}
	verb := "Imported"
	if *check {
		verb = "Checked, and wrote nothing; an import would have done"
	} else if err := search.Compact(ctx, client); err != nil {
		// Many rows written at once leave the search index in pieces, which searches read
		// slower; the import is saved all the same.
		fmt.Fprintf(out, "The search index stays as the import left it: %v\n", err)
	}
	fmt.Fprintf(out, "%s:\n", verb)
	if r.Exhibitors != nil {
		fmt.Fprintf(out, "  %s (exhibitors): %s\n", r.Exhibitors.Name, summary.Exhibitors)
	}
	if r.Products != nil {
		fmt.Fprintf(out, "  %s (products): %s\n", r.Products.Name, summary.Products)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
