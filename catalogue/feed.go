package catalogue

import (
	"context"
	"log/slog"

	"maarid/ent"
	"maarid/ent/cataloguechange"
	"maarid/live"
)

// Feed tells subscribers of every change of the catalogue, in order, each as its subscriber
// sees it (live.Feed). It learns of new entries of the log from what its database's client
// knows of the writes to the log's table (live.Watcher): its own process's as they commit, and on
// PostgreSQL the other instances' by their notifications.
type Feed struct {
	*live.Feed[*Change]
}

// changeLog is the catalogue's change log, as a feed reads it.
type changeLog struct{ client *ent.Client }

func (l changeLog) Read(ctx context.Context, seq int64, limit int) ([]*Change, error) {
	rows, err := readLog(ctx, l.client, seq, limit)
	if err != nil {
		return nil, err
	}
	out := make([]*Change, len(rows))
	for i, r := range rows {
		out[i] = &Change{Seq: r.Seq, Kind: r.Kind, Entity: r.Entity, EntityID: r.EntityID, At: r.At, stored: r}
	}
	return out, nil
}

func (l changeLog) Last(ctx context.Context) (int64, error) { return lastSeq(ctx, l.client) }

func (changeLog) Seq(c *Change) int64 { return c.Seq }

// NewFeed returns the feed of the log in client's database, woken by watcher (nil: it reads
// the log every few seconds only). It delivers nothing until Run.
func NewFeed(client *ent.Client, watcher live.Watcher, log *slog.Logger) *Feed {
	config := live.FeedConfig{Name: "catalogue"}
	if watcher != nil {
		config.Listen = func(ctx context.Context, wake func()) {
			stop := watcher.Watch([]string{cataloguechange.Table}, wake)
			defer stop()
			<-ctx.Done()
		}
	}
	return &Feed{Feed: live.NewFeed[*Change](changeLog{client}, config, log)}
}

// Subscribe returns a subscription to the changes after since, then to the live ones, in
// order, with no gap and no duplicate, as the caller of ctx sees them (live.Feed.Subscribe).
func (f *Feed) Subscribe(ctx context.Context, since int64) (*live.Subscription[*Change], error) {
	r := readerOf(ctx)
	return f.Feed.Subscribe(ctx, since, func(c *Change) (*Change, bool) {
		seen := r.view(c.stored)
		return seen, seen != nil
	})
}
