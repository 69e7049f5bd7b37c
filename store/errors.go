package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// Error is a failure of the database itself: unreachable, timed out, broken. It is never the
// client's doing, so the API reports it as an internal error; ent still recognises the
// constraint violations among them by their text.
type Error struct{ Err error }

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// IsError reports whether err is, or wraps, a failure of the database.
func IsError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

func wrap(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err}
}

// errorDriver marks every error the database returns as an *Error. It is the driver Open
// gives its client, so it also stops following the other processes' writes (OtherWrites)
// when the client is closed.
type errorDriver struct {
	dialect.Driver
	db *database
}

func (d errorDriver) Close() error {
	d.db.close()
	return d.Driver.Close()
}

func (d errorDriver) Exec(ctx context.Context, query string, args, v any) error {
	err := d.Driver.Exec(ctx, query, args, v)
	if readOnly(err) {
		d.db.discardIdle()
	}
	return wrap(err)
}

func (d errorDriver) Query(ctx context.Context, query string, args, v any) error {
	err := d.Driver.Query(ctx, query, args, v)
	if lostConnection(err) && ctx.Err() == nil {
		// The pooled connection died while idle (PostgreSQL restarted, or its backend was
		// terminated): the query never ran, and the other idle connections are likely dead
		// too. They are let go, and the query runs once more, on a new connection.
		d.db.discardIdle()
		err = d.Driver.Query(ctx, query, args, v)
	}
	if readOnly(err) {
		d.db.discardIdle()
	}
	return wrap(err)
}

// ExecContext runs a statement ent has no builder for, such as taking a lock.
func (d errorDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return ExecContext(ctx, d, query, args)
}

func (d errorDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if lostConnection(err) && ctx.Err() == nil {
		// As for a query: nothing ran yet.
		d.db.discardIdle()
		tx, err = d.Driver.Tx(ctx)
	}
	if err != nil {
		return nil, wrap(err)
	}
	return &errorTx{Tx: tx, db: d.db}, nil
}

// errorTx is errorDriver's transaction. A connection found read-only in it is the
// transaction's until it ends: the pool's idle connections are discarded then.
type errorTx struct {
	dialect.Tx
	db       *database
	readOnly bool
}

func (t *errorTx) Exec(ctx context.Context, query string, args, v any) error {
	err := t.Tx.Exec(ctx, query, args, v)
	t.readOnly = t.readOnly || readOnly(err)
	return wrap(err)
}

func (t *errorTx) Query(ctx context.Context, query string, args, v any) error {
	err := t.Tx.Query(ctx, query, args, v)
	t.readOnly = t.readOnly || readOnly(err)
	return wrap(err)
}

// ExecContext runs a statement ent has no builder for, such as taking a lock.
func (t *errorTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return ExecContext(ctx, t, query, args)
}

// ExecContext runs a statement through an ent driver or transaction; a driver that wraps
// another gives ent's generated ExecContext a way through with it.
func ExecContext(ctx context.Context, e dialect.ExecQuerier, query string, args []any) (sql.Result, error) {
	var res sql.Result
	if err := e.Exec(ctx, query, args, &res); err != nil {
		return nil, err
	}
	return res, nil
}

func (t *errorTx) Commit() error { return t.end(t.Tx.Commit()) }

func (t *errorTx) Rollback() error { return t.end(t.Tx.Rollback()) }

func (t *errorTx) end(err error) error {
	if t.readOnly || readOnly(err) {
		t.db.discardIdle()
	}
	return wrap(err)
}

// readOnly reports whether err says that the connection cannot write: SQLite opens a file it
// cannot write to read-only, and keeps the connection so when the file is writable again.
func readOnly(err error) bool {
	var e sqlite3.Error
	return errors.As(err, &e) && e.Code == sqlite3.ErrReadonly
}

// discardIdle closes the pool's idle connections, so that the next statements open new ones:
// after a connection was found read-only, those opened while the fault lasted are too. The
// ones in use are closed when they are given back, if the pool has enough idle ones by then.
func (db *database) discardIdle() {
	if db == nil || db.pool == nil {
		return
	}
	db.discarding.Lock()
	defer db.discarding.Unlock()
	n := db.pool.Stats().MaxOpenConnections
	db.pool.SetMaxIdleConns(0)
	db.pool.SetMaxIdleConns(n)
}

// lostConnection reports whether err says that PostgreSQL ended the connection before the
// statement ran: the administrator or a restart terminated its backend (57P01–57P03), or the
// connection failed (class 08). A query outside a transaction may then run again, on another
// connection: pgx marks the dead one, and database/sql does not hand it out again.
func lostConnection(err error) bool {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return false
	}
	return e.Code == "57P01" || e.Code == "57P02" || e.Code == "57P03" || strings.HasPrefix(e.Code, "08")
}
