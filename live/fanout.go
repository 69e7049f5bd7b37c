package live

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"maarid"
)

// A subscriber is one subscription to a feed, from the feed's side.
type subscriber[T Event] struct {
	queue *Queue[T]
	// view returns an event as the subscriber sees it, and false when it does not see it.
	view func(T) (T, bool)
	last int64 // the last event queued, or passed over by view
	left bool  // the subscriber went (Subscription.Close); under Feed.mu
	// stopReplay ends the replay of a subscriber that joined from far back; nil otherwise.
	stopReplay context.CancelFunc
}

// Subscribe returns a subscription to the events after since, then to the live ones, in
// order, with no gap and no duplicate, each as view shows it to the subscriber (those it
// reports false for are passed over). A since ahead of the log is an error. The feed ends the
// subscription when the subscriber falls too far behind (FELL_BEHIND, with the cursor to
// resume from) or when the feed stops; the subscriber closes it when it goes.
func (f *Feed[T]) Subscribe(ctx context.Context, since int64, view func(T) (T, bool)) (*Subscription[T], error) {
	select {
	case <-f.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	f.mu.Lock()
	head := f.head
	f.mu.Unlock()
	if since > head {
		// The head in memory may trail an event just committed.
		last, err := f.log.Last(ctx)
		if err != nil {
			return nil, err
		}
		if since > last {
			return nil, maarid.Invalid("since", "the cursor %d is ahead of the %s's change log", since, f.config.Name)
		}
	}
	s := &subscriber[T]{view: view, last: since}
	sub, queue := New[T](f.queue(), func() { f.leave(s) })
	s.queue = queue
	if f.join(s) {
		return sub, nil
	}
	// The subscriber is far behind: replay the log to it, then join.
	replaying, stop := context.WithCancel(f.stopping)
	s.stopReplay = stop
	go f.replay(replaying, s)
	return sub, nil
}

// join adds s to the live subscribers if the events it has not seen are all in memory and fit
// in its queue, and queues them; it reports whether it did. A subscriber that went, or whose
// subscription ended, joins nothing.
func (f *Feed[T]) join(s *subscriber[T]) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s.left || s.queue.Ended() {
		return true
	}
	if s.last < f.head && (len(f.recent) == 0 || f.log.Seq(f.recent[0]) > s.last+1) {
		return false
	}
	first, _ := slices.BinarySearchFunc(f.recent, s.last+1, func(e T, seq int64) int { return int(f.log.Seq(e) - seq) })
	if len(f.recent)-first > s.queue.Room() {
		return false
	}
	for _, e := range f.recent[first:] {
		f.deliver(s, e)
	}
	f.subs[s] = struct{}{}
	return true
}

// fanOut reads the events after the head and delivers them to every subscriber.
func (f *Feed[T]) fanOut(ctx context.Context) error {
	for {
		f.mu.Lock()
		head := f.head
		f.mu.Unlock()
		events, err := f.log.Read(ctx, head, replayBatch)
		if err != nil || len(events) == 0 {
			return err
		}
		f.mu.Lock()
		for _, e := range events {
			for s := range f.subs {
				f.deliver(s, e)
			}
		}
		f.head = f.log.Seq(events[len(events)-1])
		f.recent = append(f.recent, events...)
		if over := len(f.recent) - recentEvents; over > 0 {
			f.recent = slices.Delete(f.recent, 0, over)
		}
		f.mu.Unlock()
		if len(events) < replayBatch {
			return nil
		}
	}
}

// deliver queues e for s, as s sees it, without waiting; a subscriber whose queue is full is
// ended, to resume from the last event it was given. f.mu is held.
func (f *Feed[T]) deliver(s *subscriber[T], e T) {
	seq := f.log.Seq(e)
	if seq <= s.last {
		return
	}
	seen, ok := s.view(e)
	if !ok {
		s.last = seq
		return
	}
	if s.queue.Offer(seen) {
		s.last = seq
		return
	}
	cursor := strconv.FormatInt(s.last, 10)
	f.end(s, &maarid.Error{
		Code:    maarid.FellBehind,
		Message: fmt.Sprintf("the subscriber did not keep up with the %s's changes; subscribe again with since: %q", f.config.Name, cursor),
		Cursor:  cursor,
	})
}

// end ends the subscription of s, after the events already queued, with err; f.mu is held.
func (f *Feed[T]) end(s *subscriber[T], err error) {
	delete(f.subs, s)
	s.queue.End(err)
}

// endAll ends every live subscription: the feed stopped.
func (f *Feed[T]) endAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		f.end(s, nil)
	}
}

// leave forgets s, whose subscriber went.
func (f *Feed[T]) leave(s *subscriber[T]) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s.left = true
	delete(f.subs, s)
	if s.stopReplay != nil {
		s.stopReplay()
	}
}
