package programme

import (
	"context"
	"errors"
)

// replay queues the changes s has not seen from the log, waiting for its subscriber to take
// them, until s can join the live subscribers (join). It ends when the subscriber goes or the
// feed stops (ctx); a log that cannot be read ends the subscription with the error.
func (f *Feed) replay(ctx context.Context, s *subscriber) {
	err := f.replayed(ctx, s)
	if err == nil {
		return
	}
	if errors.Is(err, context.Canceled) {
		err = nil
	} else {
		f.log.ErrorContext(ctx, "replaying programme changes", "error", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.end(s, err)
}

func (f *Feed) replayed(ctx context.Context, s *subscriber) error {
	for !f.join(s) {
		changes, err := readLog(ctx, f.client, s.last, replayBatch)
		if err != nil {
			return err
		}
		for _, c := range changes {
			seen := s.filter.view(c)
			if seen != nil && !s.queue.Send(seen) {
				return context.Canceled // the subscriber went
			}
			s.last = c.Seq
		}
	}
	return nil
}
