package store

import (
	"context"
	"database/sql"
	"errors"

	"entgo.io/ent/dialect"
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
	return wrap(d.Driver.Exec(ctx, query, args, v))
}

func (d errorDriver) Query(ctx context.Context, query string, args, v any) error {
	return wrap(d.Driver.Query(ctx, query, args, v))
}

// ExecContext runs a statement ent has no builder for, such as taking a lock.
func (d errorDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return ExecContext(ctx, d, query, args)
}

func (d errorDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, wrap(err)
	}
	return errorTx{tx}, nil
}

type errorTx struct{ dialect.Tx }

func (t errorTx) Exec(ctx context.Context, query string, args, v any) error {
	return wrap(t.Tx.Exec(ctx, query, args, v))
}

func (t errorTx) Query(ctx context.Context, query string, args, v any) error {
	return wrap(t.Tx.Query(ctx, query, args, v))
}

// ExecContext runs a statement ent has no builder for, such as taking a lock.
func (t errorTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
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

func (t errorTx) Commit() error   { return wrap(t.Tx.Commit()) }
func (t errorTx) Rollback() error { return wrap(t.Tx.Rollback()) }
