package live

import (
	"context"
	"errors"
)

// replay queues the events s has not seen from the log, waiting for its subscriber to take
// them, until s can join the live subscribers (join). It ends when the subscriber goes or the
// feed stops (ctx); a log that cannot be read ends the subscription with the error.
func (f *Feed[T]) replay(ctx context.Context, s *subscriber[T]) {
	err := f.replayed(ctx, s)
	if err == nil {
		return
	}
	if errors.Is(err, context.Canceled) {
		err = nil
	} else {
		f.logger.ErrorContext(ctx, "replaying "+f.config.Name+" changes", "error", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.end(s, err)
}

func (f *Feed[T]) replayed(ctx context.Context, s *subscriber[T]) error {
	for !f.join(s) {
		events, err := f.log.Read(ctx, s.last, replayBatch)
		if err != nil {
			return err
		}
		for _, e := range events {
			seen, ok := s.view(e)
			if ok && !s.queue.Send(seen) {
				return context.Canceled // the subscriber went
			}
			s.last = f.log.Seq(e)
		}
	}
	return nil
}
