package programme

import (
	"context"
	"log/slog"
	"strconv"

	"maarid/ent"
	"maarid/live"
	"maarid/store"
	"maarid/store/notify"
)

// Feed tells subscribers of every change of the programme, in order (live.Feed). Writers
// append changes to the log in the database (Planner) and wake the feed once they committed;
// on PostgreSQL, writers on every instance wake every instance's feed by NOTIFY.
type Feed struct {
	*live.Feed[*Change]
	dsn      string
	postgres bool
}

// changeLog is the programme's change log, as a feed reads it.
type changeLog struct{ client *ent.Client }

func (l changeLog) Read(ctx context.Context, seq int64, limit int) ([]*Change, error) {
	return readLog(ctx, l.client, seq, limit)
}

func (l changeLog) Last(ctx context.Context) (int64, error) { return lastSeq(ctx, l.client) }

func (changeLog) Seq(c *Change) int64 { return c.Seq }

// NewFeed returns the feed of the log in client's database, whose data source name is dsn.
// It delivers nothing until Run.
func NewFeed(client *ent.Client, dsn string, log *slog.Logger) *Feed {
	config := live.FeedConfig{Name: "programme"}
	if store.IsPostgres(dsn) {
		config.Listen = func(ctx context.Context, wake func()) { notify.Listen(ctx, dsn, notifyChannel, wake, log) }
	}
	return &Feed{
		Feed:     live.NewFeed[*Change](changeLog{client}, config, log),
		dsn:      dsn,
		postgres: store.IsPostgres(dsn),
	}
}

// Subscribe returns a subscription to the changes after since, then to the live ones, in
// order, with no gap and no duplicate, as the subscriber of filter sees them
// (live.Feed.Subscribe).
func (f *Feed) Subscribe(ctx context.Context, since int64, filter Filter) (*live.Subscription[*Change], error) {
	return f.Feed.Subscribe(ctx, since, func(c *Change) (*Change, bool) {
		seen := filter.view(c)
		return seen, seen != nil
	})
}

// serialise makes the transaction of a programme change wait for the others to commit, so
// that changes are checked one after the other and take their sequence numbers in the order
// they commit. SQLite's write transactions are serialised already.
func (f *Feed) serialise(ctx context.Context, tx *ent.Tx) error {
	if !f.postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", programmeLock)
	return err
}

// announce has the feed, and on PostgreSQL every instance's feed, read the log once tx has
// committed change seq.
func (f *Feed) announce(ctx context.Context, tx *ent.Tx, seq int64) error {
	if err := notify.Send(ctx, tx, f.dsn, notifyChannel, strconv.FormatInt(seq, 10)); err != nil {
		return err
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			err := next.Commit(ctx, tx)
			if err == nil {
				f.Wake()
			}
			return err
		})
	})
	return nil
}
