// Package live is the contract between a feed of changes and the transports that deliver
// them: a feed hands each subscriber a Subscription, queues its events in it and ends it; the
// transport serving the subscriber takes the events and says when the subscriber is gone.
//
// A feed calls New for each subscriber and keeps the Queue, its side of the subscription:
// only the feed queues events (Offer, Send) and ends the subscription (End), with the reason
// and, in it, the cursor to resume from. The subscription's resolver hands the Subscription to
// the transport that runs its operation (Serve); the transport takes the events as they come
// (Notify, Take) or waits for them (C), and closes the subscription when its subscriber goes
// (Close), which tells the feed to forget it.
package live

import (
	"sync"
)

// Event is what a feed delivers: its cursor is where a subscriber that received it resumes.
type Event interface{ Cursor() string }

// Subscription is one subscriber's bounded queue of events from a feed.
type Subscription[T Event] struct {
	events  chan T // the queue; closed by the feed when it ends the subscription
	onClose func() // the feed's, told once when the subscriber goes

	mu     sync.Mutex
	wake   func()
	over   bool          // the feed ended the subscription
	err    error         // why
	closed bool          // the subscriber went
	gone   chan struct{} // closed when the subscriber goes, for a feed that waits; made on demand
}

// Queue is the feed's side of a subscription: the feed queues events and ends the
// subscription from one goroutine at a time.
type Queue[T Event] struct {
	s     *Subscription[T]
	ended bool
}

// New returns a subscription whose queue holds up to size events, and the feed's side of it.
// onClose is called once when the subscriber goes; it must not block.
func New[T Event](size int, onClose func()) (*Subscription[T], *Queue[T]) {
	s := &Subscription[T]{events: make(chan T, max(1, size)), onClose: onClose}
	return s, &Queue[T]{s: s}
}

// Offer queues e without waiting; it reports false when the queue is full or the subscriber
// went.
func (q *Queue[T]) Offer(e T) bool {
	if q.ended || q.s.Closed() {
		return false
	}
	select {
	case q.s.events <- e:
		q.s.notify()
		return true
	default:
		return false
	}
}

// Send queues e, waiting while the queue is full; it reports false when the subscriber went
// first.
func (q *Queue[T]) Send(e T) bool {
	if q.ended {
		return false
	}
	if q.Offer(e) {
		return true
	}
	select {
	case q.s.events <- e:
		q.s.notify()
		return true
	case <-q.s.goneChan():
		return false
	}
}

// Room returns how many more events the queue holds now.
func (q *Queue[T]) Room() int { return cap(q.s.events) - len(q.s.events) }

// End ends the subscription once the events queued are taken: err says why, nil when the
// feed stopped or the subscriber went. It does nothing the second time.
func (q *Queue[T]) End(err error) {
	if q.ended {
		return
	}
	q.ended = true
	q.s.mu.Lock()
	q.s.over, q.s.err = true, err
	q.s.mu.Unlock()
	close(q.s.events)
	q.s.notify()
}

// Ended reports whether End was called.
func (q *Queue[T]) Ended() bool { return q.ended }

// Notify has wake called after each event is queued and when the subscription ends; at once
// when an event waits or the subscription ended already. wake is called by the feed, perhaps
// under its locks: it must not block nor call the feed.
func (s *Subscription[T]) Notify(wake func()) {
	s.mu.Lock()
	s.wake = wake
	s.mu.Unlock()
	if len(s.events) > 0 || s.ended() {
		wake()
	}
}

func (s *Subscription[T]) notify() {
	s.mu.Lock()
	wake := s.wake
	s.mu.Unlock()
	if wake != nil {
		wake()
	}
}

// C returns the queue, for a transport that waits for the events: it is closed once the
// feed ended the subscription and the events queued were taken.
func (s *Subscription[T]) C() <-chan T { return s.events }

// Next takes the next event without waiting: ok is false when none is queued, and ended true
// once the feed ended the subscription and every event was taken.
func (s *Subscription[T]) Next() (e T, ok, ended bool) {
	select {
	case e, ok := <-s.events:
		return e, ok, !ok
	default:
		return e, false, false
	}
}

// Take is Next for a transport that knows the event by its cursor only (Stream).
func (s *Subscription[T]) Take() (cursor string, ok, ended bool) {
	e, ok, ended := s.Next()
	if !ok {
		return "", false, ended
	}
	return e.Cursor(), true, false
}

// Err returns why the feed ended the subscription: nil while it runs, when the feed stopped,
// or when the subscriber went. An error that asks the subscriber to resume carries the cursor
// to resume from (maarid.Error.Cursor).
func (s *Subscription[T]) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close says the subscriber went: the feed queues nothing more and forgets the subscription.
// Calling it again does nothing.
func (s *Subscription[T]) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	if s.gone != nil {
		close(s.gone)
	}
	s.mu.Unlock()
	if s.onClose != nil {
		s.onClose()
	}
}

// Closed reports whether the subscriber went.
func (s *Subscription[T]) Closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// goneChan returns a channel closed once the subscriber goes.
func (s *Subscription[T]) goneChan() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gone == nil {
		s.gone = make(chan struct{})
		if s.closed {
			close(s.gone)
		}
	}
	return s.gone
}

// ended reports whether the feed ended the subscription (the queue may still hold events).
func (s *Subscription[T]) ended() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.over
}
