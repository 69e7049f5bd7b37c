package programme

import (
	"context"
	"sync"
)

// A Relay lets the transport of a subscription take the subscriber's changes from the feed
// itself, instead of a goroutine per subscription waiting on the channel that Subscribe
// returns. The feed queues changes in the relay and tells it, without blocking, when a change
// is queued or the queue is closed; the transport then takes the change with Next and answers
// it.
//
// Pass hands a change to the channel Subscribe returned, which the subscription's resolver
// reads, for the transport to read the answer to it. A relay stopped before its subscription
// starts takes nothing from the feed: its subscription answers only the changes passed to it,
// as one subscription can for all the subscribers who receive the same answers.
//
// A relayed subscription ends when the transport calls Stop, not when the context it was
// started with is done: an idle subscriber then costs the feed no more than its place in the
// relay, whose queue holds nothing while nothing waits.
//
// A Relay serves one subscription; it goes in the subscription's context (WithRelay) before
// its resolver runs.
type Relay struct {
	wake    func()
	handoff chan *Change

	mu      sync.Mutex
	queue   []*Change     // what the feed queued, oldest first; nil when nothing waits
	closed  bool          // the feed queues nothing more
	taken   chan struct{} // while the feed replays the log to the subscriber: told on a Next
	stop    func()        // ends the subscription in the feed; nil until a subscription takes r
	stopped bool
}

// NewRelay returns a relay that calls wake after a change is queued for its subscriber and
// when the subscriber's feed ends. wake is called under the feed's lock: it must not block
// nor call the feed.
func NewRelay(wake func()) *Relay {
	return &Relay{wake: wake, handoff: make(chan *Change, 1)}
}

type relayKey struct{}

// WithRelay returns ctx for a subscription whose changes r relays.
func WithRelay(ctx context.Context, r *Relay) context.Context {
	return context.WithValue(ctx, relayKey{}, r)
}

func relayFrom(ctx context.Context) *Relay {
	r, _ := ctx.Value(relayKey{}).(*Relay)
	return r
}

// Attached reports whether a subscription took r: until then, and when the subscription
// failed to start, the transport reads the subscription's answers as it would without a relay.
func (r *Relay) Attached() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stop != nil
}

// Next returns the next change queued for the subscriber, without waiting: ok is false when
// none is queued, and ended true once the feed of the subscriber is over and every change
// was taken.
func (r *Relay) Next() (c *Change, ok, ended bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.queue) == 0 {
		return nil, false, r.closed
	}
	c = r.queue[0]
	r.queue[0] = nil
	r.queue = r.queue[1:]
	if len(r.queue) == 0 {
		r.queue = nil
	}
	if r.taken != nil {
		select {
		case r.taken <- struct{}{}:
		default:
		}
	}
	return c, true, false
}

// Pass hands c to the subscription's resolver, whose channel must be empty: the transport
// passes one change, then reads the answer to it.
func (r *Relay) Pass(c *Change) { r.handoff <- c }

// Stop ends the subscription: the feed queues nothing more for it. The transport calls it
// after cancelling the subscription's context, when the subscription is over for any reason;
// calling it again, or before the subscription started, does no harm.
func (r *Relay) Stop() {
	r.mu.Lock()
	stop := r.stop
	r.stopped = true
	r.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// attach makes r the queue of a subscription that stop ends; it reports false when the
// transport stopped r already.
func (r *Relay) attach(stop func()) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stop = stop
	return !r.stopped
}

// offer queues c unless limit changes are waiting already; it reports whether it did.
func (r *Relay) offer(c *Change, limit int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.queue) >= limit {
		return false
	}
	r.queue = append(r.queue, c)
	return true
}

// room returns how many more changes may wait, when limit may.
func (r *Relay) room(limit int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return limit - len(r.queue)
}

// close has Next report the end once the queue is empty.
func (r *Relay) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
}

// waitTaken returns a channel told when the subscriber next takes a change, and whether
// the queue is full, both as one step: a change taken after the queue was seen full is told.
// The channel is the relay's while the feed replays the log to the subscriber.
func (r *Relay) waitTaken(limit int) (<-chan struct{}, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.taken == nil {
		r.taken = make(chan struct{}, 1)
	}
	return r.taken, len(r.queue) >= limit
}

// replayed lets go of the channel of waitTaken.
func (r *Relay) replayed() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.taken = nil
}
