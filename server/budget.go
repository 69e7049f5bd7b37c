package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"maarid"
	"maarid/auth"
	"maarid/limits"
	"maarid/stream"
)

// A client is who a request spends its budget as: its API key, or, without one, its address —
// an IPv6 address by its /64, which one home or phone may draw from at will.
type client struct {
	name    string
	address string // its address, or the /64 of an IPv6 one
	role    auth.Role
	exempt  bool // an address of a network that spends no budget

	mu    sync.Mutex
	meter *meter // what this request spent, for its answer
}

type clientKey struct{}

func clientFrom(ctx context.Context) *client {
	c, _ := ctx.Value(clientKey{}).(*client)
	return c
}

// meter is what one request cost and what its client's budget was left with.
type meter struct {
	Requested int `json:"requested"`
	Limit     int `json:"limit"`
	// The client's budget after the request; absent for an exempt client.
	Remaining   *int     `json:"remaining,omitempty"`
	Budget      *int     `json:"budget,omitempty"`
	RestoreRate *float64 `json:"restorePerSecond,omitempty"`
	spent       limits.Spent
	refused     bool // over budget: 429
}

// budgets are the budgets of every client, and what each role is given.
type budgets struct {
	clients  limits.Budgets
	byRole   map[auth.Role]limits.Budget
	exempt   []netip.Prefix
	ipHeader string
	waiting  chan struct{} // the refusals held back (holdBack)
}

func newBudgets(c config) *budgets {
	perMinute := func(points int) limits.Budget {
		// Spent at the rate it refills, a budget lasts a minute; a client may spend a tenth
		// of it at once.
		return limits.Budget{Rate: float64(points) / 60, Burst: max(points/10, 1)}
	}
	b := &budgets{
		byRole:   map[auth.Role]limits.Budget{},
		exempt:   c.budgetExempt,
		ipHeader: c.clientIPHeader,
		waiting:  make(chan struct{}, 1000),
	}
	for role, points := range c.budgets {
		budget := perMinute(points)
		// A request of the highest cost the role may send fits in the burst.
		budget.Burst = max(budget.Burst, costs{maxCost: c.maxCost, maxPartnerCost: c.maxPartnerCost}.limitOf(role))
		b.byRole[role] = budget
	}
	// Remembering a client costs some 200 bytes: 40 MB at most, however many addresses call.
	b.clients.Capacity = 200_000
	return b
}

// budgetOf is the budget of a role.
func (b *budgets) budgetOf(role auth.Role) limits.Budget {
	return b.byRole[role]
}

// spend spends cost from the client's budget, and records it for the answer.
func (b *budgets) spend(c *client, cost, limit int) *meter {
	m := &meter{Requested: cost, Limit: limit}
	if !c.exempt {
		budget := b.budgetOf(c.role)
		m.spent = b.clients.Spend(c.name, budget, cost)
		m.refused = !m.spent.OK
		m.Remaining, m.Budget, m.RestoreRate = &m.spent.Remaining, &budget.Burst, &budget.Rate
	}
	c.mu.Lock()
	c.meter = m
	c.mu.Unlock()
	return m
}

// identify puts the request's client in its context, after authentication, and writes on its
// answer what the request cost its budget: the RateLimit headers, and 429 with Retry-After
// when it was over budget.
func (b *budgets) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := b.clientOf(r)
		mw := &meteredWriter{ResponseWriter: w, client: c}
		// A client whose budget is spent is refused before its request is read further: a
		// flood costs it nothing but this.
		if m := b.spend(c, 0, 0); m.refused || m.Remaining != nil && *m.Remaining == 0 {
			m.refused = true
			m.spent.RetryAfter = max(m.spent.RetryAfter, time.Duration(float64(time.Second)/b.budgetOf(c.role).Rate))
			b.holdBack(r.Context(), m.spent.RetryAfter)
			maarid.RefusalOf(maarid.RateLimited).Write(mw, fmt.Sprintf(
				"the budget of this client is spent: try again in %s s", seconds(m.spent.RetryAfter)))
			return
		}
		next.ServeHTTP(mw, r.WithContext(context.WithValue(r.Context(), clientKey{}, c)))
	})
}

// holdBack makes a client that calls again before its budget allows it wait, up to a second,
// for its refusal: a client that does not heed Retry-After then calls at most once a second a
// connection, instead of taking the cores with refusals. A bounded number wait at once; past
// it, refusals are answered at once.
func (b *budgets) holdBack(ctx context.Context, wait time.Duration) {
	select {
	case b.waiting <- struct{}{}:
		defer func() { <-b.waiting }()
	default:
		return
	}
	t := time.NewTimer(min(wait, time.Second))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// chargeAll takes the whole budget of the client of ctx and a second of its refill, into debt,
// for a document refused for its shape: no client of the API sends one but by mistake or to
// flood it, and the next ones are refused before they are read, for a second at least and
// until the budget is back.
func (b *budgets) chargeAll(ctx context.Context) {
	if c := clientFrom(ctx); c != nil {
		budget := b.budgetOf(c.role)
		b.charge(ctx, budget.Burst+int(math.Ceil(budget.Rate)))
	}
}

// charge takes points from the budget of the client of ctx, into debt if need be, for a
// request refused for asking too much: a refused flood costs its client as much as the
// largest request it may send, and the next ones are refused before they are read until the
// debt is paid back.
func (b *budgets) charge(ctx context.Context, points int) {
	c := clientFrom(ctx)
	if c == nil || c.exempt {
		return
	}
	budget := b.budgetOf(c.role)
	spent := b.clients.Take(c.name, budget, points)
	c.mu.Lock()
	c.meter = &meter{Requested: points, Limit: points, spent: spent, Remaining: &spent.Remaining, Budget: &budget.Burst, RestoreRate: &budget.Rate}
	c.mu.Unlock()
}

// keyed returns the client of the same address acting with the key of v, from the
// connection_init of a websocket.
func (c *client) keyed(v *auth.Viewer) *client {
	if v.KeyID == "" {
		return c
	}
	return &client{name: "key " + v.KeyID, address: c.address, role: v.Role, exempt: c.exempt}
}

// clientOf names the client of r: its key, or its address.
func (b *budgets) clientOf(r *http.Request) *client {
	v := auth.FromContext(r.Context())
	addr := b.address(r)
	c := &client{role: v.Role, address: addr.Unmap().String()}
	if addr.Is6() && !addr.Is4In6() {
		c.address = netip.PrefixFrom(addr, 64).Masked().String()
	}
	c.name = "address " + c.address
	if v.KeyID != "" {
		c.name = "key " + v.KeyID
	}
	for _, p := range b.exempt {
		if p.Contains(addr.Unmap()) {
			c.exempt = true
		}
	}
	return c
}

// address is the client's address: the peer's, or the last value of the header in which a
// trusted proxy gives it.
func (b *budgets) address(r *http.Request) netip.Addr {
	if b.ipHeader != "" {
		values := r.Header.Values(b.ipHeader)
		if len(values) > 0 {
			list := strings.Split(values[len(values)-1], ",")
			if addr, err := netip.ParseAddr(strings.TrimSpace(list[len(list)-1])); err == nil {
				return addr
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, _ := netip.ParseAddr(host)
	return addr
}

// meteredWriter adds to an answer, before it goes, what the request cost its client.
type meteredWriter struct {
	http.ResponseWriter
	client      *client
	wroteHeader bool
}

func (w *meteredWriter) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	w.client.mu.Lock()
	m := w.client.meter
	w.client.mu.Unlock()
	if m != nil && m.Budget != nil {
		h := w.Header()
		h.Set("RateLimit-Limit", strconv.Itoa(m.spent.Limit))
		h.Set("RateLimit-Remaining", strconv.Itoa(m.spent.Remaining))
		h.Set("RateLimit-Reset", seconds(m.spent.Reset))
		if m.refused {
			h.Set("Retry-After", seconds(m.spent.RetryAfter))
			status = maarid.RefusalOf(maarid.RateLimited).Status
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *meteredWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *meteredWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush sends what is written so far: server-sent events go out one by one.
func (w *meteredWriter) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// seconds is a duration in whole seconds, rounded up: a client that waits that long is served.
func seconds(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}

// costExtension is what extensions.cost of an answer says, as JSON: the meter's fields,
// written by hand, for every answer the cache serves.
func (m *meter) costExtension() json.RawMessage {
	b := make([]byte, 0, 112)
	b = append(b, `{"requested":`...)
	b = strconv.AppendInt(b, int64(m.Requested), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(m.Limit), 10)
	if m.Remaining != nil {
		b = append(b, `,"remaining":`...)
		b = strconv.AppendInt(b, int64(*m.Remaining), 10)
		b = append(b, `,"budget":`...)
		b = strconv.AppendInt(b, int64(*m.Budget), 10)
		b = append(b, `,"restorePerSecond":`...)
		b = strconv.AppendFloat(b, *m.RestoreRate, 'g', -1, 64)
	}
	return append(b, '}')
}

// streamClients tells the transports of subscriptions what the budgets know of a client: its
// websockets are counted by address, except from the networks that spend no budget; a
// connection keeps its client, known by its API key once connection_init gives one; the
// operations that build a group's answers spend nothing.
func (b *budgets) streamClients() stream.Clients {
	return stream.Clients{
		Address: func(ctx context.Context) string {
			if cl := clientFrom(ctx); cl != nil && !cl.exempt {
				return cl.address
			}
			return ""
		},
		Carry: func(to, from context.Context) context.Context {
			if cl := clientFrom(from); cl != nil {
				return context.WithValue(to, clientKey{}, cl)
			}
			return to
		},
		Keyed: func(ctx context.Context, v *auth.Viewer) context.Context {
			if cl := clientFrom(ctx); cl != nil {
				return context.WithValue(ctx, clientKey{}, cl.keyed(v))
			}
			return ctx
		},
		Unmetered: unmetered,
	}
}
