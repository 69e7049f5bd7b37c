package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrateCommand lists the migrations of a new SQLite file, all pending; applies them; and
// lists them again, all applied. The server started with --no-migrate refuses the file until
// then.
func TestMigrateCommand(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "maarid.db")
	env := func(k string) string { return map[string]string{"MAARID_DATABASE_URL": dsn}[k] }
	migrate := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := runMigrate(context.Background(), args, env, &out); err != nil {
			t.Fatalf("migrate %s: %v\n%s", args, err, out.String())
		}
		return out.String()
	}
	status := migrate("status")
	if !strings.Contains(status, "pending") || strings.Contains(status, "applied") || !strings.Contains(status, "initial") {
		t.Errorf("a new file's migrations:\n%s", status)
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"--no-migrate", "--addr", "127.0.0.1:0"}, env, &out, nil)
	if err == nil || !strings.Contains(err.Error(), "pending") {
		t.Errorf("the server with --no-migrate on a file that misses migrations: %v", err)
	}
	if up := migrate("up"); !strings.Contains(up, "up to date") || strings.Contains(up, "pending") {
		t.Errorf("migrate up:\n%s", up)
	}
	if status := migrate("status"); strings.Contains(status, "pending") || !strings.Contains(status, "applied") {
		t.Errorf("after migrate up:\n%s", status)
	}
	var usage bytes.Buffer
	if err := runMigrate(context.Background(), []string{"sideways"}, env, &usage); err == nil || !strings.Contains(usage.String(), "migrate status") {
		t.Errorf("an unknown subcommand: %v\n%s", err, usage.String())
	}
}
