package stream

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"maarid"
	"maarid/auth"
	"maarid/i18n"
)

// The close codes of graphql-transport-ws that say how the protocol was broken; Maarid closes
// graphql-ws connections with them too. A connection refused for a reason that has an
// extensions.code closes with the code's (maarid.RefusalOf): 4400, 4403, 4409, 4429, 4500.
const (
	closeUnauthorized = 4401 // an operation before the connection was acknowledged
	closeInitTimeout  = 4408
)

// refusedWith is a close frame for a refusal with code.
func refusedWith(code, reason string) *closeFrame {
	return &closeFrame{maarid.RefusalOf(code).Close, reason}
}

// serve starts reading the client's messages, and the timers of the connection.
func (c *wsConn) serve() {
	if !c.t.conns.add(c) {
		if c.address != "" {
			c.t.conns.unreserve(c.address)
		}
		c.stop(websocket.CloseGoingAway, goingAway)
	}
	c.hold(auth.FromContext(c.opCtx))
	c.mu.Lock()
	c.timer = time.AfterFunc(c.t.initTimeout, c.initTimedOut)
	c.mu.Unlock()
	c.wait()
}

// finish lets go of all the connection holds, and stops its operations, once its reader
// stopped reading: the reader alone finishes a connection.
func (c *wsConn) finish() {
	c.t.conns.remove(c)
	c.mu.Lock()
	c.closed = true
	c.timer.Stop()
	ops := slices.Collect(maps.Values(c.ops))
	release := c.release
	c.release = nil
	c.mu.Unlock()
	if release != nil {
		release()
	}
	for _, op := range ops {
		op.stop()
	}
	c.ws.Close()
}

// wsConn is one websocket connection and the operations running on it. It holds both sides to
// the subprotocol's rules:
//   - a message that is not JSON, has an unknown type or a malformed payload or ID closes the
//     connection with 4400; an operation before connection_ack with 4401; a second
//     connection_init with 4429; an operation ID already in use with 4409; no
//     connection_init within the init timeout with 4408;
//   - once the client stops an operation, or the server sends its error or complete,
//     nothing more is sent for it, and the client may use its ID again;
//   - a ping is answered at any time, even before connection_init;
//   - a write that fails or times out ends the connection, and with it its operations.
type wsConn struct {
	t     *Websocket
	ws    *websocket.Conn
	br    *bufio.Reader // the buffer ws reads from; nil when unknown
	proto *protocol
	exec  graphql.GraphExecutor
	ctx   context.Context // the upgrade request's values, without its end

	writing sync.Mutex // gorilla allows one writer at a time

	mu           sync.Mutex
	closed       bool // a close frame went out or came in, or the connection broke
	initReceived bool
	acked        bool
	opCtx        context.Context // the operations' context: the viewer of connection_init
	timer        *time.Timer     // connection_init's deadline, then the keep-alive
	lastPong     time.Time
	ops          map[string]*wsOperation // by the client's ID
	release      func()                  // lets go of the connection's API key (hold)

	address string    // counted in the transport's connections by address; empty when not
	tokens  float64   // messages the client may still send at once; touched by the reader
	refill  time.Time // when tokens was last refilled
}

// protocol names the messages of a subprotocol.
type protocol struct {
	// From the client.
	init, subscribe, stop string
	ping, pong            string // graphql-transport-ws only
	terminate             string // graphql-ws only
	// From the server.
	ack, next, error, complete, connectionError, keepAlive string
}

var protocols = map[string]*protocol{
	GraphQLTransportWS: {
		init: "connection_init", subscribe: "subscribe", stop: "complete", ping: "ping", pong: "pong",
		ack: "connection_ack", next: "next", error: "error", complete: "complete",
	},
	GraphQLWS: {
		init: "connection_init", subscribe: "start", stop: "stop", terminate: "connection_terminate",
		ack: "connection_ack", next: "data", error: "error", complete: "complete",
		connectionError: "connection_error", keepAlive: "ka",
	},
}

// envelope is a message of either subprotocol.
type envelope struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// closeFrame is the code and reason a connection is closed with.
type closeFrame struct {
	code   int
	reason string
}

// wait has the client's next message read once it arrives. Each message is read by a
// goroutine of its own, started when there is something to read: an idle connection holds
// no goroutine (whenReadable), and the stack that reading and handling a message grew goes
// with the goroutine. Messages that arrived together are read without waiting.
func (c *wsConn) wait() {
	if c.br != nil && c.br.Buffered() == 0 {
		whenReadable(c.ws.NetConn(), c.read)
		return
	}
	go c.read()
}

// read reads the client's next message and acts on it, then waits for the next one, until
// the connection ends or the client breaks a rule.
func (c *wsConn) read() {
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		// A message over the read limit is closed with 1009 by gorilla itself.
		slog.DebugContext(c.ctx, "websocket", "error", err)
		c.finish()
		return
	}
	if !c.allowMessage() {
		c.stop(maarid.RefusalOf(maarid.RateLimited).Close, "Too many messages")
		c.finish()
		return
	}
	if refusal := c.receive(data); refusal != nil {
		c.stop(refusal.code, refusal.reason)
		c.finish()
		return
	}
	c.wait()
}

// allowMessage spends one of the messages the client may send (a token bucket refilled at
// the transport's message rate); it reports false when none is left. Only the reader calls it.
func (c *wsConn) allowMessage() bool {
	if c.t.messageRate <= 0 {
		return true
	}
	now := time.Now()
	c.tokens = min(2*c.t.messageRate, c.tokens+now.Sub(c.refill).Seconds()*c.t.messageRate)
	c.refill = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

// receive acts on a message from the client; it returns the refusal that closes the
// connection, if any.
func (c *wsConn) receive(data []byte) *closeFrame {
	var m envelope
	if err := json.Unmarshal(data, &m); err != nil || m.Type == "" {
		return refusedWith(maarid.BadUserInput, "Invalid message received")
	}
	p := c.proto
	switch m.Type {
	case p.init:
		if !isObject(m.Payload) && !isNull(m.Payload) {
			return refusedWith(maarid.BadUserInput, "The connection_init payload must be an object")
		}
		c.mu.Lock()
		again := c.initReceived
		c.initReceived = true
		c.timer.Stop()
		c.mu.Unlock()
		if again {
			return refusedWith(maarid.RateLimited, "Too many initialisation requests")
		}
		return c.initialise(m.Payload)
	case p.subscribe:
		if m.ID == "" || !isObject(m.Payload) {
			return refusedWith(maarid.BadUserInput, "An operation needs an id and a payload object")
		}
		c.mu.Lock()
		if !c.acked {
			c.mu.Unlock()
			return &closeFrame{closeUnauthorized, "Unauthorized"}
		}
		if _, ok := c.ops[m.ID]; ok {
			c.mu.Unlock()
			return refusedWith(maarid.Conflict, "Subscriber for "+m.ID+" already exists")
		}
		if len(c.ops) >= c.t.maxOps {
			c.mu.Unlock()
			c.write(envelope{Type: c.proto.error, ID: m.ID, Payload: mustMarshal(gqlerror.List{{
				Message:    fmt.Sprintf("%d operations run on this connection already, the most one may: complete one first", c.t.maxOps),
				Extensions: map[string]any{"code": maarid.RateLimited},
			}})}.encode())
			return nil
		}
		op := newOperation(c, m.ID)
		c.ops[m.ID] = op
		c.mu.Unlock()
		go op.start(m.Payload, time.Now())
		return nil
	case p.stop:
		if m.ID == "" {
			return refusedWith(maarid.BadUserInput, "Stopping an operation needs its id")
		}
		// A message of the operation being written goes out before the stop is done; none
		// after.
		c.writing.Lock()
		c.mu.Lock()
		op := c.ops[m.ID]
		delete(c.ops, m.ID)
		c.mu.Unlock()
		c.writing.Unlock()
		if op != nil {
			op.stop()
		}
		return nil
	case p.ping:
		c.write(envelope{Type: p.pong}.encode())
		return nil
	case p.pong:
		c.mu.Lock()
		c.lastPong = time.Now()
		c.mu.Unlock()
		return nil
	case p.terminate:
		return &closeFrame{websocket.CloseNormalClosure, "terminated"}
	}
	return refusedWith(maarid.BadUserInput, fmt.Sprintf("Invalid message type %q", m.Type))
}

// connectionContext returns the context of a connection upgraded from a request of context
// ctx: the values its operations read (request ID, language, viewer, client), without the
// request's end nor the rest of what the HTTP server and the middleware keep in it, which an
// idle connection would hold.
func (t *Websocket) connectionContext(ctx context.Context) context.Context {
	c := maarid.WithRequestID(context.Background(), maarid.RequestID(ctx))
	c = i18n.Carry(c, ctx)
	c = auth.NewContext(c, auth.FromContext(ctx))
	return t.clients.carry(c, ctx)
}

// initialise authenticates the connection by the API key of its connection_init payload, with
// the same rules as the Authorization header of a request, and acknowledges it.
func (c *wsConn) initialise(payload json.RawMessage) *closeFrame {
	authorization, err := initAuthorization(payload)
	if err != nil {
		return c.refuseInit(maarid.RefusalOf(maarid.BadUserInput), "Bad request", err)
	}
	ctx := c.ctx
	if authorization != "" {
		if c.t.keys == nil {
			return c.refuseInit(maarid.RefusalOf(maarid.Forbidden), "Forbidden", maarid.Errorf(maarid.Forbidden, "this server takes no API keys"))
		}
		v, err := c.t.keys.Authenticate(ctx, authorization)
		if _, ok := maarid.AsError(err); ok {
			return c.refuseInit(maarid.RefusalOf(maarid.Unauthenticated), "Forbidden", err)
		}
		if err != nil {
			slog.ErrorContext(ctx, "authenticating a websocket", "error", err)
			return c.refuseInit(maarid.Unavailable, "Internal server error",
				maarid.Errorf(maarid.Internal, "the API keys cannot be checked now; request id %s", maarid.RequestID(ctx)))
		}
		ctx = c.t.clients.keyed(auth.NewContext(ctx, v), v)
	}
	c.mu.Lock()
	c.opCtx = ctx
	c.acked = true
	c.lastPong = time.Now()
	c.mu.Unlock()
	if authorization != "" {
		c.hold(auth.FromContext(ctx))
	}
	c.write(envelope{Type: c.proto.ack}.encode())
	if c.proto.keepAlive != "" {
		c.write(envelope{Type: c.proto.keepAlive}.encode())
	}
	c.mu.Lock()
	if !c.closed {
		c.timer = time.AfterFunc(c.t.keepAlive, c.keepAlive)
	}
	c.mu.Unlock()
	return nil
}

// hold has the connection end when the key of v is revoked (auth.Keys.Hold), instead of the
// key it held before.
func (c *wsConn) hold(v *auth.Viewer) {
	if c.t.keys == nil {
		return
	}
	release := c.t.keys.Hold(v, c.revoked)
	c.mu.Lock()
	previous := c.release
	c.release = release
	closed := c.closed
	c.mu.Unlock()
	if previous != nil {
		previous()
	}
	if closed {
		release()
	}
}

// revoked stops the connection, whose API key was revoked, and with it its operations.
func (c *wsConn) revoked() {
	c.stop(maarid.RefusalOf(maarid.Unauthenticated).Close, "Forbidden: the API key was revoked")
}

// refuseInit tells a graphql-ws client why its connection_init is refused (graphql-transport-ws
// has the close code only), and returns the refusal.
func (c *wsConn) refuseInit(r maarid.Refusal, reason string, err error) *closeFrame {
	if c.proto.connectionError != "" {
		c.write(envelope{Type: c.proto.connectionError, Payload: mustMarshal(&gqlerror.Error{Message: err.Error()})}.encode())
	}
	return &closeFrame{r.Close, reason}
}

// initTimedOut stops a connection that sent no connection_init in time.
func (c *wsConn) initTimedOut() {
	c.mu.Lock()
	received := c.initReceived
	c.mu.Unlock()
	if !received {
		c.stop(closeInitTimeout, "Connection initialisation timeout")
	}
}

// keepAlive sends "ka" (graphql-ws) or ping (graphql-transport-ws), and closes a
// graphql-transport-ws connection whose client has not answered a ping for two intervals.
func (c *wsConn) keepAlive() {
	interval := c.t.keepAlive
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	silent := time.Since(c.lastPong)
	c.mu.Unlock()
	if c.proto.keepAlive != "" {
		c.write(envelope{Type: c.proto.keepAlive}.encode())
	} else {
		if silent > 2*interval {
			c.stop(websocket.CloseProtocolError, "No pong")
			return
		}
		c.write(envelope{Type: c.proto.ping}.encode())
	}
	c.mu.Lock()
	if !c.closed {
		c.timer.Reset(interval)
	}
	c.mu.Unlock()
}

// write sends a message; a write that fails ends the connection.
func (c *wsConn) write(data []byte) error {
	c.writing.Lock()
	defer c.writing.Unlock()
	return c.writeLocked(data)
}

// writeLocked is write with c.writing held.
func (c *wsConn) writeLocked(data []byte) error {
	c.ws.SetWriteDeadline(time.Now().Add(c.t.writeTimeout))
	err := c.ws.WriteMessage(websocket.TextMessage, data)
	if err != nil {
		// A client that does not read, or a broken connection: no close frame would reach
		// it. Its reader finishes it, and with it every operation.
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
		wakeReader(c.ws.NetConn())
	}
	return err
}

// stop stops the connection: it tells the client why in a close frame with code and reason,
// unless a close frame went or came already or the connection broke, and has its reader
// finish it, wherever the reader waits (wakeReader).
func (c *wsConn) stop(code int, reason string) {
	c.mu.Lock()
	closed := c.closed
	c.closed = true
	c.mu.Unlock()
	if !closed {
		msg := websocket.FormatCloseMessage(code, truncateReason(reason))
		c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.t.writeTimeout))
	}
	wakeReader(c.ws.NetConn())
}

// initAuthorization returns the API key credentials of a connection_init payload, under
// either spelling clients use; a value that is not a string is an error.
func initAuthorization(raw json.RawMessage) (string, error) {
	var payload map[string]any
	if !isNull(raw) {
		if err := json.Unmarshal(raw, &payload); err != nil {
			return "", maarid.Invalid("payload", "the connection_init payload must be an object")
		}
	}
	var authorization string
	for _, name := range []string{"Authorization", "authorization"} {
		v, ok := payload[name]
		if !ok || v == nil {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return "", maarid.Invalid("payload."+name, "send the API key as a string: Bearer <key>")
		}
		if authorization != "" && s != authorization {
			return "", maarid.Invalid("payload."+name, "the payload has two different API keys")
		}
		authorization = s
	}
	return authorization, nil
}

// goingAway is the reason a connection is closed with when the server stops.
const goingAway = "the server is going away; reconnect and resume from your last cursor"

// encode writes m as JSON; its payload is JSON already.
func (m envelope) encode() []byte {
	b := make([]byte, 0, len(m.Payload)+len(m.ID)+48)
	b = append(b, `{"type":`...)
	b = appendJSONString(b, m.Type)
	if m.ID != "" {
		b = append(b, `,"id":`...)
		b = appendJSONString(b, m.ID)
	}
	if len(m.Payload) > 0 {
		b = append(b, `,"payload":`...)
		b = append(b, m.Payload...)
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string. Message types and the IDs clients choose are
// short and plain: they are written as they are, and only others go through the encoder.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s)
			return append(b, quoted...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// truncateReason cuts a close reason to the 123 bytes a close frame has room for, on a
// character boundary.
func truncateReason(reason string) string {
	const room = 123
	if len(reason) <= room {
		return reason
	}
	cut := room
	for cut > 0 && !utf8.RuneStart(reason[cut]) {
		cut--
	}
	return reason[:cut]
}

func isObject(payload json.RawMessage) bool {
	var v map[string]json.RawMessage
	return json.Unmarshal(payload, &v) == nil && v != nil
}

func isNull(payload json.RawMessage) bool {
	return len(payload) == 0 || string(payload) == "null"
}
