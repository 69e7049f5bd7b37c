package stream

import (
	"bufio"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
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
	// websocketReadBuffer is the size of a connection's read buffer: clients send little,
	// and a larger message is read in pieces.
	websocketReadBuffer = 288
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
	GraphQLTransportWS = "graphql-transport-ws" // github.com/enisdenjo/graphql-ws
	GraphQLWS          = "graphql-ws"           // Apollo's legacy subscriptions-transport-ws
)

// Websocket serves GraphQL over websockets, on both subprotocols, for many idle subscribers:
// while nothing happens a connection holds no goroutine, its socket waiting for the client in
// an epoll instance (wait), and its timers (connection_init, keep-alive) and subscriptions
// none. A subscription is woken by its feed when an event is queued for it (operation.go), and
// the answer to an event is built once for the subscribers that share the operation, viewer
// and language (answers.go).
//
// The connection_init payload may carry an API key as an HTTP request does (authorization:
// Bearer mrd_…); without one the connection keeps the viewer of its upgrade request. Every
// operation runs under its key's standing at that moment, and a connection whose key is
// revoked is closed with 4403 within seconds (auth.Keys.Hold).
type Websocket struct {
	origins      originPolicy
	keys         *auth.Keys
	readLimit    int64
	writeTimeout time.Duration
	initTimeout  time.Duration
	keepAlive    time.Duration
	groups       *answerGroups
	documents    *documents
	// conns are the open connections, told to go away when the server stops.
	conns openConns
	// Bounds of a client: operations at once on a connection, connections from an address,
	// messages a second on a connection (a burst of twice as many).
	maxOps, maxPerAddress int
	messageRate           float64
	// document returns a registered document by its ID, when documents are registered.
	document func(id string) (string, error)
	clients  Clients
}

var _ graphql.Transport = (*Websocket)(nil)

// NewWebsocket returns the websocket transport of c.
func NewWebsocket(c Config) *Websocket {
	return &Websocket{
		origins:       newOriginPolicy(c.AllowedOrigins),
		keys:          c.Keys,
		readLimit:     websocketReadLimit,
		writeTimeout:  websocketWriteTimeout,
		initTimeout:   websocketInitTimeout,
		keepAlive:     websocketKeepAlive,
		groups:        &answerGroups{answers: newAnswers(answersKept, answersFor), unmetered: c.Clients.unmetered},
		documents:     &documents{limit: documentsKept},
		maxOps:        c.MaxOperations,
		maxPerAddress: c.MaxPerAddress,
		messageRate:   c.MessageRate,
		document:      c.Document,
		clients:       c.Clients,
	}
}

// Stop stops every connection, and those that open from now on: the server stops. Their
// clients are told to connect again, to this instance once it is back or to another one, and
// to resume from their last cursor.
func (t *Websocket) Stop() {
	for _, c := range t.conns.stop() {
		c.stop(websocket.CloseGoingAway, goingAway)
	}
}

// openConns is the set of a transport's open connections, and how many each address has.
type openConns struct {
	mu        sync.Mutex
	set       map[*wsConn]struct{}
	byAddress map[string]int
	stopped   bool
}

// add adds c, unless the set was stopped.
func (o *openConns) add(c *wsConn) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopped {
		return false
	}
	if o.set == nil {
		o.set = map[*wsConn]struct{}{}
	}
	o.set[c] = struct{}{}
	return true
}

func (o *openConns) remove(c *wsConn) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, open := o.set[c]; open && c.address != "" {
		if o.byAddress[c.address]--; o.byAddress[c.address] <= 0 {
			delete(o.byAddress, c.address)
		}
	}
	delete(o.set, c)
}

// reserve counts one more connection from address, unless it has max already.
func (o *openConns) reserve(address string, max int) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.byAddress == nil {
		o.byAddress = map[string]int{}
	}
	if o.byAddress[address] >= max {
		return false
	}
	o.byAddress[address]++
	return true
}

// unreserve gives back what reserve counted, for a connection that did not open.
func (o *openConns) unreserve(address string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.byAddress[address]--; o.byAddress[address] <= 0 {
		delete(o.byAddress, address)
	}
}

// stop returns the connections open, and refuses others from now on.
func (o *openConns) stop() []*wsConn {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.stopped = true
	return slices.Collect(maps.Keys(o.set))
}

// Supports reports whether r asks for a websocket.
func (t *Websocket) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") != ""
}

// Do upgrades r to a websocket, served from a goroutine of its own until the client or the
// server closes it. A refused upgrade is answered over HTTP with a GraphQL error.
func (t *Websocket) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	// Connections from one address are counted, but from the networks that spend no budget.
	address := t.clients.address(r.Context())
	if address != "" && !t.conns.reserve(address, t.maxPerAddress) {
		w.Header().Set("Retry-After", "60")
		maarid.RefusalOf(maarid.RateLimited).Write(w,
			fmt.Sprintf("%d websockets are open from this address already, the most one address may open", t.maxPerAddress))
		return
	}
	upgrader := websocket.Upgrader{
		// An idle connection holds no write buffer: it is taken from the pool for a message.
		WriteBufferPool: &writeBuffers,
		// The connection reads through the hijacker's buffered reader, whose emptiness
		// tells when the connection may wait for the client.
		ReadBufferSize:   0,
		HandshakeTimeout: t.writeTimeout,
		Subprotocols:     []string{GraphQLTransportWS, GraphQLWS},
		CheckOrigin:      t.origins.allows,
		Error:            refuseUpgrade,
	}
	h := &hijacker{ResponseWriter: w}
	ws, err := upgrader.Upgrade(h, r, nil)
	if err != nil {
		if address != "" {
			t.conns.unreserve(address)
		}
		slog.DebugContext(r.Context(), "websocket upgrade refused", "error", err)
		return
	}
	ws.SetReadLimit(t.readLimit)
	p := ws.Subprotocol()
	if p == "" {
		p = GraphQLWS // the choice of subscriptions-transport-ws servers for a client that names none
	}
	// The connection outlives the request: the HTTP server lets go of the request's buffers
	// once the handler returns. Its operations end with it (end).
	ctx := t.connectionContext(r.Context())
	c := &wsConn{
		t:       t,
		ws:      ws,
		br:      h.br,
		proto:   protocols[p],
		exec:    exec,
		ctx:     ctx,
		opCtx:   ctx,
		ops:     map[string]*wsOperation{},
		address: address,
		tokens:  2 * t.messageRate,
		refill:  time.Now(),
	}
	c.serve()
}

var writeBuffers sync.Pool

// refuseUpgrade answers an upgrade request that cannot become a websocket, by the status the
// websocket library refused it with.
func refuseUpgrade(w http.ResponseWriter, r *http.Request, status int, reason error) {
	w.Header().Set("Sec-Websocket-Version", "13")
	switch status {
	case http.StatusForbidden:
		maarid.RefusalOf(maarid.Forbidden).Write(w, fmt.Sprintf(
			"websockets from pages on %q are not allowed; the server's --allowed-origins lists the origins that are", r.Header.Get("Origin")))
	case http.StatusInternalServerError:
		maarid.RefusalOf(maarid.Internal).Write(w, "the connection cannot become a websocket; request id "+maarid.RequestID(r.Context()))
	case http.StatusMethodNotAllowed:
		maarid.WrongMethod.Write(w, strings.TrimPrefix(reason.Error(), "websocket: "))
	default:
		maarid.RefusalOf(maarid.BadUserInput).Write(w, strings.TrimPrefix(reason.Error(), "websocket: "))
	}
}

// hijacker lends gorilla the connection under the middleware's response writers, which
// reach it through Unwrap rather than by implementing http.Hijacker themselves. It gives the
// connection a small read buffer of its own (br), which gorilla reads from, instead of the
// HTTP server's; a client that sent data before the upgrade keeps the HTTP server's, which
// gorilla refuses.
type hijacker struct {
	http.ResponseWriter
	br *bufio.Reader
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil || brw.Reader.Buffered() > 0 {
		return conn, brw, err
	}
	h.br = bufio.NewReaderSize(conn, websocketReadBuffer)
	return conn, bufio.NewReadWriter(h.br, brw.Writer), nil
}
