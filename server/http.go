package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/exports"
	"maarid/graph"
	"maarid/i18n"
	"maarid/limits"
	"maarid/pictures"
	"maarid/stream"
)

// routes returns the server's HTTP handler: GraphiQL at /, the API at /graphql with its
// subscriptions over websocket and server-sent events, the programme screen at /screen,
// the exports under /exports/, /healthz, /readyz and /metrics; and what the server stops when
// it shuts down.
func routes(client *ent.Client, keys *auth.Keys, services graph.Services, c config, log *slog.Logger, fallback i18n.Lang) (http.Handler, *lifecycle) {
	mux := http.NewServeMux()
	b := newBudgets(c)
	documents := graph.NewQueryCache(1000)
	trusted, err := newTrustedDocuments(graph.NewExecutableSchema(graph.Config{}).Schema(), documents, c.trustedOnly)
	if err != nil {
		panic(err) // the documents are embedded: the contract's test says which
	}
	streams := newStreamTransports(c, keys, b, trusted)
	life := &lifecycle{streams: streams}
	services.Webhooks = c.webhooks
	gql := newGraphQL(client, services, c, b, trusted, documents, streams)
	// A request spends most of its time on the CPU: more at once than the cores can run only
	// makes each wait longer. One client holds half the slots at most.
	slots := runtime.GOMAXPROCS(0) * 2
	// The deadline is for running: an answer from the cache takes none.
	var api http.Handler = withDeadline(c.requestTimeout, admit(&limits.Slots{Size: slots, PerClient: max(1, slots/2)}, gql))
	if c.cacheMiB > 0 {
		api = newResponseCache(client, c.cacheMiB<<20, b, costs{maxCost: c.maxCost, maxPartnerCost: c.maxPartnerCost}).serve(api)
	}
	m := newMetrics(client, services, streams)
	mux.Handle("/graphql", cors(streamed(
		trusted.resolveStream(authenticate(keys, b.identify(gql))),
		// The client is known before its body is read: one whose budget is spent is refused
		// without it.
		m.observe(authenticate(keys, b.identify(gate(c.maxBodyBytes, trusted, api)))))))
	mux.Handle("GET /metrics", m.handler(keys))
	mux.Handle("GET /{$}", explorer())
	mux.Handle("GET /graphiql/", explorer())
	mux.Handle("GET /screen", screen())
	mux.Handle("GET /screen/", screen())
	mux.HandleFunc("GET /healthz", health(client))
	mux.HandleFunc("GET /readyz", life.readiness(client))
	ex, exported := exports.New(client), exportsGate(keys, b, c)
	mux.Handle("GET /exports/catalogue.csv", exported(ex.Catalogue()))
	mux.Handle("GET /exports/programme.ics", exported(ex.Calendar()))
	mux.Handle("GET /exports/schedule.json", exported(ex.ScheduleJSON()))
	mux.Handle("GET /exports/schedule.xml", exported(ex.ScheduleXML()))
	mux.Handle("GET "+pictures.Prefix, picturesHandler())
	return traced(c.tracer, requestContext(log, fallback, c.publicURL, life.closing(framing(c.frameAncestors, mux)))), life
}

// streamTransports are the transports of subscriptions: websockets and server-sent events.
type streamTransports struct {
	websocket *stream.Websocket
	events    *stream.Events
}

func newStreamTransports(c config, keys *auth.Keys, b *budgets, trusted *trustedDocuments) *streamTransports {
	sc := stream.Config{
		Keys:           keys,
		AllowedOrigins: c.allowedOrigins,
		MaxOperations:  c.websocketOps,
		MaxPerAddress:  c.websocketsPerAddress,
		MessageRate:    float64(c.websocketMessageRate),
		Document:       trusted.document,
		Clients:        b.streamClients(),
	}
	return &streamTransports{websocket: stream.NewWebsocket(sc), events: stream.NewEvents(sc)}
}

// stop ends every websocket and stream of events: the server stops. Their clients resume
// from their last cursor, on this instance once it is back or on another one.
func (s *streamTransports) stop() {
	s.websocket.Stop()
	s.events.Stop()
}

// framing says on every response which sites may show it in a frame: the server's own pages,
// and the ancestors configured (a signage system that frames /screen), or none. A page that
// any site could frame could be dressed up to trick its visitor into clicking on it.
// X-Frame-Options says the same to browsers that know no Content-Security-Policy, when it
// can: it names no other site.
func framing(ancestors []string, next http.Handler) http.Handler {
	policy := "frame-ancestors " + strings.Join(append([]string{"'self'"}, ancestors...), " ")
	xfo := "SAMEORIGIN"
	switch {
	case slices.Equal(ancestors, []string{"'none'"}):
		policy, xfo = "frame-ancestors 'none'", "DENY"
	case len(ancestors) > 0:
		xfo = ""
	}
	// Shared by every response: a slice of one, which a page that adds a policy of its own
	// copies rather than changes.
	policies, frameOptions := []string{policy}, []string{xfo}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Security-Policy"] = policies[:1:1]
		if xfo != "" {
			h["X-Frame-Options"] = frameOptions[:1:1]
		}
		next.ServeHTTP(w, r)
	})
}

// requestContext gives every request an ID (the client's X-Request-Id when it is sane), its
// reader's language, the origin its answers' URLs start with (publicURL, else the request's
// own), and a line in the log when it is done.
func requestContext(log *slog.Logger, fallback i18n.Lang, publicURL string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !requestIDPattern.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		ctx := maarid.WithRequestID(r.Context(), id)
		ctx = i18n.WithRequest(ctx, i18n.FromAcceptLanguage(r.Header.Get("Accept-Language")), fallback)
		ctx = maarid.WithOrigin(ctx, cmp.Or(publicURL, origin(r)))
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		serveRecovering(rec, r.WithContext(ctx), next)
		log.LogAttrs(ctx, slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
		)
	})
}

// serveRecovering serves r, and answers a panic outside the GraphQL executor (which recovers
// its own) as INTERNAL with the request ID, logged with its stack, so that the server goes on
// serving and the client learns what to quote.
func serveRecovering(rec *recorder, r *http.Request, next http.Handler) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler {
			panic(v) // the connection is to be dropped, as net/http does
		}
		ctx := r.Context()
		slog.ErrorContext(ctx, "panic while serving", "panic", v, "stack", string(debug.Stack()))
		if !rec.written {
			maarid.RefusalOf(maarid.Internal).Write(rec, "internal error; request id "+maarid.RequestID(ctx))
		}
	}()
	next.ServeHTTP(rec, r)
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// recorder remembers the status and size of a response for the log.
type recorder struct {
	http.ResponseWriter
	status, bytes int
	written       bool // the status is sent
}

func (r *recorder) WriteHeader(status int) {
	r.status, r.written = status, true
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.written = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flushing, hijacking).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush sends what is written so far: server-sent events go out one by one.
func (r *recorder) Flush() { http.NewResponseController(r.ResponseWriter).Flush() }

// Hijack hands the connection to a websocket.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	r.status, r.written = http.StatusSwitchingProtocols, true
	return http.NewResponseController(r.ResponseWriter).Hijack()
}

// streamed sends the requests that open a subscription, a websocket or a stream of
// server-sent events, to live, and the others to next. A subscription lasts as long as its
// client wants, or until the server stops: it takes no admission slot and passes no cache.
func streamed(live, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
			live.ServeHTTP(w, r)
		case r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/event-stream"):
			r.Body = http.MaxBytesReader(w, r.Body, maxStreamRequest)
			live.ServeHTTP(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// maxStreamRequest is the largest body of a request for server-sent events.
const maxStreamRequest = 1 << 20

// cors lets web frontends on any origin call the API. Keys travel in the Authorization
// header, never in cookies, so no origin can borrow a visitor's credentials.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") != "" {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", "X-Request-Id")
			if r.Method == http.MethodOptions {
				h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept-Language, X-Request-Id")
				h.Set("Access-Control-Max-Age", "86400")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// gate turns away, with a GraphQL error that has a code, the requests that gqlgen would
// answer with an uncoded one: another method, a body that is not JSON or larger than maxBody
// bytes (read no further), a mutation over GET.
func gate(maxBody int64, trusted *trustedDocuments, next http.Handler) http.Handler {
	tooLarge := fmt.Sprintf("the request body is larger than %d bytes", maxBody)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if mediaType != "application/json" {
				maarid.WrongMediaType.Write(w, "send the request as application/json")
				return
			}
			if r.ContentLength > maxBody {
				maarid.TooLarge.Write(w, tooLarge)
				return
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
			var over *http.MaxBytesError
			if errors.As(err, &over) {
				maarid.TooLarge.Write(w, tooLarge)
				return
			}
			if err != nil {
				maarid.RefusalOf(maarid.BadUserInput).Write(w, "the request body could not be read")
				return
			}
			if !isJSONObject(body) {
				maarid.RefusalOf(maarid.BadUserInput).Write(w, "the request body is not a JSON object")
				return
			}
			if body, err = trusted.resolve(body); err != nil {
				refuseWith(w, err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		case http.MethodGet:
			if r.Header.Get("Upgrade") != "" {
				break
			}
			q := r.URL.Query()
			if err := trusted.resolveQuery(q); err != nil {
				refuseWith(w, err)
				return
			}
			r.URL.RawQuery = q.Encode()
			for _, name := range []string{"variables", "extensions"} {
				if v := q.Get(name); v != "" && !isJSONObject([]byte(v)) {
					maarid.RefusalOf(maarid.BadUserInput).Write(w, "the "+name+" parameter is not a JSON object")
					return
				}
			}
			if isMutation(q.Get("query"), q.Get("operationName")) {
				w.Header().Set("Allow", "POST")
				maarid.WrongMethod.Write(w, "send mutations with POST; GET is for queries")
				return
			}
		case http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			maarid.WrongMethod.Write(w, "use GET or POST")
			return
		}
		next.ServeHTTP(&overHTTP{ResponseWriter: w}, r)
	})
}

// overHTTP gives gqlgen's answers what GraphQL over HTTP asks of them: 200 instead of 422
// when a request that failed to validate asked for application/json (4xx is for the
// application/graphql-response+json media type, where the status says what the body does),
// and no data entry in the answer to a request refused before it ran, where gqlgen writes
// "data": null.
type overHTTP struct {
	http.ResponseWriter
	refused bool
}

func (w *overHTTP) WriteHeader(status int) {
	if status == http.StatusUnprocessableEntity && w.Header().Get("Content-Type") == "application/json" {
		status = http.StatusOK
	}
	w.refused = status >= 400
	w.ResponseWriter.WriteHeader(status)
}

// noData follows the errors of the answer to a refused request, which come first. Inside the
// errors, a quote is escaped in a string, and no object has a key "data".
var noData = []byte(`],"data":null`)

func (w *overHTTP) Write(b []byte) (int, error) {
	if w.refused && bytes.HasPrefix(b, []byte(`{"errors":[`)) {
		if i := bytes.Index(b, noData); i > 0 {
			trimmed := append(append(bytes.Clone(b[:i]), ']'), b[i+len(noData):]...)
			if _, err := w.ResponseWriter.Write(trimmed); err != nil {
				return 0, err
			}
			return len(b), nil
		}
	}
	return w.ResponseWriter.Write(b)
}

func (w *overHTTP) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func isJSONObject(b []byte) bool {
	var v map[string]json.RawMessage
	return json.Unmarshal(b, &v) == nil && v != nil
}

// isMutation reports whether the operation a GET request names is a mutation or a
// subscription. A query that does not parse is left to the GraphQL server to report.
func isMutation(query, operationName string) bool {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return false
	}
	op := doc.Operations.ForName(operationName)
	if op == nil && len(doc.Operations) == 1 {
		op = doc.Operations[0]
	}
	return op != nil && op.Operation != ast.Query
}

// refuseWith answers with err, with the status of its code (maarid.RefusalOf); an error that
// is not a *maarid.Error is INTERNAL.
func refuseWith(w http.ResponseWriter, err error) {
	e, ok := maarid.AsError(err)
	if !ok {
		e = maarid.Errorf(maarid.Internal, "internal error")
	}
	maarid.RefusalOf(e.Code).Write(w, e.Error())
}

// health answers 200 while the database answers, 503 when it does not.
func health(client *ent.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if _, err := client.Fair.Query().Exist(ctx); err != nil {
			slog.ErrorContext(ctx, "health check: database", "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"status":"unavailable"}`+"\n")
			return
		}
		io.WriteString(w, `{"status":"ok"}`+"\n")
	}
}

// admit runs a request once it holds one of the execution slots, shared fairly among clients
// (limits.Slots); one that waits past its deadline is told that the server is busy.
func admit(slots *limits.Slots, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := ""
		if c := clientFrom(r.Context()); c != nil {
			name = c.name
		}
		release, err := slots.Acquire(r.Context(), name)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				w.Header().Set("Retry-After", "1")
				maarid.Busy.Write(w, "the server is too busy to answer in time: try again in a moment")
			}
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}

// withDeadline gives a request d to run: its database work is stopped then.
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
