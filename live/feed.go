package live

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"maarid"
)

const (
	// recentEvents is how many of the last events a feed keeps in memory, so that a
	// subscriber starting from a recent cursor joins without reading the database.
	recentEvents = 64
	// bufferSize is how many events may wait for a subscriber. A subscriber that lets more
	// pile up has its subscription ended, to resume from its last cursor.
	bufferSize = 64
	// replayBatch is how many events a replay reads from the log at once.
	replayBatch = 500
	// pollInterval is how often a feed looks at its log without being woken.
	pollInterval = 5 * time.Second
)

// Log is a durable, ordered log of events in the database, which a Feed follows: each event
// has a sequence number, larger than those of the events committed before it.
type Log[T Event] interface {
	// Read returns up to limit events after seq, in order.
	Read(ctx context.Context, seq int64, limit int) ([]T, error)
	// Last returns the sequence number of the last event, 0 when the log is empty.
	Last(ctx context.Context) (int64, error)
	// Seq returns the sequence number of e.
	Seq(e T) int64
}

// Watcher calls wake whenever one of the tables named changes, or when changes may have gone
// unheard, until stop is called: *store.Changes. Feeds and the webhooks' deliverer are woken by
// it.
type Watcher interface {
	Watch(tables []string, wake func()) (stop func())
}

// ParseCursor reads a cursor of the change log named log (programme, catalogue), given by a
// client as the argument field: the decimal number of an event, as Cursor writes it; "0" is
// the start of the log.
func ParseCursor(field, log, cursor string) (int64, error) {
	seq, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil || seq < 0 || strconv.FormatInt(seq, 10) != cursor {
		return 0, maarid.Invalid(field, "%q is not a %s cursor", cursor, log)
	}
	return seq, nil
}

// FeedConfig says what a feed follows.
type FeedConfig struct {
	// Name names the log in errors: "programme", "catalogue".
	Name string
	// Listen calls wake whenever another process or instance announces events, until ctx
	// is done, and whenever it starts listening again after a lost connection; nil when the
	// writers are all in this process, which wakes the feed itself (Wake).
	Listen func(ctx context.Context, wake func())
}

// Feed tells subscribers of every event of a log, in order. Writers append events to the log
// in the database and wake the feed once they committed; the feed reads each new event once
// and fans it out to its subscribers (fanout.go). A subscriber that starts further back than
// the feed keeps in memory is replayed the log first (replay.go).
type Feed[T Event] struct {
	log      Log[T]
	config   FeedConfig
	logger   *slog.Logger
	wake     chan struct{}
	ready    chan struct{}
	stopping context.Context // done once Run returns: replays stop
	stop     context.CancelFunc
	// Poll is how often the feed reads the log without being woken; set it before Run.
	Poll time.Duration
	// Queue is how many events may wait for a subscriber before its subscription is ended.
	Queue int

	mu     sync.Mutex
	head   int64 // the last event fanned out
	recent []T   // the last events fanned out, in order, up to head
	subs   map[*subscriber[T]]struct{}
}

// NewFeed returns the feed of log. It delivers nothing until Run.
func NewFeed[T Event](log Log[T], config FeedConfig, logger *slog.Logger) *Feed[T] {
	stopping, stop := context.WithCancel(context.Background())
	return &Feed[T]{
		log:      log,
		config:   config,
		logger:   logger,
		stopping: stopping,
		stop:     stop,
		wake:     make(chan struct{}, 1),
		ready:    make(chan struct{}),
		subs:     map[*subscriber[T]]struct{}{},
		Poll:     pollInterval,
		Queue:    bufferSize,
	}
}

// Run reads new events from the log whenever a writer announces one (and every few seconds
// in case an announcement was lost), and fans them out, until ctx is done. Then it ends every
// subscription. A database that cannot be read is retried, never fatal.
func (f *Feed[T]) Run(ctx context.Context) error {
	defer f.stop()
	// The head is where live delivery starts; until it is read, subscribers wait.
	var head int64
	for pause := 100 * time.Millisecond; ; pause = min(2*pause, 5*time.Second) {
		var err error
		if head, err = f.log.Last(ctx); err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		f.logger.ErrorContext(ctx, "reading the head of the "+f.config.Name+"'s change log", "error", err, "retry in", pause)
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
	if f.config.Listen != nil {
		// Events committed while no connection listened are in the log: the feed reads it
		// whenever the listener connects.
		go f.config.Listen(ctx, f.Wake)
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
			f.logger.ErrorContext(ctx, "reading "+f.config.Name+" changes", "error", err)
		}
	}
}

// Wake has the feed read the log now.
func (f *Feed[T]) Wake() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Subscribers returns how many subscriptions the feed serves live.
func (f *Feed[T]) Subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// Lag returns how many events of the log the feed has not fanned out yet: the newest one's
// sequence number less the last one the feed delivered. It stays near 0 while the feed keeps
// up with the writers, on every instance.
func (f *Feed[T]) Lag(ctx context.Context) (int64, error) {
	newest, err := f.log.Last(ctx)
	if err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return max(0, newest-f.head), nil
}

// queue is how many events may wait for a subscriber.
func (f *Feed[T]) queue() int { return max(1, f.Queue) }

// Head returns the cursor of the last event in the log.
func (f *Feed[T]) Head(ctx context.Context) (string, error) {
	seq, err := f.log.Last(ctx)
	return strconv.FormatInt(seq, 10), err
}
