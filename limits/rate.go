package limits

import (
	"container/list"
	"math"
	"sync"
	"time"
)

// Budget is what a client may spend over time: Burst points at once, refilled at Rate points
// a second.
type Budget struct {
	Rate  float64
	Burst int
}

// Spent is what spending from a budget left: whether the cost fitted, the points left, how
// long until the budget is full again, and, when it did not fit, how long until it would.
type Spent struct {
	OK         bool
	Limit      int // the budget's burst
	Remaining  int
	Reset      time.Duration
	RetryAfter time.Duration
}

// Budgets keeps the budgets of clients, each by its name (an API key, an address), by the
// generic cell rate algorithm: one time per client, the moment its budget would be full. The
// clients kept are bounded by Capacity, the least recently seen forgotten first; a forgotten
// client starts again with a full budget, as it would after a short pause.
type Budgets struct {
	Capacity int
	// Now is the clock; time.Now when nil.
	Now func() time.Time

	mu      sync.Mutex
	clients map[string]*list.Element // of *client
	order   list.List                // most recently seen first
}

type client struct {
	name string
	full time.Time // when the budget is full again: GCRA's theoretical arrival time
}

// Spend spends cost from the budget of the client name, if it fits.
func (b *Budgets) Spend(name string, budget Budget, cost int) Spent {
	return b.spend(name, budget, cost, false)
}

// Take spends cost from the budget of the client name even when it does not fit, leaving the
// client in debt: a penalty, paid back before the client may spend again.
func (b *Budgets) Take(name string, budget Budget, cost int) Spent {
	return b.spend(name, budget, cost, true)
}

func (b *Budgets) spend(name string, budget Budget, cost int, debt bool) Spent {
	now := time.Now()
	if b.Now != nil {
		now = b.Now()
	}
	// In nanoseconds, as floats: a large budget refills a point in less than one.
	perPoint := float64(time.Second) / budget.Rate
	tolerance := float64(budget.Burst) * perPoint

	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.lookUp(name, now)
	full := c.full
	if full.Before(now) {
		full = now
	}
	next := full.Add(time.Duration(float64(cost) * perPoint))
	out := Spent{Limit: budget.Burst}
	if wait := float64(next.Sub(now)) - tolerance; wait > 0 {
		out.RetryAfter = time.Duration(wait)
	} else {
		out.OK = true
	}
	if out.OK || debt {
		c.full, full = next, next
	}
	out.Reset = full.Sub(now)
	out.Remaining = max(0, int(math.Floor((tolerance-float64(out.Reset))/perPoint)))
	return out
}

// lookUp returns the client name, remembered from now on; b.mu is held.
func (b *Budgets) lookUp(name string, now time.Time) *client {
	if b.clients == nil {
		b.clients = map[string]*list.Element{}
	}
	if e, ok := b.clients[name]; ok {
		b.order.MoveToFront(e)
		return e.Value.(*client)
	}
	for b.Capacity > 0 && len(b.clients) >= b.Capacity {
		oldest := b.order.Back()
		delete(b.clients, oldest.Value.(*client).name)
		b.order.Remove(oldest)
	}
	c := &client{name: name, full: now}
	b.clients[name] = b.order.PushFront(c)
	return c
}

// Len is how many clients are remembered.
func (b *Budgets) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.clients)
}
