package programme

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"maarid"
	"maarid/live"
)

// A subscriber is one subscription to the feed, from the feed's side.
type subscriber struct {
	queue  *live.Queue[*Change]
	filter Filter
	last   int64 // the last change queued, or passed over by the filter
	left   bool  // the subscriber went (Subscription.Close); under Feed.mu
	// stopReplay ends the replay of a subscriber that joined from far back; nil otherwise.
	stopReplay context.CancelFunc
}

// Subscribe returns a subscription to the changes after since, then to the live ones, in
// order, with no gap and no duplicate, as the subscriber of filter sees them. A since ahead of
// the log is an error. The feed ends the subscription when the subscriber falls too far
// behind (FELL_BEHIND, with the cursor to resume from) or when the feed stops; the subscriber
// closes it when it goes.
func (f *Feed) Subscribe(ctx context.Context, since int64, filter Filter) (*live.Subscription[*Change], error) {
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
	s := &subscriber{filter: filter, last: since}
	sub, queue := live.New[*Change](f.queue(), func() { f.leave(s) })
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

// join adds s to the live subscribers if the changes it has not seen are all in memory and fit
// in its queue, and queues them; it reports whether it did. A subscriber that went, or whose
// subscription ended, joins nothing.
func (f *Feed) join(s *subscriber) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s.left || s.queue.Ended() {
		return true
	}
	if s.last < f.head && (len(f.recent) == 0 || f.recent[0].Seq > s.last+1) {
		return false
	}
	first, _ := slices.BinarySearchFunc(f.recent, s.last+1, func(c *Change, seq int64) int { return int(c.Seq - seq) })
	if len(f.recent)-first > s.queue.Room() {
		return false
	}
	for _, c := range f.recent[first:] {
		f.deliver(s, c)
	}
	f.subs[s] = struct{}{}
	return true
}

// fanOut reads the changes after the head and delivers them to every subscriber.
func (f *Feed) fanOut(ctx context.Context) error {
	for {
		f.mu.Lock()
		head := f.head
		f.mu.Unlock()
		changes, err := readLog(ctx, f.client, head, replayBatch)
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

// deliver queues c for s, as s sees it, without waiting; a subscriber whose queue is full is
// ended, to resume from the last change it was given. f.mu is held.
func (f *Feed) deliver(s *subscriber, c *Change) {
	if c.Seq <= s.last {
		return
	}
	seen := s.filter.view(c)
	if seen == nil {
		s.last = c.Seq
		return
	}
	if s.queue.Offer(seen) {
		s.last = c.Seq
		return
	}
	cursor := strconv.FormatInt(s.last, 10)
	f.end(s, &maarid.Error{
		Code:    maarid.FellBehind,
		Message: fmt.Sprintf("the subscriber did not keep up with the programme's changes; subscribe again with since: %q", cursor),
		Cursor:  cursor,
	})
}

// end ends the subscription of s, after the changes already queued, with err; f.mu is held.
func (f *Feed) end(s *subscriber, err error) {
	delete(f.subs, s)
	s.queue.End(err)
}

// endAll ends every live subscription: the feed stopped.
func (f *Feed) endAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		f.end(s, nil)
	}
}

// leave forgets s, whose subscriber went.
func (f *Feed) leave(s *subscriber) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s.left = true
	delete(f.subs, s)
	if s.stopReplay != nil {
		s.stopReplay()
	}
}
