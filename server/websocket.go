package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"

	"maarid"
	"maarid/auth"
)

// Limits of a websocket connection to /graphql.
const (
	// websocketReadLimit bounds a message from a client: a subscribe message is a document
	// and its variables, and no operation of the API needs more.
	websocketReadLimit = 64 << 10
	// websocketWriteTimeout is how long a message may take to leave. A client that stops
	// reading is disconnected after it, instead of holding its operations (and the writer)
	// forever.
	websocketWriteTimeout = 10 * time.Second
	// websocketInitTimeout is how long a new connection may take to send connection_init.
	websocketInitTimeout = 10 * time.Second
	// websocketKeepAlive is how often an idle connection carries a message: "ka" on
	// graphql-ws, ping on graphql-transport-ws, whose client must answer with pong within
	// two intervals. It stays below the idle timeout of common proxies and load balancers
	// (60 s), and a graphql-transport-ws client that went away is noticed within a minute.
	websocketKeepAlive = 25 * time.Second
)

// The subprotocols the websocket transport speaks, the newer one preferred.
const (
	graphqlTransportWS = "graphql-transport-ws" // github.com/enisdenjo/graphql-ws
	graphqlWS          = "graphql-ws"           // Apollo's legacy subscriptions-transport-ws
)

// Close codes of graphql-transport-ws; Maarid closes graphql-ws connections with them too.
const (
	closeBadRequest       = 4400
	closeUnauthorized     = 4401 // an operation before the connection was acknowledged
	closeForbidden        = 4403 // connection_init with an API key that is not valid
	closeInitTimeout      = 4408
	closeSubscriberExists = 4409
	closeTooManyInits     = 4429
	closeInternalError    = 4500
)

// websocketTransport returns the transport of subscriptions over websockets, on both
// subprotocols. The connection_init payload may carry an API key as an HTTP request does
// (authorization: Bearer mrd_…); without one the connection keeps the viewer of its upgrade
// request.
func websocketTransport(c config, keys *auth.Keys) transport.Websocket {
	readLimit := int64(websocketReadLimit)
	return transport.Websocket{
		Implementation: &gorillaWebsocket{
			origins:      newOriginPolicy(c.allowedOrigins),
			writeTimeout: websocketWriteTimeout,
			readLimit:    readLimit,
		},
		InitFunc:              initWithKey(keys),
		InitTimeout:           websocketInitTimeout,
		KeepAlivePingInterval: websocketKeepAlive,
		PingPongInterval:      websocketKeepAlive,
		PayloadReadLimit:      &readLimit,
		// Read and write errors are clients going away or not keeping up: routine.
		ErrorFunc: func(ctx context.Context, err error) {
			slog.DebugContext(ctx, "websocket", "error", err)
		},
	}
}

// initWithKey returns the connection_init handler that authenticates a connection by the API
// key in its payload, with the same rules as the Authorization header of a request.
func initWithKey(keys *auth.Keys) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		authorization, err := initAuthorization(payload)
		if err != nil {
			return closeContext(ctx, closeBadRequest, "Bad request"), nil, err
		}
		if authorization == "" {
			// The viewer of the upgrade request stays: anonymous, or the key of its
			// Authorization header.
			return ctx, nil, nil
		}
		v, err := keys.Authenticate(ctx, authorization)
		if _, ok := maarid.AsError(err); ok {
			return closeContext(ctx, closeForbidden, "Forbidden"), nil, err
		}
		if err != nil {
			slog.ErrorContext(ctx, "authenticating a websocket", "error", err)
			return closeContext(ctx, closeInternalError, "Internal server error"), nil,
				maarid.Errorf(maarid.Internal, "the API keys cannot be checked now; request id %s", maarid.RequestID(ctx))
		}
		return auth.NewContext(ctx, v), nil, nil
	}
}

// initAuthorization returns the API key credentials of a connection_init payload, under
// either spelling clients use; a value that is not a string is an error.
func initAuthorization(payload transport.InitPayload) (string, error) {
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

// closeContext returns ctx with the close code and reason that gqlgen ends a connection with
// when its connection_init is refused.
func closeContext(ctx context.Context, code int, reason string) context.Context {
	return transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, code), reason)
}

// originPolicy says which web pages may open a websocket: those of the API's own origin,
// clients that are not browsers (they send no Origin), and the origins configured.
type originPolicy struct {
	any     bool
	allowed []string // scheme://host[:port], lower case
}

func newOriginPolicy(origins []string) originPolicy {
	return originPolicy{any: slices.Contains(origins, "*"), allowed: origins}
}

// allows reports whether the upgrade request r comes from an allowed origin. Browsers let
// any page open a websocket to any host; the Origin header is what tells them apart.
func (p originPolicy) allows(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || p.any {
		return true
	}
	if u, err := url.Parse(origin); err == nil && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return slices.Contains(p.allowed, strings.ToLower(origin))
}

// parseOrigins reads the value of --allowed-origins: a comma-separated list of origins, or *.
func parseOrigins(list string) ([]string, error) {
	var origins []string
	for o := range strings.SplitSeq(list, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o == "*" {
			origins = append(origins, o)
			continue
		}
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("allowed origin %q: write an origin as scheme://host[:port], such as https://fair.example.org, or * for any", o)
		}
		origins = append(origins, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return origins, nil
}

// gorillaWebsocket accepts the websocket connections of gqlgen's transport with
// gorilla/websocket.
type gorillaWebsocket struct {
	origins      originPolicy
	writeTimeout time.Duration
	readLimit    int64
}

var _ transport.WebsocketImplementation = (*gorillaWebsocket)(nil)

// Accept upgrades r to a websocket on one of the subprotocols the client offers. A refused
// upgrade is answered over HTTP here, and the connection returned ends gqlgen's handling of
// the request without an answer of its own on top.
func (g *gorillaWebsocket) Accept(w http.ResponseWriter, r *http.Request, options transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	subprotocols := []string{graphqlTransportWS, graphqlWS}
	for _, p := range options.Subprotocols {
		if !slices.Contains(subprotocols, p) {
			subprotocols = append(subprotocols, p)
		}
	}
	upgrader := websocket.Upgrader{
		// An idle subscriber holds no write buffer: it is taken from the pool for a message.
		WriteBufferPool:  &writeBuffers,
		ReadBufferSize:   512, // subscribers send little; a message larger is read in pieces
		HandshakeTimeout: g.writeTimeout,
		Subprotocols:     subprotocols,
		CheckOrigin:      g.origins.allows,
		Error:            refuseUpgrade,
	}
	ws, err := upgrader.Upgrade(hijacker{w}, r, options.ResponseHeader)
	if err != nil {
		slog.DebugContext(r.Context(), "websocket upgrade refused", "error", err)
		return refusedConn{}, nil
	}
	ws.SetReadLimit(g.readLimit)
	conn := newGuardedConn(ws, g.writeTimeout)
	// The request's context ends when the server stops serving subscriptions: the client is
	// told to connect again, to this instance once it is back or to another one.
	conn.stopping = r.Context()
	context.AfterFunc(r.Context(), func() {
		conn.closeWith(websocket.CloseGoingAway, goingAway)
		conn.Close()
	})
	return conn, nil
}

var writeBuffers sync.Pool

// goingAway is the reason a connection is closed with when the server stops.
const goingAway = "the server is going away; reconnect and resume from your last cursor"

// refuseUpgrade answers an upgrade request that cannot become a websocket.
func refuseUpgrade(w http.ResponseWriter, r *http.Request, status int, reason error) {
	w.Header().Set("Sec-Websocket-Version", "13")
	switch status {
	case http.StatusForbidden:
		refuse(w, status, maarid.Forbidden, fmt.Sprintf(
			"websockets from pages on %q are not allowed; the server's --allowed-origins lists the origins that are", r.Header.Get("Origin")))
	case http.StatusInternalServerError:
		refuse(w, status, maarid.Internal, "the connection cannot become a websocket; request id "+maarid.RequestID(r.Context()))
	default:
		refuse(w, status, maarid.BadUserInput, strings.TrimPrefix(reason.Error(), "websocket: "))
	}
}

// hijacker lends gorilla the connection under the middleware's response writers, which
// reach it through Unwrap rather than by implementing http.Hijacker themselves.
type hijacker struct{ http.ResponseWriter }

func (h hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(h.ResponseWriter).Hijack()
}

// refusedConn stands for an upgrade already refused over HTTP. gqlgen closes a connection on
// a subprotocol it does not speak without writing anything.
type refusedConn struct{}

func (refusedConn) NextReader() (int, io.Reader, error) { return 0, nil, transport.ErrWebsocketClosed }
func (refusedConn) WriteJSON(any) error                 { return transport.ErrWebsocketClosed }
func (refusedConn) WriteClose(int, string) error        { return nil }
func (refusedConn) Close() error                        { return nil }
func (refusedConn) Subprotocol() string                 { return "refused" }

// protocol names the messages of a subprotocol that guardedConn watches.
type protocol struct {
	// From the client.
	init, subscribe, stop string
	ping, pong            string   // graphql-transport-ws only
	passed                []string // other messages, handed to gqlgen as they are
	// From the server.
	ack, next, error, complete string
}

var protocols = map[string]*protocol{
	graphqlTransportWS: {
		init: "connection_init", subscribe: "subscribe", stop: "complete", ping: "ping", pong: "pong",
		ack: "connection_ack", next: "next", error: "error", complete: "complete",
	},
	graphqlWS: {
		init: "connection_init", subscribe: "start", stop: "stop", passed: []string{"connection_terminate"},
		ack: "connection_ack", next: "data", error: "error", complete: "complete",
	},
}

// guardedConn is a websocket connection that holds both sides to the subprotocol's rules
// where gqlgen does not:
//   - a message that is not JSON, has an unknown type or a malformed payload or ID closes the
//     connection with 4400; an operation before connection_ack with 4401; a second
//     connection_init with 4429; an operation ID already in use with 4409; no
//     connection_init within the init timeout with 4408;
//   - once the client stops an operation, or the server sends its error or complete,
//     nothing more is sent for it. gqlgen knows each operation by an ID of the connection's
//     own, so that a client may reuse an ID as soon as its operation ended;
//   - a ping before connection_init is answered;
//   - a write that fails or times out ends the connection, so that its operations stop.
type guardedConn struct {
	ws           *websocket.Conn
	stopping     context.Context // done when the server stops serving the connection
	writeTimeout time.Duration
	proto        *protocol // nil: a subprotocol without rules here, messages pass as they are

	writing sync.Mutex // gorilla allows one writer at a time

	mu           sync.Mutex
	closed       bool // a close frame went out or came in, or the connection broke
	initReceived bool
	acked        bool
	lastID       uint64
	byClient     map[string]string // the client's ID of a running operation → gqlgen's
	byServer     map[string]string // gqlgen's ID of a running operation → the client's
}

var (
	_ transport.WebsocketConn          = (*guardedConn)(nil)
	_ transport.WebsocketReadLimiter   = (*guardedConn)(nil)
	_ transport.WebsocketReadDeadliner = (*guardedConn)(nil)
)

func newGuardedConn(ws *websocket.Conn, writeTimeout time.Duration) *guardedConn {
	p := ws.Subprotocol()
	if p == "" {
		p = graphqlWS // gqlgen's choice for a client that names none
	}
	return &guardedConn{
		ws:           ws,
		writeTimeout: writeTimeout,
		proto:        protocols[p],
		byClient:     map[string]string{},
		byServer:     map[string]string{},
	}
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

func (c *guardedConn) Subprotocol() string { return c.ws.Subprotocol() }

func (c *guardedConn) SetReadLimit(limit int64) { c.ws.SetReadLimit(limit) }

func (c *guardedConn) SetReadDeadline(t time.Time) error { return c.ws.SetReadDeadline(t) }

// NextReader returns the next message for gqlgen, once it has been checked against the
// subprotocol. The client closing the connection normally is transport.ErrWebsocketClosed.
func (c *guardedConn) NextReader() (int, io.Reader, error) {
	for {
		kind, r, err := c.ws.NextReader()
		if err != nil {
			return kind, nil, c.readFailed(err)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return kind, nil, c.readFailed(err)
		}
		if c.proto == nil {
			return kind, bytes.NewReader(data), nil
		}
		forward, reply, refusal := c.admit(data)
		switch {
		case refusal != nil:
			c.closeWith(refusal.code, refusal.reason)
			return kind, nil, fmt.Errorf("%w: %d %s", transport.ErrWebsocketClosed, refusal.code, refusal.reason)
		case forward != nil:
			return kind, bytes.NewReader(forward), nil
		case reply != nil:
			if err := c.write(reply); err != nil {
				return kind, nil, err
			}
		}
	}
}

func (c *guardedConn) readFailed(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		// A read deadline passed (a pong that did not come); the connection can still take
		// gqlgen's close frame.
		return err
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway,
		websocket.CloseNoStatusReceived, websocket.CloseAbnormalClosure) {
		return transport.ErrWebsocketClosed
	}
	return err
}

// admit checks a message from the client. It returns what gqlgen is to read (the message, or
// the message with the operation ID rewritten), or else the answer to send from here, or the
// refusal that closes the connection; all nil for a message with nothing to do.
func (c *guardedConn) admit(data []byte) (forward, reply []byte, refusal *closeFrame) {
	var m envelope
	if err := json.Unmarshal(data, &m); err != nil || m.Type == "" {
		return nil, nil, &closeFrame{closeBadRequest, "Invalid message received"}
	}
	p := c.proto
	c.mu.Lock()
	defer c.mu.Unlock()
	switch m.Type {
	case p.init:
		if !isObject(m.Payload) && !isNull(m.Payload) {
			return nil, nil, &closeFrame{closeBadRequest, "The connection_init payload must be an object"}
		}
		if c.initReceived {
			return nil, nil, &closeFrame{closeTooManyInits, "Too many initialisation requests"}
		}
		c.initReceived = true
		return data, nil, nil
	case p.subscribe:
		if m.ID == "" || !isObject(m.Payload) {
			return nil, nil, &closeFrame{closeBadRequest, "An operation needs an id and a payload object"}
		}
		if !c.acked {
			return nil, nil, &closeFrame{closeUnauthorized, "Unauthorized"}
		}
		if _, ok := c.byClient[m.ID]; ok {
			return nil, nil, &closeFrame{closeSubscriberExists, "Subscriber for " + m.ID + " already exists"}
		}
		c.lastID++
		own := strconv.FormatUint(c.lastID, 10)
		c.byClient[m.ID], c.byServer[own] = own, m.ID
		m.ID = own
		return mustMarshal(m), nil, nil
	case p.stop:
		if m.ID == "" {
			return nil, nil, &closeFrame{closeBadRequest, "Stopping an operation needs its id"}
		}
		own, ok := c.byClient[m.ID]
		if !ok {
			return nil, nil, nil // it has ended already
		}
		delete(c.byClient, m.ID)
		delete(c.byServer, own)
		m.ID = own
		return mustMarshal(m), nil, nil
	case p.ping, p.pong:
		if c.initReceived {
			return data, nil, nil
		}
		// gqlgen reads connection_init before anything else; the protocol allows a ping at
		// any time.
		if m.Type == p.ping {
			return nil, mustMarshal(envelope{Type: p.pong}), nil
		}
		return nil, nil, nil
	}
	if slices.Contains(p.passed, m.Type) {
		return data, nil, nil
	}
	return nil, nil, &closeFrame{closeBadRequest, fmt.Sprintf("Invalid message type %q", m.Type)}
}

// WriteJSON sends v, a message from gqlgen, unless its operation has ended.
func (c *guardedConn) WriteJSON(v any) error {
	m, ok := envelopeOf(v)
	if !ok {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if c.proto != nil {
			if err := json.Unmarshal(data, &m); err != nil {
				return err
			}
		} else {
			return c.write(data)
		}
	}
	if c.proto != nil {
		release, err := c.release(&m)
		if !release || err != nil {
			return err
		}
	}
	return c.write(m.encode())
}

// envelopeOf reads a message of gqlgen's transport without encoding it: the payload, already
// JSON, is written as it is, once per subscriber.
func envelopeOf(v any) (envelope, bool) {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() != reflect.Struct {
		return envelope{}, false
	}
	typ, id, payload := rv.FieldByName("Type"), rv.FieldByName("ID"), rv.FieldByName("Payload")
	if typ.Kind() != reflect.String || id.Kind() != reflect.String || !payload.IsValid() || !payload.CanInterface() {
		return envelope{}, false
	}
	raw, ok := payload.Interface().(json.RawMessage)
	if !ok {
		return envelope{}, false
	}
	return envelope{Type: typ.String(), ID: id.String(), Payload: raw}, true
}

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

func appendJSONString(b []byte, s string) []byte {
	quoted, _ := json.Marshal(s)
	return append(b, quoted...)
}

// release readies m from gqlgen for the client, with the client's operation ID; it reports
// false when m belongs to an operation that has ended.
func (c *guardedConn) release(m *envelope) (bool, error) {
	p := c.proto
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false, transport.ErrWebsocketClosed
	}
	switch m.Type {
	case p.ack:
		c.acked = true
	case p.next, p.error, p.complete:
		id, ok := c.byServer[m.ID]
		if !ok {
			return false, nil
		}
		if m.Type != p.next {
			// An error ends an operation as complete does, and no complete follows it.
			delete(c.byServer, m.ID)
			delete(c.byClient, id)
		}
		m.ID = id
	}
	return true, nil
}

func (c *guardedConn) write(data []byte) error {
	c.writing.Lock()
	defer c.writing.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(c.writeTimeout))
	err := c.ws.WriteMessage(websocket.TextMessage, data)
	if err != nil {
		// A client that does not read, or a broken connection: gqlgen would go on answering
		// into it. Closing it ends the read loop, and with it every operation.
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
		c.ws.Close()
	}
	return err
}

// WriteClose sends the close frame gqlgen ends the connection with, unless one went out.
func (c *guardedConn) WriteClose(code int, reason string) error {
	c.mu.Lock()
	if c.proto != nil && !c.initReceived && code == transport.WebsocketCloseProtocolError {
		// Every other protocol error before connection_init has been answered by admit; what
		// is left is gqlgen's init timeout, which has a code of its own.
		code, reason = closeInitTimeout, "Connection initialisation timeout"
	}
	c.mu.Unlock()
	if code == websocket.CloseNormalClosure && c.stopping != nil && c.stopping.Err() != nil {
		code, reason = websocket.CloseGoingAway, goingAway
	}
	return c.closeWith(code, reason)
}

// closeWith sends a close frame with code and reason, once.
func (c *guardedConn) closeWith(code int, reason string) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	msg := websocket.FormatCloseMessage(code, truncateReason(reason))
	return c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.writeTimeout))
}

func (c *guardedConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	err := c.ws.Close()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
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

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
