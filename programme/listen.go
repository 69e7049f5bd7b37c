package programme

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// notifyChannel is the PostgreSQL channel on which writers announce programme changes.
	notifyChannel = "maarid_programme"
	// programmeLock is the key of the advisory lock that serialises programme changes.
	programmeLock int64 = 0x6d61617269640001
)

// listen holds one LISTEN connection and wakes the feed on every notification. After a lost
// connection it connects again, with a growing pause, and wakes the feed, which catches up
// from the last change it read.
func (f *Feed) listen(ctx context.Context) {
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := f.listenOnce(ctx, func() { pause = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		f.log.WarnContext(ctx, "listening for programme changes; connecting again", "error", err, "in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 10*time.Second)
	}
}

func (f *Feed) listenOnce(ctx context.Context, connected func()) error {
	conn, err := pgx.Connect(ctx, f.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	connected()
	// Changes committed while no connection listened are in the log.
	f.Wake()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		f.Wake()
	}
}
