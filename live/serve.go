package live

import (
	"context"
	"errors"
	"sync"
)

// Stream is a subscription as a transport serves it, whatever the events of its feed.
// *Subscription is one.
type Stream interface {
	// Notify has wake called, without blocking, after each event is queued and when the
	// subscription ends; at once when an event waits or the subscription ended already.
	Notify(wake func())
	// Take takes the next event without waiting, and returns its cursor: ok is false when
	// none is queued, and ended true once the feed ended the subscription and every event
	// was taken.
	Take() (cursor string, ok, ended bool)
	// Err returns why the feed ended the subscription; nil while it runs, when the feed
	// stopped, or when the subscriber went.
	Err() error
	// Close says the subscriber went.
	Close()
}

// Receiver is where a transport that runs a subscription's operation receives the
// subscription that the operation's resolver starts (Serve).
type Receiver struct {
	mu     sync.Mutex
	stream Stream
}

type receiverKey struct{}

// Receiving returns ctx for an operation that a transport serving subscriptions runs, and the
// receiver of the subscription the operation starts.
func Receiving(ctx context.Context) (context.Context, *Receiver) {
	r := &Receiver{}
	return context.WithValue(ctx, receiverKey{}, r), r
}

// Served reports whether the operation of ctx is run by a transport that serves
// subscriptions.
func Served(ctx context.Context) bool {
	r, _ := ctx.Value(receiverKey{}).(*Receiver)
	return r != nil
}

// Stream returns the subscription the operation started: nil when it started none, such as a
// query, or a subscription that failed to start.
func (r *Receiver) Stream() Stream {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stream
}

// ErrNoTransport is the error of a subscription started outside a transport that serves
// subscriptions: nothing would say when its subscriber goes.
var ErrNoTransport = errors.New("subscriptions are served over a websocket or server-sent events")

// Serve hands sub to the transport that runs the operation of ctx, which takes its events and
// closes it when the subscriber goes, and returns its queue for the operation's resolver to
// return. Outside such a transport, or when the operation started a subscription already, sub
// is closed and Serve fails.
func Serve[T Event](ctx context.Context, sub *Subscription[T]) (<-chan T, error) {
	r, _ := ctx.Value(receiverKey{}).(*Receiver)
	if r == nil {
		sub.Close()
		return nil, ErrNoTransport
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stream != nil {
		sub.Close()
		return nil, errors.New("an operation starts one subscription")
	}
	r.stream = sub
	return sub.C(), nil
}
