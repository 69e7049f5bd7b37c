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

// responseCache keeps the answers to queries and serves them again until the data changes.
// Visitors ask for the same directory and catalogue pages over and over while the data
// changes a few times an hour, so most answers can be computed once.
//
// It is always fresh: every write committed through ent moves the data version on, and an
// answer is kept with the version read when its request began, so an answer computed while
// a write was committing is never served after it. The writes that other processes announce
// — `maarid import` — move it on too (store.OtherWrites): on SQLite at the next request a
// millisecond after their commit, on PostgreSQL as soon as their notification arrives. Other
// servers do not announce their writes: several instances sharing a database must not use it.
//
// Only queries that succeeded without any error are kept, keyed by everything that can make
// two answers differ: the request itself, the reader's language, the caller's API key and
// the answer's media type. An answer served again costs its client what it cost the first
// time, and says so in its extensions.cost and headers, as a computed one does.
type responseCache struct {
	version  atomic.Uint64 // moved on by this process's writes
	others   *store.Writes // and by those of other processes
	maxBytes int
	budgets  *budgets
	costs    costs

	mu      sync.Mutex
	entries map[string]*list.Element
	lru     list.List // of *cachedResponse, most recently used first
	bytes   int
}

type cachedResponse struct {
	key         string
	version     uint64
	contentType string
	body        []byte // the answer without its extensions.cost, and its last }
	cost        int
}

func newResponseCache(client *ent.Client, maxBytes int, b *budgets, costs costs) *responseCache {
	c := &responseCache{maxBytes: maxBytes, entries: map[string]*list.Element{}, budgets: b, costs: costs,
		others: store.OtherWrites(client)}
	client.Use(c.watchWrites)
	return c
}

// dataVersion is the version of the data now: it moves on with every write this process
// commits, and every write another process announces. Both counts only grow, so their sum
// moves when either does.
func (c *responseCache) dataVersion() uint64 {
	return c.version.Load() + c.others.Version()
}

// watchWrites is the ent hook that moves the data version on after every write: when it
// commits, for a write in a transaction. API keys are no part of any answer (the caller is
// authenticated before the cache is asked), and their last-used time changes all day.
func (c *responseCache) watchWrites(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		v, err := next.Mutate(ctx, m)
		if err != nil || m.Type() == ent.TypeAPIKey {
			return v, err
		}
		if txm, ok := m.(interface{ Tx() (*ent.Tx, error) }); ok {
			if tx, err := txm.Tx(); err == nil {
				tx.OnCommit(func(next ent.Committer) ent.Committer {
					return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
						err := next.Commit(ctx, tx)
						if err == nil {
							c.version.Add(1)
						}
						return err
					})
				})
				return v, nil
			}
		}
		c.version.Add(1)
		return v, nil
	})
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
		version := c.dataVersion()
		key, ok := c.key(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		cl := clientFrom(r.Context())
		if hit := c.get(key, version); hit != nil {
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
			return
		}
		var cacheable atomic.Bool
		rec := &keeper{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(graph.WithVolatility(context.WithValue(r.Context(), cacheableKey{}, &cacheable))))
		cl.mu.Lock()
		m := cl.meter
		cl.mu.Unlock()
		if !cacheable.Load() || rec.status != http.StatusOK || m == nil {
			return
		}
		// The answer ends with the cost of this request, which the next one replaces.
		suffix := append(append(append([]byte{}, costField...), m.costExtension()...), "}}"...)
		if body := rec.body.Bytes(); bytes.HasSuffix(body, suffix) {
			c.put(&cachedResponse{key: key, version: version, contentType: w.Header().Get("Content-Type"),
				body: body[:len(body)-len(suffix)], cost: m.Requested})
		}
	})
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

func (c *responseCache) get(key string, version uint64) *cachedResponse {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil
	}
	entry := e.Value.(*cachedResponse)
	if entry.version != version {
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
	if entry.version != c.dataVersion() {
		return // the data changed while it was computed
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
