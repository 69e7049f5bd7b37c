package ent

// Written by hand: statements that ent does not build (the search index's, package search) run
// on the driver of the client, transaction or mutation they are called on, so that a hook's
// statements commit or roll back with the write that ran them.

import (
	"context"

	"entgo.io/ent/dialect/sql"
)

// RawExec runs statement with args on c's driver.
func (c config) RawExec(ctx context.Context, statement string, args ...any) error {
	return c.driver.Exec(ctx, statement, args, nil)
}

// RawQuery runs query with args on c's driver and calls scan for each row.
func (c config) RawQuery(ctx context.Context, query string, args []any, scan func(sql.ColumnScanner) error) error {
	var rows sql.Rows
	if err := c.driver.Query(ctx, query, args, &rows); err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows.ColumnScanner); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DialectName names c's database: dialect.SQLite or dialect.Postgres.
func (c config) DialectName() string { return c.driver.Dialect() }

// TxOf returns the transaction c's statements run in, as a key to keep what belongs to it;
// nil outside a transaction.
func (c config) TxOf() any {
	if d, ok := c.driver.(*txDriver); ok {
		return d
	}
	return nil
}

// OnCompletion adds commit and rollback to the hooks of the transaction c's statements run in,
// and reports whether they run in one.
func (c config) OnCompletion(commit CommitHook, rollback RollbackHook) bool {
	d, ok := c.driver.(*txDriver)
	if !ok {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.onCommit = append(d.onCommit, commit)
	d.onRollback = append(d.onRollback, rollback)
	return true
}
