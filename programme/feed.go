package programme

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"maarid/auth"
	"maarid/ent"
	"maarid/store"
	"maarid/store/notify"
)

const (
	// recentChanges is how many of the last changes the feed keeps in memory, so that a
	// subscriber starting from a recent cursor joins without reading the database.
	recentChanges = 64
	// bufferSize is how many changes may wait for a subscriber. A subscriber that lets more
	// pile up has its subscription ended, to resume from its last cursor.
	bufferSize = 64
	// replayBatch is how many changes a replay reads from the log at once.
	replayBatch = 500
	// pollInterval is how often the feed looks at the log without being woken.
	pollInterval = 5 * time.Second
)

// Feed tells subscribers of every change of the programme, in order. Writers append changes to
// the log in the database (Planner) and wake the feed once they committed; the feed reads each
// new change once and fans it out to its subscribers (fanout.go). A subscriber that starts
// further back than the feed keeps in memory is replayed the log first (replay.go). On
// PostgreSQL, writers on every instance wake every instance's feed by NOTIFY.
type Feed struct {
	client   *ent.Client
	dsn      string
	postgres bool
	log      *slog.Logger
	wake     chan struct{}
	ready    chan struct{}
	stopping context.Context // done once Run returns: replays stop
	stop     context.CancelFunc
	// Poll is how often the feed reads the log without being woken; set it before Run.
	Poll time.Duration
	// Queue is how many changes may wait for a subscriber before its subscription is ended.
	Queue int

	mu     sync.Mutex
	head   int64     // the last change fanned out
	recent []*Change // the last changes fanned out, in order, up to head
	subs   map[*subscriber]struct{}
}

// NewFeed returns the feed of the log in client's database, whose data source name is dsn.
// It delivers nothing until Run.
func NewFeed(client *ent.Client, dsn string, log *slog.Logger) *Feed {
	stopping, stop := context.WithCancel(context.Background())
	return &Feed{
		stopping: stopping,
		stop:     stop,
		client:   client,
		dsn:      dsn,
		postgres: store.IsPostgres(dsn),
		log:      log,
		wake:     make(chan struct{}, 1),
		ready:    make(chan struct{}),
		subs:     map[*subscriber]struct{}{},
		Poll:     pollInterval,
		Queue:    bufferSize,
	}
}

// Run reads new changes from the log whenever a writer announces one (and every few seconds
// in case an announcement was lost), and fans them out, until ctx is done. Then it ends every
// subscription. A database that cannot be read is retried, never fatal.
func (f *Feed) Run(ctx context.Context) error {
	defer f.stop()
	ctx = auth.System(ctx)
	// The head is where live delivery starts; until it is read, subscribers wait.
	var head int64
	for pause := 100 * time.Millisecond; ; pause = min(2*pause, 5*time.Second) {
		var err error
		if head, err = lastSeq(ctx, f.client); err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		f.log.ErrorContext(ctx, "reading the head of the programme's change log", "error", err, "retry in", pause)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
	}
	f.mu.Lock()
	f.head = head
	f.mu.Unlock()
	close(f.ready)
	defer f.endAll()
	if f.postgres {
		// Changes committed while no connection listened are in the log: the feed reads it
		// whenever the listener connects.
		go notify.Listen(ctx, f.dsn, notifyChannel, f.Wake, f.log)
	}
	tick := time.NewTicker(f.Poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-f.wake:
		case <-tick.C:
		}
		if err := f.fanOut(ctx); err != nil && ctx.Err() == nil {
			f.log.ErrorContext(ctx, "reading programme changes", "error", err)
		}
	}
}

// Wake has the feed read the log now.
func (f *Feed) Wake() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Subscribers returns how many subscriptions the feed serves live.
func (f *Feed) Subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// Lag returns how many changes of the log the feed has not fanned out yet: the newest one's
// sequence number less the last one the feed delivered. It stays near 0 while the feed keeps
// up with the writers, on every instance.
func (f *Feed) Lag(ctx context.Context) (int64, error) {
	newest, err := lastSeq(ctx, f.client)
	if err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return max(0, newest-f.head), nil
}

// queue is how many changes may wait for a subscriber.
func (f *Feed) queue() int { return max(1, f.Queue) }

// Head returns the cursor of the last change in the log.
func (f *Feed) Head(ctx context.Context) (string, error) {
	seq, err := lastSeq(ctx, f.client)
	return strconv.FormatInt(seq, 10), err
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
