package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"maarid/auth"
	"maarid/i18n"
	"maarid/programme"
)

// wsOperation is an operation a client started on a websocket connection. A query or a
// mutation runs in a goroutine of its own until it is answered. A subscription to the
// programme feed has no goroutine while it waits: the feed wakes it when a change is queued
// (programme.Relay), and a goroutine then sends what is queued and ends. A subscription to
// anything else is read by a goroutine for as long as it lasts.
type wsOperation struct {
	c      *wsConn
	id     string // the client's
	ctx    context.Context
	cancel context.CancelFunc

	// For a subscription to the feed: relay takes its changes from the feed; the others
	// are set before it is first woken.
	relay     *programme.Relay
	responses graphql.ResponseHandler
	rctx      context.Context // the context the responses are read with
	group     string          // the subscribers that get the same answer to a change

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

// start runs the operation of a subscribe (or start) message's payload.
func (op *wsOperation) start(payload json.RawMessage, received time.Time) {
	p := op.c.proto
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
	defer op.recover(ctx, rc)

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
	op.responses, op.rctx = responses, ctx
	op.group = answerGroup(ctx, rc)
	op.drain()
}

// recover turns a panic of the operation into its error.
func (op *wsOperation) recover(ctx context.Context, rc *graphql.OperationContext) {
	r := recover()
	if r == nil {
		return
	}
	err := rc.Recover(ctx, r)
	var gqlErr *gqlerror.Error
	if !errors.As(err, &gqlErr) {
		gqlErr = &gqlerror.Error{Message: "internal error"}
	}
	op.send(op.c.proto.error, mustMarshal(gqlerror.List{gqlErr}))
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
	defer op.recover(op.rctx, graphql.GetOperationContext(op.rctx))
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
		if op.rctx.Err() != nil {
			return nil
		}
		op.relay.Pass(change)
		resp := op.responses(op.rctx)
		if resp == nil {
			return nil
		}
		return mustMarshal(resp)
	})
	if payload == nil {
		// The operation was stopped while the answer was built: the change may still wait
		// in the resolver's channel, which can take no other.
		op.failed = true
		return true
	}
	op.send(op.c.proto.next, payload)
	return true
}

// end sends the last answers of a subscription whose feed ended (the error of a subscriber
// that fell behind), then complete.
func (op *wsOperation) end() {
	op.ended = true
	op.relay.End()
	if op.failed {
		op.complete()
		return
	}
	op.pump(op.rctx, op.responses)
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
