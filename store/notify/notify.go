// Package notify is how the instances that share a PostgreSQL database tell each other of
// their writes: NOTIFY inside the writing transaction, LISTEN on one connection per instance.
// It depends on nothing of Maarid's, so that every layer may use it.
package notify

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// IsPostgres reports whether dsn names a PostgreSQL database rather than an SQLite file: only
// there do other instances need telling.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Execer runs a statement in a transaction: an *ent.Tx.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Send announces payload on channel once the transaction of tx commits (NOTIFY is
// transactional), when dsn is a PostgreSQL database; elsewhere it does nothing.
func Send(ctx context.Context, tx Execer, dsn, channel, payload string) error {
	if !IsPostgres(dsn) {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_notify($1, $2)", channel, payload)
	return err
}

// Listen holds a LISTEN connection to the PostgreSQL database at dsn on channel until ctx is
// done, and calls notified for every notification — and once each time it is connected, for
// the notifications it may have missed while it was not. A lost connection is made again, with
// a growing pause. It is how the instances that share a database learn of each other's writes.
func Listen(ctx context.Context, dsn, channel string, notified func(), log *slog.Logger) {
	Follow(ctx, dsn, channel, Events{Connected: notified, Notified: func(string) { notified() }}, log)
}

// Events are what Follow tells of a LISTEN connection; any may be nil.
type Events struct {
	Connected func()               // each time it is connected: what was sent before may have been missed
	Lost      func()               // each time it is lost: what is sent now goes unheard
	Notified  func(payload string) // for each notification
}

// Follow is Listen with every event told apart, and each notification's payload.
func Follow(ctx context.Context, dsn, channel string, on Events, log *slog.Logger) {
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := listenOnce(ctx, dsn, channel, func() {
			pause = 100 * time.Millisecond
			if on.Connected != nil {
				on.Connected()
			}
		}, on.Notified)
		if on.Lost != nil {
			on.Lost()
		}
		if ctx.Err() != nil {
			return
		}
		log.WarnContext(ctx, "listening for notifications; connecting again", "channel", channel, "error", err, "in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 10*time.Second)
	}
}

func listenOnce(ctx context.Context, dsn, channel string, connected func(), notified func(string)) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if notified != nil {
			notified(n.Payload)
		}
	}
}
