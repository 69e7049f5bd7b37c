package main

import (
	"bytes"
	"container/list"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/graph"
	"maarid/i18n"
	"maarid/store"
)

// responseCache keeps the answers to queries and serves them again until the data they read
// changes. Visitors ask for the same directory and catalogue pages over and over while the
// data changes a few times an hour, so most answers can be computed once.
//
// It is always fresh: an answer is kept with the tables its statements read and the moment
// its request began (store.Changes), and served again only while none of those tables has
// changed since — through this instance, another one on the same PostgreSQL database, or
// another process on the same SQLite file. A write to one table does not cost the answers
// that never read it: visitors registering for workshops leave the catalogue's answers be.
// When changes cannot be heard (the PostgreSQL notifications' connection is lost), nothing
// is served or kept until they can again.
//
// Requests for an answer that is being computed wait for it rather than compute it again, so
// that a change followed by many requests for one page computes the page once.
//
// Only queries that succeeded without any error are kept, keyed by everything that can make
// two answers differ: the request itself, the reader's language, the caller's API key and
// the answer's media type. An answer served again costs its client what it cost the first
// time, and says so in its extensions.cost and headers, as a computed one does.
type responseCache struct {
	changes  *store.Changes
	maxBytes int
	budgets  *budgets
	costs    costs

	mu       sync.Mutex
	entries  map[string]*list.Element
	lru      list.List // of *cachedResponse, most recently used first
	bytes    int
	inFlight map[string]chan struct{} // closed when the answer is computed
}

type cachedResponse struct {
	key         string
	since       uint64       // when its request began
	read        store.Tables // what it read
	contentType string
	body        []byte // the answer without its extensions.cost, and its last }
	cost        int
	operation   string // its name, for the metrics
}

func newResponseCache(client *ent.Client, maxBytes int, b *budgets, costs costs) *responseCache {
	return &responseCache{maxBytes: maxBytes, entries: map[string]*list.Element{}, budgets: b, costs: costs,
		changes: store.ChangesOf(client), inFlight: map[string]chan struct{}{}}
}

// cacheableKey is where the GraphQL layer tells the cache that the answer may be kept.
type cacheableKey struct{}

// serve answers from the cache, or lets next answer and keeps what may be kept.
func (c *responseCache) serve(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodGet ||
			strings.Contains(r.Header.Get("Cache-Control"), "no-cache") {
			next.ServeHTTP(w, r)
			return
		}
		since, heard := c.changes.Now()
		key, ok := c.key(r)
		if !ok || !heard {
			next.ServeHTTP(w, r)
			return
		}
		cl := clientFrom(r.Context())
		observed := observationFrom(r.Context())
		hit, done, computing := c.lookup(key)
		if computing {
			select {
			case <-done:
			case <-r.Context().Done():
				return
			}
			// It was not kept, or is stale already, when this finds nothing: computed here too.
			hit = c.get(key)
		} else if hit == nil {
			defer c.computed(key, done)
		}
		if hit != nil {
			observed.cached(true, hit.operation)
			c.answer(w, hit, cl)
			return
		}
		observed.cached(false, "")
		var cacheable atomic.Bool
		ctx, reads := store.Recording(context.WithValue(r.Context(), cacheableKey{}, &cacheable))
		rec := &keeper{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(graph.WithVolatility(ctx)))
		cl.mu.Lock()
		m := cl.meter
		cl.mu.Unlock()
		if !cacheable.Load() || rec.status != http.StatusOK || m == nil {
			return
		}
		// The answer ends with the cost of this request, which the next one replaces.
		suffix := append(append(append([]byte{}, costField...), m.costExtension()...), "}}"...)
		if body := rec.body.Bytes(); bytes.HasSuffix(body, suffix) {
			c.put(&cachedResponse{key: key, since: since, read: reads.Tables(), contentType: w.Header().Get("Content-Type"),
				body: body[:len(body)-len(suffix)], cost: m.Requested, operation: observed.name()})
		}
	})
}

// lookup returns the answer kept for key; else the channel closed when it is computed, and
// whether another request is computing it — when none is, the caller is, and must call
// computed. Both are decided at once: a request that finds no answer and no other computing
// it is never one that comes just after the answer was kept.
func (c *responseCache) lookup(key string) (*cachedResponse, chan struct{}, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hit := c.fresh(key); hit != nil {
		return hit, nil, false
	}
	if done, ok := c.inFlight[key]; ok {
		return nil, done, true
	}
	done := make(chan struct{})
	c.inFlight[key] = done
	return nil, done, false
}

// computed lets the requests waiting for the answer of key go on.
func (c *responseCache) computed(key string, done chan struct{}) {
	c.mu.Lock()
	delete(c.inFlight, key)
	c.mu.Unlock()
	close(done)
}

// answer sends a kept answer, charging the client's budget as if it had been computed.
func (c *responseCache) answer(w http.ResponseWriter, hit *cachedResponse, cl *client) {
	m := c.budgets.spend(cl, hit.cost, c.costs.limitOf(cl.role))
	if m.refused {
		maarid.RefusalOf(maarid.RateLimited).Write(w, fmt.Sprintf(
			"the budget of this client is spent: the operation costs %d, %d points are left; try again in %s s",
			hit.cost, m.spent.Remaining, seconds(m.spent.RetryAfter)))
		return
	}
	// The answer goes out in one write, as the computed one does.
	buf := answerBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	buf.Write(hit.body)
	buf.Write(costField)
	buf.Write(m.costExtension())
	buf.WriteString("}}")
	h := w.Header()
	h.Set("Content-Type", hit.contentType)
	h.Set("X-Cache", "hit")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
	answerBuffers.Put(buf)
}

// answerBuffers are where answers from the cache are put together.
var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// costField starts the extensions of an answer whose only extension is its cost, last in it.
var costField = []byte(`,"extensions":{"cost":`)

// key is the request in full: method, query string, host, body, language, credentials, media
// type.
// The body is read here and given back to the next handler.
func (c *responseCache) key(r *http.Request) (string, bool) {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte(0)
	b.WriteString(r.URL.RawQuery)
	b.WriteByte(0)
	b.WriteString(r.Host) // the origin of the answer's URLs, without --public-url
	b.WriteByte(0)
	b.WriteString(string(i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))))
	b.WriteByte(0)
	b.WriteString(auth.FromContext(r.Context()).KeyID)
	b.WriteByte(0)
	b.WriteString(r.Header.Get("Accept"))
	b.WriteByte(0)
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return "", false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		b.Write(body)
	}
	return b.String(), true
}

// get returns the answer kept for key, if none of what it read has changed since.
func (c *responseCache) get(key string) *cachedResponse {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fresh(key)
}

// fresh is get with c.mu held.
func (c *responseCache) fresh(key string) *cachedResponse {
	e, ok := c.entries[key]
	if !ok {
		return nil
	}
	entry := e.Value.(*cachedResponse)
	if c.changes.ChangedSince(entry.since, entry.read) {
		c.remove(e)
		return nil
	}
	c.lru.MoveToFront(e)
	return entry
}

func (c *responseCache) put(entry *cachedResponse) {
	size := len(entry.key) + len(entry.body)
	if size > c.maxBytes/8 {
		return // one answer may not crowd out the others
	}
	if c.changes.ChangedSince(entry.since, entry.read) {
		return // what it read changed while it was computed
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[entry.key]; ok {
		c.remove(e)
	}
	c.entries[entry.key] = c.lru.PushFront(entry)
	c.bytes += size
	for c.bytes > c.maxBytes {
		c.remove(c.lru.Back())
	}
}

func (c *responseCache) remove(e *list.Element) {
	entry := c.lru.Remove(e).(*cachedResponse)
	delete(c.entries, entry.key)
	c.bytes -= len(entry.key) + len(entry.body)
}

// keeper copies the answer as it is written.
type keeper struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (k *keeper) WriteHeader(status int) {
	k.status = status
	k.ResponseWriter.WriteHeader(status)
}

func (k *keeper) Write(b []byte) (int, error) {
	k.body.Write(b)
	return k.ResponseWriter.Write(b)
}

func (k *keeper) Unwrap() http.ResponseWriter { return k.ResponseWriter }

// cacheableQueries is the gqlgen extension that marks an answer as one to keep: a query
// (never a mutation or a subscription) answered without any error, and not depending on the
// clock.
type cacheableQueries struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = cacheableQueries{}

func (cacheableQueries) ExtensionName() string                   { return "CacheableQueries" }
func (cacheableQueries) Validate(graphql.ExecutableSchema) error { return nil }

func (cacheableQueries) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	flag, _ := ctx.Value(cacheableKey{}).(*atomic.Bool)
	if flag != nil && resp != nil && len(resp.Errors) == 0 && !graph.IsVolatile(ctx) &&
		graphql.HasOperationContext(ctx) && graphql.GetOperationContext(ctx).Operation.Operation == ast.Query {
		flag.Store(true)
	}
	return resp
}
