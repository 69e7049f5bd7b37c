package programme

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/programmechange"
	"maarid/ent/session"
	"maarid/ent/space"
	"maarid/i18n"
	"maarid/store"
	"maarid/store/notify"
)

// Change is an entry of the programme's change log, as the feed delivers it.
type Change struct {
	Seq    int64
	Kind   programmechange.Kind
	At     time.Time
	Reason *string
	FairID string
	// Session is the session as the change left it, read from what the change kept; its
	// space is loaded.
	Session  *ent.Session
	Previous *maarid.SessionState
	Current  maarid.SessionState
	// withdrawal is what those who may not see unpublished sessions receive of a change that
	// unpublished a session they could see: that it is gone, and nothing of what it became.
	withdrawal *Change
}

// Cursor is the position of the change in the log, for resuming a feed after it.
func (c *Change) Cursor() string { return strconv.FormatInt(c.Seq, 10) }

// ParseCursor reads a cursor given by a client; "0" is the start of the log.
func ParseCursor(cursor string) (int64, error) {
	seq, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil || seq < 0 || strconv.FormatInt(seq, 10) != cursor {
		return 0, maarid.Invalid("since", "%q is not a programme cursor", cursor)
	}
	return seq, nil
}

// Filter narrows a feed.
type Filter struct {
	// FairID keeps the changes of one fair when it is not empty.
	FairID string
	// SpaceIDs keeps the changes of sessions that were or are in one of these spaces, when it
	// is not empty.
	SpaceIDs []string
	// Unpublished keeps the changes of unpublished sessions, which only organisers see.
	Unpublished bool
}

// view returns c as the subscriber of f sees it, or nil when it does not see it. A subscriber
// that may not see unpublished sessions sees a change only where it could see the session in
// the state the change left it; a change that unpublished a session it could see before
// reaches it as a withdrawal.
func (f Filter) view(c *Change) *Change {
	if f.FairID != "" && c.FairID != f.FairID {
		return nil
	}
	if !f.Unpublished && c.Current.Hidden {
		if c.withdrawal == nil {
			return nil
		}
		c = c.withdrawal
	}
	if len(f.SpaceIDs) == 0 {
		return c
	}
	in := func(id *string) bool { return id != nil && slices.Contains(f.SpaceIDs, *id) }
	if in(c.Current.SpaceID) || c.Previous != nil && in(c.Previous.SpaceID) {
		return c
	}
	return nil
}

const (
	// recentChanges is how many of the last changes the feed keeps in memory, so that a
	// subscriber starting from a recent cursor joins without reading the database.
	recentChanges = 64
	// bufferSize is how many changes may wait for a subscriber. A subscriber that lets more
	// pile up has its feed ended, to resume from its last cursor.
	bufferSize = 64
	// replayBatch is how many changes a replay reads from the log at once.
	replayBatch = 500
	// pollInterval is how often the feed looks at the log without being woken.
	pollInterval = 5 * time.Second
)

// Feed tells subscribers of every change of the programme, in order. It reads each new change
// from the log once, after the transaction that wrote it committed, and fans it out to the
// subscribers of this instance; on PostgreSQL, writers on every instance wake it by NOTIFY.
type Feed struct {
	client   *ent.Client
	dsn      string
	postgres bool
	log      *slog.Logger
	wake     chan struct{}
	ready    chan struct{}
	stopping context.Context
	stop     context.CancelFunc
	// Poll is how often the feed reads the log without being woken; set it before Run.
	Poll time.Duration
	// Queue is how many changes may wait for a subscriber before its feed is ended.
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
	defer f.closeAll()
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

// Stopping returns a context that is done once the feed has stopped, or is stopping: the
// connections that carry subscriptions end with it.
func (f *Feed) Stopping() context.Context { return f.stopping }

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

// queue is how many changes may wait for a subscriber.
func (f *Feed) queue() int { return max(1, f.Queue) }

// fanOut reads the changes after the head and delivers them to every subscriber.
func (f *Feed) fanOut(ctx context.Context) error {
	for {
		f.mu.Lock()
		head := f.head
		f.mu.Unlock()
		changes, err := f.read(ctx, head, replayBatch)
		if err != nil || len(changes) == 0 {
			return err
		}
		f.mu.Lock()
		for _, c := range changes {
			for s := range f.subs {
				f.deliver(s, c)
			}
		}
		f.head = changes[len(changes)-1].Seq
		f.recent = append(f.recent, changes...)
		if over := len(f.recent) - recentChanges; over > 0 {
			f.recent = slices.Delete(f.recent, 0, over)
		}
		f.mu.Unlock()
		if len(changes) < replayBatch {
			return nil
		}
	}
}

// deliver queues c for s without waiting; a subscriber whose queue is full is ended. f.mu is
// held.
func (f *Feed) deliver(s *subscriber, c *Change) {
	if c.Seq <= s.last {
		return
	}
	seen := s.filter.view(c)
	if seen == nil {
		s.last = c.Seq
		return
	}
	if s.offer(seen, f.queue()) {
		s.last = c.Seq
		s.wake()
	} else {
		f.end(s, &maarid.Error{
			Code:    maarid.FellBehind,
			Message: fmt.Sprintf("the subscriber did not keep up with the programme's changes; subscribe again with since: %q", strconv.FormatInt(s.last, 10)),
			Cursor:  strconv.FormatInt(s.last, 10),
		})
	}
}

// end removes s and closes its queue, after the changes already in it; f.mu is held.
func (f *Feed) end(s *subscriber, err error) {
	if s.closed {
		return
	}
	delete(f.subs, s)
	s.closed = true
	if err != nil && s.onEnd != nil {
		s.onEnd(err)
	}
	if s.relay != nil {
		s.relay.close()
	} else {
		close(s.out)
	}
	s.wake()
}

func (f *Feed) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		f.end(s, nil)
	}
}

// read returns up to limit changes after seq, in order, with their sessions.
func (f *Feed) read(ctx context.Context, seq int64, limit int) ([]*Change, error) {
	ctx = auth.System(ctx)
	rows, err := f.client.ProgrammeChange.Query().
		Where(programmechange.SeqGT(seq)).
		Order(programmechange.BySeq()).
		Limit(limit).
		All(ctx)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	var sessionIDs, spaceIDs []string
	for _, r := range rows {
		sessionIDs = append(sessionIDs, r.SessionID)
		if r.After.SpaceID != nil {
			spaceIDs = append(spaceIDs, *r.After.SpaceID)
		}
	}
	sessions, err := f.client.Session.Query().Where(session.IDIn(sessionIDs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	spaces, err := f.client.Space.Query().Where(space.IDIn(spaceIDs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*ent.Session{}
	for _, s := range sessions {
		byID[s.ID] = s
	}
	spaceByID := map[string]*ent.Space{}
	for _, s := range spaces {
		spaceByID[s.ID] = s
	}
	out := make([]*Change, 0, len(rows))
	for _, r := range rows {
		s, ok := byID[r.SessionID]
		if !ok {
			return nil, fmt.Errorf("change %d: session %s is gone", r.Seq, r.SessionID)
		}
		current := *r.After
		if current.Details == nil && !s.Published {
			// A change logged before changes kept their session's details: it could only be
			// shown with what the session says now, which is not to be seen.
			current.Hidden = true
		}
		c := &Change{
			Seq:      r.Seq,
			Kind:     r.Kind,
			At:       r.At,
			Reason:   nonEmpty(r.Reason),
			FairID:   r.FairID,
			Session:  asOf(s, current, r.At, spaceByID),
			Previous: r.Before,
			Current:  current,
		}
		if current.Hidden && r.Before != nil && !r.Before.Hidden {
			c.withdrawal = withdrawal(c, s, spaceByID)
		}
		out = append(out, c)
	}
	return out, nil
}

// asOf returns session s as a change at time at left it: what state says of it, in the space
// it says.
func asOf(s *ent.Session, state maarid.SessionState, at time.Time, spaces map[string]*ent.Space) *ent.Session {
	then := *s
	then.StartsAt, then.EndsAt, then.SpaceID, then.Version = state.StartsAt, state.EndsAt, state.SpaceID, state.Version
	then.Status, then.Published = session.Status(state.Status), !state.Hidden
	if d := state.Details; d != nil {
		then.Title, then.Description, then.Audience = i18n.TextOf(d.Title), i18n.TextOf(d.Description), i18n.TextOf(d.Audience)
		then.Kind, then.Topics, then.Capacity = session.Kind(d.Kind), d.Topics, d.Capacity
		then.Languages = make([]i18n.Lang, len(d.Languages))
		for i, l := range d.Languages {
			then.Languages[i] = i18n.Lang(l)
		}
		then.UpdatedAt = at
	}
	then.Edges = ent.SessionEdges{}
	if state.SpaceID != nil {
		then.Edges.Space = spaces[*state.SpaceID]
	}
	return &then
}

// withdrawal returns the change c, which unpublished its session, as those who may not see
// unpublished sessions receive it: the session is where it was, unpublished, and says nothing
// of itself.
func withdrawal(c *Change, s *ent.Session, spaces map[string]*ent.Space) *Change {
	gone := *c.Previous
	gone.Hidden, gone.Details = true, &maarid.SessionDetails{Kind: s.Kind.String()}
	session := asOf(s, gone, c.At, spaces)
	session.SeatsLeft = nil
	return &Change{Seq: c.Seq, Kind: programmechange.KindUPDATED, At: c.At, FairID: c.FairID,
		Session: session, Previous: c.Previous, Current: gone}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// A subscriber is one subscription to the feed. Its queue is bounded; it is closed when the
// subscription ends.
type subscriber struct {
	out    chan *Change // the queue, when the subscription reads it itself
	relay  *Relay       // the queue, when a relay takes its changes; nil otherwise
	filter Filter
	last   int64 // the last change queued, or skipped by the filter
	closed bool
	onEnd  func(error)
}

// offer queues c unless limit changes wait already; it reports whether it did.
func (s *subscriber) offer(c *Change, limit int) bool {
	if s.relay != nil {
		return s.relay.offer(c, limit)
	}
	select {
	case s.out <- c:
		return true
	default:
		return false
	}
}

// room returns how many more changes may be queued, when limit may wait.
func (s *subscriber) room(limit int) int {
	if s.relay != nil {
		return s.relay.room(limit)
	}
	return cap(s.out) - len(s.out)
}

// push queues c, waiting while limit changes wait, until ctx is done.
func (s *subscriber) push(ctx context.Context, c *Change, limit int) error {
	if s.relay == nil {
		select {
		case s.out <- c:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for !s.relay.offer(c, limit) {
		taken, full := s.relay.waitTaken(limit)
		if !full {
			continue
		}
		select {
		case <-taken:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// wake tells the subscription's relay that its queue changed: a change was queued, or the
// queue was closed.
func (s *subscriber) wake() {
	if s.relay != nil {
		s.relay.wake()
	}
}

// Subscribe returns the changes after since, then the live ones, in order, with no gap and no
// duplicate, until ctx is done. A since ahead of the log is an error. When the subscriber falls
// too far behind, or the feed stops, the channel is closed; onEnd, when the subscriber fell
// behind, is called first with an error that says where to resume. When ctx carries a Relay
// (WithRelay), the changes wait for the relay to take them, the channel returned carries
// those it passes on, and the subscription ends when the relay is stopped rather than when
// ctx is done.
func (f *Feed) Subscribe(ctx context.Context, since int64, filter Filter, onEnd func(error)) (<-chan *Change, error) {
	select {
	case <-f.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	f.mu.Lock()
	head := f.head
	f.mu.Unlock()
	if since > head {
		// The head in memory may trail a change just committed.
		last, err := lastSeq(ctx, f.client)
		if err != nil {
			return nil, err
		}
		if since > last {
			return nil, maarid.Invalid("since", "the cursor %d is ahead of the programme's change log", since)
		}
	}
	s := &subscriber{filter: filter, last: since, onEnd: onEnd}
	// A subscriber that has joined is ended by leave when its context is done, or its relay
	// stopped; one still replaying ends itself.
	leave := func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, joined := f.subs[s]; joined {
			f.end(s, nil)
		}
	}
	var result <-chan *Change
	if r := relayFrom(ctx); r != nil && !r.Attached() {
		s.relay, result = r, r.handoff
		if !r.attach(leave) {
			f.mu.Lock()
			f.end(s, nil)
			f.mu.Unlock()
			return result, nil
		}
	} else {
		s.out = make(chan *Change, f.queue())
		result = s.out
		context.AfterFunc(ctx, leave)
	}
	if f.join(ctx, s) {
		return result, nil
	}
	// The subscriber is far behind: replay from the log, then join.
	go func() {
		err := f.replay(ctx, s)
		if err == nil {
			return
		}
		if errors.Is(err, context.Canceled) {
			err = nil
		} else {
			f.log.ErrorContext(ctx, "replaying programme changes", "error", err)
		}
		f.mu.Lock()
		f.end(s, err)
		f.mu.Unlock()
	}()
	return result, nil
}

// join adds s to the live subscribers if the changes it has not seen are all in memory and fit
// in its queue, and queues them; it reports whether it did. A subscriber whose context is done
// is ended instead.
func (f *Feed) join(ctx context.Context, s *subscriber) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s.closed {
		return true
	}
	if ctx.Err() != nil {
		f.end(s, nil)
		return true
	}
	if s.last < f.head && (len(f.recent) == 0 || f.recent[0].Seq > s.last+1) {
		return false
	}
	first, _ := slices.BinarySearchFunc(f.recent, s.last+1, func(c *Change, seq int64) int { return int(c.Seq - seq) })
	if len(f.recent)-first > s.room(f.queue()) {
		return false
	}
	for _, c := range f.recent[first:] {
		f.deliver(s, c)
	}
	f.subs[s] = struct{}{}
	return true
}

// replay queues the changes s has not seen from the log, waiting for it to read them, until
// it can join the live subscribers.
func (f *Feed) replay(ctx context.Context, s *subscriber) error {
	for !f.join(ctx, s) {
		changes, err := f.read(ctx, s.last, replayBatch)
		if err != nil {
			return err
		}
		for _, c := range changes {
			seen := s.filter.view(c)
			if seen == nil {
				s.last = c.Seq
				continue
			}
			if err := s.push(ctx, seen, f.queue()); err != nil {
				return err
			}
			s.last = c.Seq
			s.wake()
		}
	}
	if s.relay != nil {
		s.relay.replayed()
	}
	return nil
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

// Head returns the cursor of the last change in the log.
func (f *Feed) Head(ctx context.Context) (string, error) {
	seq, err := lastSeq(ctx, f.client)
	return strconv.FormatInt(seq, 10), err
}
