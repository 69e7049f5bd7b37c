package store

import (
	"context"
	"fmt"

	"maarid/ent"
)

// writeProbe is a table written only to learn whether the database takes writes, and never
// committed to.
const writeProbe = `CREATE TABLE IF NOT EXISTS write_probe (id integer PRIMARY KEY)`

// Writable reports, as an error, whether client's database takes writes now: it writes a row in
// a transaction and rolls it back. Reading is not enough — an SQLite file that could not be
// opened for writing is opened read-only, and answers every read — nor is beginning a
// transaction, which SQLite grants a read-only connection; PostgreSQL may be a standby in
// recovery.
func Writable(ctx context.Context, client *ent.Client) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("beginning a transaction: %w", err)
	}
	defer tx.Rollback()
	if err := tx.RawExec(ctx, "INSERT INTO write_probe (id) VALUES (1)"); err != nil {
		return fmt.Errorf("writing: %w", err)
	}
	return nil
}
