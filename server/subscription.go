package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"maarid/auth"
	"maarid/graph"
	"maarid/i18n"
	"maarid/programme"
)

// wsOperation is an operation a client started on a websocket connection. A query or a
// mutation runs in a goroutine of its own until it is answered. A subscription to the
// programme feed has no goroutine while it waits: the feed wakes it when a change is queued
// (programme.Relay), and a goroutine then sends what is queued and ends. Its answers are
// built by the operation its group shares (answerBuilder), so that it keeps no state of
// gqlgen's. A subscription to anything else is read by a goroutine for as long as it lasts.
type wsOperation struct {
	c      *wsConn
	id     string // the client's
	ctx    context.Context
	cancel context.CancelFunc

	// For a subscription to the feed: relay takes its changes from the feed; the others
	// are set before it is first woken.
	relay   *programme.Relay
	group   string                        // the subscribers that get the same answer to a change
	builder atomic.Pointer[answerBuilder] // the group's; nil once the subscription stopped
	feedEnd *graph.FeedEnd                // the error the subscription ends with

	// pending counts the wake-ups not yet seen by the goroutine sending the subscription's
	// changes, and the start of the subscription; a goroutine runs while it is not zero.
	pending atomic.Int32
	// Touched by that goroutine only.
	ended  bool // the feed's end was sent
	failed bool // an answer could not be built: the operation is over, what is queued goes
}

func newOperation(c *wsConn, id string) *wsOperation {
	op := &wsOperation{c: c, id: id}
	op.ctx, op.cancel = context.WithCancel(c.opCtx)
	op.relay = programme.NewRelay(op.wake)
	op.pending.Store(1) // the start
	return op
}

// start runs the operation of a subscribe (or start) message's payload, under the standing
// of the connection's API key at this moment: a key revoked since closes the connection.
func (op *wsOperation) start(payload json.RawMessage, received time.Time) {
	p := op.c.proto
	if keys := op.c.t.keys; keys != nil {
		if err := keys.Check(op.ctx, auth.FromContext(op.ctx)); errors.Is(err, auth.ErrRevoked) {
			op.c.revoked()
			return
		} else if err != nil {
			slog.ErrorContext(op.ctx, "checking the API key of a websocket", "error", err)
			op.send(p.error, mustMarshal(gqlerror.List{graph.PresentError(op.ctx, err)}))
			op.stop()
			return
		}
	}
	ctx := graphql.StartOperationTrace(op.ctx)
	// The upgrade request's headers are not kept: no extension of the API reads them, and an
	// idle subscriber would hold them.
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		op.send(p.error, mustMarshal(gqlerror.List{{Message: "invalid json"}}))
		op.stop()
		return
	}
	if trusted := op.c.t.trusted; trusted != nil && params.Query == "" {
		var named struct {
			DocumentID string `json:"documentId"`
		}
		if json.Unmarshal(payload, &named) == nil && named.DocumentID != "" {
			text, err := trusted.document(named.DocumentID)
			if err != nil {
				op.send(p.error, mustMarshal(gqlerror.List{graph.PresentError(op.ctx, err)}))
				op.stop()
				return
			}
			params.Query = text
		}
	}
	params.Query = op.c.t.documents.intern(params.Query)
	params.ReadTime = graphql.TraceTiming{Start: received, End: graphql.Now()}
	rc, errs := op.c.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := op.c.exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			// A document that does not parse or validate: error ends the operation.
			op.send(p.error, mustMarshal(resp.Errors))
			op.stop()
			return
		}
		op.send(p.next, mustMarshal(&graphql.Response{Errors: errs}))
		op.complete()
		return
	}
	ctx = graphql.WithOperationContext(ctx, rc)
	defer op.recover(ctx, rc.Recover)

	if rc.Operation.Operation != ast.Subscription {
		responses, ctx := op.c.exec.DispatchOperation(ctx, rc)
		op.pump(ctx, responses)
		return
	}
	responses, ctx := op.c.exec.DispatchOperation(programme.WithRelay(ctx, op.relay), rc)
	if !op.relay.Attached() {
		// Not the feed, or it failed to start: its answers come from gqlgen's channel.
		op.pump(ctx, responses)
		return
	}
	// gqlgen's state for the subscription goes with responses: its answers come from its
	// group's builder, and its last message from its end (end).
	op.group = answerGroup(ctx, rc)
	op.feedEnd = graph.FeedEndOf(ctx)
	b := op.c.t.builders.join(op.group, func() *answerBuilder { return op.newBuilder(params) })
	if b == nil {
		// The operation that just started cannot be started again.
		op.send(p.error, mustMarshal(gqlerror.List{{Message: "internal error"}}))
		op.stop()
		return
	}
	op.builder.Store(b)
	if op.ctx.Err() != nil {
		op.leaveBuilder() // stopped meanwhile
	}
	op.drain()
}

// newBuilder dispatches the operation of params once more, for its group to build answers
// with; nil when it cannot.
func (op *wsOperation) newBuilder(params *graphql.RawParams) *answerBuilder {
	c := op.c
	// The values of the connection that starts the group, which all its subscribers share
	// (viewer, language), without its end.
	// Its subscribers paid for the operation when they subscribed.
	ctx, cancel := context.WithCancel(unmetered(context.WithoutCancel(op.ctx)))
	rc, errs := c.exec.CreateOperationContext(graphql.StartOperationTrace(ctx), params)
	if errs != nil {
		cancel()
		return nil
	}
	// A relay stopped before it starts: the feed queues nothing in it, and the builder is
	// handed each change it answers.
	relay := programme.NewRelay(func() {})
	relay.Stop()
	responses, ctx := c.exec.DispatchOperation(programme.WithRelay(graphql.WithOperationContext(ctx, rc), relay), rc)
	if !relay.Attached() {
		cancel()
		return nil
	}
	return &answerBuilder{relay: relay, responses: responses, ctx: ctx, cancel: cancel}
}

// recover turns a panic of the operation into its error, by recoverFunc.
func (op *wsOperation) recover(ctx context.Context, recoverFunc graphql.RecoverFunc) {
	r := recover()
	if r == nil {
		return
	}
	err := graph.PresentError(ctx, recoverFunc(ctx, r))
	op.send(op.c.proto.error, mustMarshal(gqlerror.List{err}))
	op.stop()
}

// pump sends the operation's responses until the last, then complete.
func (op *wsOperation) pump(ctx context.Context, responses graphql.ResponseHandler) {
	for {
		resp := responses(ctx)
		if resp == nil {
			break
		}
		op.send(op.c.proto.next, mustMarshal(resp))
	}
	op.complete()
}

// wake is called by the feed, under its lock, when a change is queued for the subscription
// or its feed ends: it starts the goroutine that sends them, unless one is running.
func (op *wsOperation) wake() {
	if op.pending.Add(1) == 1 {
		go op.drainRecovering()
	}
}

func (op *wsOperation) drainRecovering() {
	defer op.recover(op.ctx, graph.Recover)
	op.drain()
}

// drain sends what the feed queued for the subscription, until the queue is empty and no
// wake-up came in meanwhile.
func (op *wsOperation) drain() {
	for {
		seen := op.pending.Load()
		for op.sendNext() {
		}
		if op.pending.CompareAndSwap(seen, 0) {
			return
		}
	}
}

// sendNext sends the next change queued, or the feed's end; it reports false when nothing is
// queued.
func (op *wsOperation) sendNext() bool {
	if op.ended {
		return false
	}
	change, ok, ended := op.relay.Next()
	switch {
	case ended:
		op.end()
		return false
	case !ok:
		return false
	case op.failed:
		return true
	}
	payload := op.c.t.answers.get(answerKey{op.group, change.Seq}, func() []byte {
		if b := op.builder.Load(); b != nil {
			return b.build(change)
		}
		return nil // stopped
	})
	if payload == nil {
		// The subscription stopped, or its group's builder failed: it is over.
		op.failed = true
		return true
	}
	op.send(op.c.proto.next, payload)
	return true
}

// end sends the last answer of a subscription whose feed ended (the error of a subscriber
// that fell behind), then complete.
func (op *wsOperation) end() {
	op.ended = true
	if err := op.feedEnd.Take(); err != nil && !op.failed {
		op.send(op.c.proto.next, mustMarshal(lastAnswer(op.ctx, err)))
	}
	op.complete()
}

// lastAnswer is the answer that ends a subscription with err, as gqlgen gives it.
func lastAnswer(ctx context.Context, err error) *graphql.Response {
	ctx = graphql.WithResponseContext(ctx, graph.PresentError, graph.Recover)
	graphql.AddError(ctx, err)
	return &graphql.Response{Errors: graphql.GetErrors(ctx)}
}

// send writes a message of the operation, unless it has ended. An error or complete ends it.
func (op *wsOperation) send(typ string, payload []byte) {
	c := op.c
	data := envelope{Type: typ, ID: op.id, Payload: payload}.encode()
	// The check and the write are one step for a client's stop, which waits for the writer:
	// once the stop is read, nothing more goes out for the operation, even if the client
	// starts another with the same ID.
	c.writing.Lock()
	defer c.writing.Unlock()
	c.mu.Lock()
	if c.closed || c.ops[op.id] != op {
		c.mu.Unlock()
		return
	}
	if typ != c.proto.next {
		delete(c.ops, op.id)
	}
	c.mu.Unlock()
	c.writeLocked(data)
}

// stop ends the operation: its context is cancelled and the feed, for a subscription to it,
// queues nothing more for it.
func (op *wsOperation) stop() {
	op.cancel()
	op.relay.Stop()
	op.leaveBuilder()
}

// leaveBuilder lets go of the group's builder, once.
func (op *wsOperation) leaveBuilder() {
	if b := op.builder.Swap(nil); b != nil {
		op.c.t.builders.leave(b)
	}
}

func (op *wsOperation) complete() {
	op.send(op.c.proto.complete, nil)
	op.stop()
}

// answerGroup names the subscribers that receive the same answer to a change: the same
// document, operation and variables, but for the cursor they started from, the same viewer
// and the same language.
func answerGroup(ctx context.Context, rc *graphql.OperationContext) string {
	vars := make(map[string]any, len(rc.Variables))
	for name, v := range rc.Variables {
		if name != cursorVariable {
			vars[name] = v
		}
	}
	v := auth.FromContext(ctx)
	h := sha256.New()
	for _, s := range []string{rc.RawQuery, rc.OperationName, string(mustMarshal(vars)), string(v.Role), v.ExhibitorID, string(i18n.Requested(ctx))} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return string(h.Sum(nil))
}

// cursorVariable is the variable that subscriptions to the feed conventionally name their
// starting cursor: it decides which changes a subscriber receives, not what they look like.
const cursorVariable = "since"

// How many answers to changes are kept, and for how long: subscribers that share an answer
// are woken by the same change together.
const (
	answersKept = 1024
	answersFor  = 10 * time.Second
)

// answers keeps the answer to a change for each group of subscribers, so that gqlgen builds
// it once for all of them.
type answers struct {
	limit int
	ttl   time.Duration

	mu    sync.Mutex
	byKey map[answerKey]*answer
	order []answerKey // oldest first
}

type answerKey struct {
	group string
	seq   int64
}

type answer struct {
	built   chan struct{} // closed once payload is set
	payload []byte        // nil when it could not be built
	at      time.Time
}

func newAnswers(limit int, ttl time.Duration) *answers {
	return &answers{limit: limit, ttl: ttl, byKey: map[answerKey]*answer{}}
}

// get returns the answer of key, built by build unless another subscriber built it or is
// building it. An answer that could not be built is built again by the next one who asks.
func (a *answers) get(key answerKey, build func() []byte) []byte {
	a.mu.Lock()
	if e, ok := a.byKey[key]; ok {
		a.mu.Unlock()
		<-e.built
		if e.payload != nil {
			return e.payload
		}
		return build()
	}
	now := time.Now()
	e := &answer{built: make(chan struct{}), at: now}
	a.byKey[key] = e
	a.order = append(a.order, key)
	for len(a.order) > 0 {
		oldest, ok := a.byKey[a.order[0]]
		if ok && len(a.order) <= a.limit && now.Sub(oldest.at) <= a.ttl {
			break
		}
		delete(a.byKey, a.order[0])
		a.order = a.order[1:]
	}
	a.mu.Unlock()

	defer close(e.built)
	e.payload = build()
	if e.payload == nil {
		a.mu.Lock()
		if a.byKey[key] == e {
			delete(a.byKey, key)
		}
		a.mu.Unlock()
	}
	return e.payload
}

// answerBuilder is the operation that builds the answers of a group of subscribers to the
// feed: the same document, operation and variables but for the cursor, the same viewer and
// language. Its subscribers keep none of gqlgen's state; it lasts while one of them does.
type answerBuilder struct {
	key     string
	members int // under answerBuilders.mu

	mu        sync.Mutex // one answer at a time
	relay     *programme.Relay
	responses graphql.ResponseHandler
	ctx       context.Context
	cancel    context.CancelFunc
	broken    atomic.Bool // an answer failed half-way: the builder answers no more
}

// build returns the answer to c, or nil when there is none.
func (b *answerBuilder) build(c *programme.Change) []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.broken.Load() || b.ctx.Err() != nil {
		return nil
	}
	done := false
	defer func() {
		if !done {
			b.broken.Store(true) // a panic: the change may wait in the resolver's channel
		}
	}()
	b.relay.Pass(c)
	resp := b.responses(b.ctx)
	done = resp != nil
	if resp == nil {
		return nil
	}
	return mustMarshal(resp)
}

// answerBuilders are the builders of the groups that have subscribers.
type answerBuilders struct {
	mu    sync.Mutex
	byKey map[string]*answerBuilder
}

// buildersLive counts the answer builders of every transport, for tests.
var buildersLive atomic.Int64

// join returns the builder of the group key, made by create when the group has none that
// works; nil when create could not make one. Each join is followed by one leave.
func (r *answerBuilders) join(key string, create func() *answerBuilder) *answerBuilder {
	r.mu.Lock()
	defer r.mu.Unlock()
	if b, ok := r.byKey[key]; ok && !b.broken.Load() {
		b.members++
		return b
	}
	b := create()
	if b == nil {
		return nil
	}
	if r.byKey == nil {
		r.byKey = map[string]*answerBuilder{}
	}
	b.key, b.members = key, 1
	r.byKey[key] = b
	buildersLive.Add(1)
	return b
}

// leave ends b once its last subscriber left.
func (r *answerBuilders) leave(b *answerBuilder) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b.members--
	if b.members > 0 {
		return
	}
	if r.byKey[b.key] == b {
		delete(r.byKey, b.key)
	}
	b.cancel()
	buildersLive.Add(-1)
}

// documentsKept is how many distinct documents are shared between operations; frontends send
// a few documents again and again.
const documentsKept = 1000

// documents keeps one copy of each document that operations run, so that the subscribers
// that sent the same document hold one copy of it between them.
type documents struct {
	limit  int
	mu     sync.Mutex
	byText map[string]string
}

func (d *documents) intern(doc string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if shared, ok := d.byText[doc]; ok {
		return shared
	}
	if d.byText == nil || len(d.byText) >= d.limit {
		d.byText = map[string]string{}
	}
	d.byText[doc] = doc
	return doc
}
