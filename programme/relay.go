package programme

import "context"

// A Relay lets the transport of a subscription take the subscriber's changes from the feed
// itself, instead of a goroutine per subscription waiting on the channel that Subscribe
// returns. The feed tells it, without blocking, when a change is queued or the queue is
// closed; the transport then takes the change with Next and either answers it on its own
// (an answer it has already built for another subscriber) or hands it with Pass to the
// channel Subscribe returned, which the subscription's resolver reads.
//
// A Relay serves one subscription; it goes in the subscription's context (WithRelay) before
// its resolver runs.
type Relay struct {
	wake    func()
	queue   <-chan *Change
	handoff chan *Change
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
func (r *Relay) Attached() bool { return r.queue != nil }

// Next returns the next change queued for the subscriber, without waiting: ok is false when
// none is queued, and ended true once the feed of the subscriber is over and every change
// was taken.
func (r *Relay) Next() (c *Change, ok, ended bool) {
	select {
	case c, ok := <-r.queue:
		return c, ok, !ok
	default:
		return nil, false, false
	}
}

// Pass hands c to the subscription's resolver, whose channel must be empty: the transport
// passes one change, then reads the answer to it.
func (r *Relay) Pass(c *Change) { r.handoff <- c }

// End closes the resolver's channel, once Next reported the end: the subscription then gives
// its last answers, such as the error of a subscriber that fell behind.
func (r *Relay) End() { close(r.handoff) }
