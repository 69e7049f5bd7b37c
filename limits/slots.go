package limits

import (
	"context"
	"sync"
)

// Slots shares the server's execution slots among its clients: at most Size requests run at
// once, the others wait in the order they came, and one client holds at most PerClient slots,
// so that a client that sends many heavy requests at once leaves slots for everyone else.
type Slots struct {
	Size, PerClient int

	mu      sync.Mutex
	running int
	held    map[string]int // by client
	waiting []*waiter      // in arrival order
}

type waiter struct {
	client string
	ready  chan struct{} // closed once the waiter holds a slot
}

// Acquire waits for a slot for client until ctx is done, and returns the function that frees
// it.
func (s *Slots) Acquire(ctx context.Context, client string) (release func(), err error) {
	s.mu.Lock()
	if s.held == nil {
		s.held = map[string]int{}
	}
	w := &waiter{client: client, ready: make(chan struct{})}
	if len(s.waiting) == 0 && s.free(client) {
		s.take(client)
		s.mu.Unlock()
		return s.releaser(client), nil
	}
	// In line, and served at once if no one before it may run now: a client at its share
	// waiting first does not hold back the others.
	s.waiting = append(s.waiting, w)
	s.grant()
	s.mu.Unlock()

	select {
	case <-w.ready:
		return s.releaser(client), nil
	case <-ctx.Done():
		s.mu.Lock()
		defer s.mu.Unlock()
		select {
		case <-w.ready: // granted meanwhile: give it back
			s.held[client]--
			s.running--
			s.grant()
		default:
			for i, other := range s.waiting {
				if other == w {
					s.waiting = append(s.waiting[:i], s.waiting[i+1:]...)
					break
				}
			}
		}
		return nil, ctx.Err()
	}
}

// free reports whether client may take a slot now; s.mu is held.
func (s *Slots) free(client string) bool {
	return s.running < s.Size && (s.PerClient <= 0 || s.held[client] < s.PerClient)
}

func (s *Slots) take(client string) {
	s.running++
	s.held[client]++
}

func (s *Slots) releaser(client string) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.running--
			if s.held[client]--; s.held[client] == 0 {
				delete(s.held, client)
			}
			s.grant()
		})
	}
}

// grant gives the free slots to the first waiters that may take one; s.mu is held.
func (s *Slots) grant() {
	for i := 0; i < len(s.waiting) && s.running < s.Size; {
		w := s.waiting[i]
		if !s.free(w.client) {
			i++
			continue
		}
		s.take(w.client)
		close(w.ready)
		s.waiting = append(s.waiting[:i], s.waiting[i+1:]...)
	}
}
