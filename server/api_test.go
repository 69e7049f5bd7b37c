package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"entgo.io/ent/dialect"

	"go.opentelemetry.io/otel/trace"

	"maarid/auth"
	"maarid/catalogue"
	"maarid/demo"
	"maarid/ent"
	"maarid/graph"
	"maarid/i18n"
	"maarid/live"
	"maarid/programme"
	"maarid/programme/programmetest"
	"maarid/schema/contract"
	"maarid/store"
	"maarid/store/storetest"
)

// api is the whole HTTP handler of a server on a database seeded with the demo fair.
type api struct {
	handler http.Handler
	keys    *auth.Keys
	client  *ent.Client
	feed    *programme.Feed
	// catalogue is the catalogue's feed of changes.
	catalogue *catalogue.Feed
	fair      *ent.Fair
	counter   *storetest.Counter
	dsn       string // the database's, for a second process on it
}

// services are what a's server is given besides its database.
func (a *api) services() graph.Services {
	return graph.Services{Programme: a.feed, Catalogue: a.catalogue}
}

// runCatalogue runs the catalogue's feed of client, woken by watcher, until the test ends.
func runCatalogue(t testing.TB, client *ent.Client, watcher live.Watcher, log *slog.Logger) *catalogue.Feed {
	feed := catalogue.NewFeed(client, watcher, log)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- feed.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		<-done
	})
	return feed
}

// testConfig is the configuration of the servers under test: the defaults, with flags.
func testConfig(t testing.TB, flags ...string) config {
	t.Helper()
	c, err := parseConfig(flags, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newAPI seeds the demo fair into a new database of kind and serves it. Unless flags say
// otherwise, there is no response cache: every request is answered by the GraphQL server.
func newAPI(t testing.TB, kind string, flags ...string) *api {
	t.Helper()
	return newAPIOver(t, kind, nil, flags...)
}

// newAPIOver is newAPI with the database's driver wrapped by wrap, when it is not nil.
func newAPIOver(t testing.TB, kind string, wrap func(dialect.Driver) dialect.Driver, flags ...string) *api {
	t.Helper()
	return serveAPI(t, storetest.URL(t, kind), true, wrap, flags...)
}

// anotherInstance serves a's database again, as another instance on it would.
func (a *api) anotherInstance(t testing.TB, flags ...string) *api {
	t.Helper()
	return serveAPI(t, a.dsn, false, nil, flags...)
}

// serveAPI serves the database at dsn, seeding the demo fair first when seed is set.
func serveAPI(t testing.TB, dsn string, seed bool, wrap func(dialect.Driver) dialect.Driver, flags ...string) *api {
	t.Helper()
	return serveTracedAPI(t, dsn, seed, wrap, nil, flags...)
}

// serveTracedAPI is serveAPI recording the spans of requests, operations and statements
// through tp, when it is not nil.
func serveTracedAPI(t testing.TB, dsn string, seed bool, wrap func(dialect.Driver) dialect.Driver, tp trace.TracerProvider, flags ...string) *api {
	t.Helper()
	a := &api{counter: &storetest.Counter{}, dsn: dsn}
	driver := a.counter.Count
	if wrap != nil {
		driver = func(d dialect.Driver) dialect.Driver { return wrap(a.counter.Count(d)) }
	}
	opts := []store.Option{store.WithDriver(driver)}
	if tp != nil {
		opts = append(opts, store.WithTracer(tp))
	}
	a.client = storetest.OpenURL(t, dsn, opts...)
	// The tests' clients, on loopback or httptest's address, spend no budget unless a test
	// says otherwise.
	c := testConfig(t, append([]string{"--response-cache-mb=0", "--budget-exempt=192.0.2.1,127.0.0.1,::1"}, flags...)...)
	c.tracer = tp
	a.client.Intercept(rowBound(c.maxAnswerMiB << 20))
	var err error
	if seed {
		a.fair, err = demo.Seed(context.Background(), a.client)
	} else {
		a.fair, err = a.client.Fair.Query().First(auth.System(context.Background()))
	}
	if err != nil {
		t.Fatalf("seeding or reading the demo fair: %v", err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a.keys = auth.NewKeys(a.client, dsn, []byte(testPepper))
	// The feed reads the log on its own schedule, so its statements are not counted: the
	// counter tells what requests cost.
	a.feed = programmetest.Run(t, ent.NewClient(ent.Driver(a.counter.Driver)), dsn, log)
	a.catalogue = runCatalogue(t, ent.NewClient(ent.Driver(a.counter.Driver)), store.ChangesOf(a.client), log)
	a.handler, _ = routes(a.client, a.keys, a.services(), c, log, a.fair.DefaultLanguage)
	watch, stop := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		a.keys.Watch(watch, auth.StandingEvery, log)
	}()
	t.Cleanup(func() {
		stop()
		<-watched
	})
	return a
}

// testPepper is the key pepper of the servers under test.
const testPepper = "a pepper for tests, long enough to be accepted"

// key makes an API key of role (acting for exhibitorID, for an exhibitor key) and returns the
// Authorization header that sends it.
func (a *api) key(t testing.TB, role auth.Role, exhibitorID string) http.Header {
	t.Helper()
	secret, _, err := a.keys.Create(context.Background(), role, "test "+string(role), exhibitorID)
	if err != nil {
		t.Fatal(err)
	}
	return http.Header{"Authorization": {"Bearer " + secret}}
}

// response is a GraphQL answer with its HTTP status.
type response struct {
	status     int
	header     http.Header
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	extensions json.RawMessage
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) code() string {
	code, _ := e.Extensions["code"].(string)
	return code
}

// request is a GraphQL request as a client sends it.
type request struct {
	query     string
	operation string
	variables map[string]any
	header    http.Header
}

// post sends r over HTTP POST and decodes the answer.
func (a *api) post(t testing.TB, r request) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": r.query, "operationName": r.operation, "variables": r.variables})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	// What the GraphQL-over-HTTP clients of today send.
	req.Header.Set("Accept", "application/graphql-response+json, application/json;q=0.9")
	for k, vs := range r.header {
		req.Header[k] = vs
		if vs == nil {
			delete(req.Header, k)
		}
	}
	return a.serve(t, req)
}

func (a *api) serve(t testing.TB, req *http.Request) response {
	t.Helper()
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	res := response{status: rec.Code, header: rec.Header()}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatalf("the answer is not JSON (%d): %v\n%s", rec.Code, err, rec.Body.String())
	}
	var ext struct{ Extensions json.RawMessage }
	json.Unmarshal(rec.Body.Bytes(), &ext)
	res.extensions = ext.Extensions
	return res
}

// ok sends r, fails the test on any error, and decodes data into v.
func (a *api) ok(t testing.TB, r request, v any) {
	t.Helper()
	res := a.post(t, r)
	if res.status != http.StatusOK || len(res.Errors) > 0 {
		t.Fatalf("%s: status %d, errors %+v", r.operation, res.status, res.Errors)
	}
	if err := json.Unmarshal(res.Data, v); err != nil {
		t.Fatalf("%s: decoding %s: %v", r.operation, res.Data, err)
	}
}

// operation returns a request for one of the clients' operations (package contract).
func operation(t testing.TB, name string, variables map[string]any) request {
	t.Helper()
	query, err := contract.Operation(name)
	if err != nil {
		t.Fatal(err)
	}
	return request{query: query, operation: name, variables: variables}
}

func lang(l i18n.Lang) string { return l.Enum() }

func acceptLanguage(v string) http.Header {
	return http.Header{"Accept-Language": {v}}
}

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = id(item)
	}
	return out
}

func equalStrings(t testing.TB, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: at %d got %q, want %q", what, i, got[i], want[i])
		}
	}
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
