package stream

import (
	"bytes"
	"context"
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
	"maarid/live"
)

// wsOperation is an operation a client started on a websocket connection. A query or a
// mutation runs in a goroutine of its own until it is answered. A subscription is served from
// the stream its resolver started (live.Stream): it has no goroutine while nothing is queued;
// the feed wakes it when an event is, and a goroutine then sends what is queued and ends. The
// answers to its events are built once for its group (answerGroup), so that it keeps none of
// gqlgen's state. A subscription whose answers cannot be shared answers its events itself, in
// a goroutine that waits for them.
type wsOperation struct {
	c      *wsConn
	id     string // the client's
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	stream  live.Stream  // for a subscription, once it started
	group   *answerGroup // for a subscription answered by its group; set before it is woken
	stopped bool
	left    atomic.Bool // the operation left its group

	// pending counts the wake-ups not yet seen by the goroutine sending the subscription's
	// events, and the start of the subscription; a goroutine runs while it is not zero.
	pending atomic.Int32
	// Touched by that goroutine only.
	last  string // the cursor of the last event answered, or the one the subscription started from
	ended bool   // the stream's end was sent
}

func newOperation(c *wsConn, id string) *wsOperation {
	op := &wsOperation{c: c, id: id}
	op.ctx, op.cancel = context.WithCancel(c.opCtx)
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
			op.fail(gqlerror.List{graph.PresentError(op.ctx, err)})
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
		op.fail(gqlerror.List{{Message: "invalid json"}})
		return
	}
	if document := op.c.t.document; document != nil && params.Query == "" {
		var named struct {
			DocumentID string `json:"documentId"`
		}
		if json.Unmarshal(payload, &named) == nil && named.DocumentID != "" {
			text, err := document(named.DocumentID)
			if err != nil {
				op.fail(gqlerror.List{graph.PresentError(op.ctx, err)})
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
			op.fail(resp.Errors)
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
		op.complete()
		return
	}
	ctx, taken := live.Receiving(ctx)
	responses, ctx := op.c.exec.DispatchOperation(ctx, rc)
	stream := taken.Stream()
	if stream == nil {
		// It failed to start: gqlgen answers why.
		op.pump(ctx, responses)
		op.complete()
		return
	}
	op.mu.Lock()
	op.stream = stream
	stopped := op.stopped
	op.mu.Unlock()
	if stopped {
		stream.Close()
		return
	}
	group, since, ok := op.c.t.groups.join(ctx, op.c.exec, rc, params)
	if !ok {
		// Its answers are its own: gqlgen answers each event as it comes.
		op.pump(ctx, responses)
		op.sendEnd()
		return
	}
	// gqlgen's state for the subscription goes with responses: its answers come from its
	// group, and its last message from its stream's end.
	op.mu.Lock()
	op.group, op.last = group, since
	stopped = op.stopped
	op.mu.Unlock()
	if stopped {
		op.leave()
	}
	stream.Notify(op.wake)
	op.drain()
}

// recover turns a panic of the operation into its error, by recoverFunc.
func (op *wsOperation) recover(ctx context.Context, recoverFunc graphql.RecoverFunc) {
	r := recover()
	if r == nil {
		return
	}
	op.fail(gqlerror.List{graph.PresentError(ctx, recoverFunc(ctx, r))})
}

// pump sends the operation's responses until the last.
func (op *wsOperation) pump(ctx context.Context, responses graphql.ResponseHandler) {
	for {
		resp := responses(ctx)
		if resp == nil {
			return
		}
		op.send(op.c.proto.next, mustMarshal(resp))
	}
}

// wake is called by the feed, perhaps under its lock, when an event is queued for the
// subscription or its stream ends: it starts the goroutine that sends them, unless one runs.
func (op *wsOperation) wake() {
	if op.pending.Add(1) == 1 {
		go op.drainRecovering()
	}
}

func (op *wsOperation) drainRecovering() {
	defer op.recover(op.ctx, graph.Recover)
	op.drain()
}

// drain sends what is queued for the subscription, until the queue is empty and no wake-up
// came in meanwhile.
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

// sendNext sends the answer to the next event queued, or the stream's end; it reports false
// when nothing is queued.
func (op *wsOperation) sendNext() bool {
	if op.ended {
		return false
	}
	cursor, ok, ended := op.stream.Take()
	switch {
	case ended:
		op.sendEnd()
		return false
	case !ok:
		return false
	case op.left.Load():
		return true // stopped: what is queued goes
	}
	payload := op.group.answer(op.last, cursor)
	if payload == nil {
		op.fail(gqlerror.List{graph.PresentError(op.ctx, errNoAnswer)})
		op.ended = true
		return false
	}
	op.last = cursor
	op.send(op.c.proto.next, payload)
	return true
}

// errNoAnswer is the end of a subscription whose answer to an event could not be built.
var errNoAnswer = errors.New("the answer to a change could not be built")

// sendEnd sends the last message of a subscription whose stream ended (the error of a
// subscriber that fell behind, when it did), then complete.
func (op *wsOperation) sendEnd() {
	op.ended = true
	if err := op.stream.Err(); err != nil {
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

// fail ends the operation with errs, in an error message.
func (op *wsOperation) fail(errs gqlerror.List) {
	op.send(op.c.proto.error, mustMarshal(errs))
	op.stop()
}

// complete ends the operation with a complete message.
func (op *wsOperation) complete() {
	op.send(op.c.proto.complete, nil)
	op.stop()
}

// stop ends the operation: its context is cancelled, its stream closed (the feed queues
// nothing more for it), and it leaves its group.
func (op *wsOperation) stop() {
	op.cancel()
	op.mu.Lock()
	op.stopped = true
	stream := op.stream
	op.mu.Unlock()
	if stream != nil {
		stream.Close()
	}
	op.leave()
}

// leave takes the operation out of its group, once.
func (op *wsOperation) leave() {
	op.mu.Lock()
	group := op.group
	op.mu.Unlock()
	if group != nil && op.left.CompareAndSwap(false, true) {
		op.c.t.groups.leave(group)
	}
}
