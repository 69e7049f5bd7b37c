package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"

	"maarid/auth"
	"maarid/store"
	"maarid/stream"
	"maarid/stream/streamtest"
)

// faultyDriver fails to begin or to commit transactions when told to, as a cut PostgreSQL
// connection or a full disk makes it fail.
type faultyDriver struct {
	dialect.Driver
	begin, commit atomic.Bool
	panicOn       atomic.Value // a table whose reading panics, as a bug would
}

func (d *faultyDriver) Query(ctx context.Context, query string, args, v any) error {
	if table, _ := d.panicOn.Load().(string); table != "" && (strings.Contains(query, "`"+table+"`") || strings.Contains(query, `"`+table+`"`)) {
		panic("index out of range [3] with length 3, reading " + table)
	}
	return d.Driver.Query(ctx, query, args, v)
}

var (
	errCutConnection = errors.New("FATAL: terminating connection due to administrator command (SQLSTATE 57P01)")
	errDiskFull      = errors.New("database or disk is full")
)

func (d *faultyDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	if d.begin.Load() {
		return nil, &store.Error{Err: errCutConnection}
	}
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &faultyTx{Tx: tx, d: d}, nil
}

func (d *faultyDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return store.ExecContext(ctx, d, query, args)
}

type faultyTx struct {
	dialect.Tx
	d *faultyDriver
}

func (t *faultyTx) Commit() error {
	if t.d.commit.Load() {
		t.Tx.Rollback()
		return &store.Error{Err: errDiskFull}
	}
	return t.Tx.Commit()
}

func (t *faultyTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return store.ExecContext(ctx, t, query, args)
}

// syncBuffer is a log shared by the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logTo sends the log of the server under test to a buffer until the test ends.
func logTo(t *testing.T) *syncBuffer {
	var logs syncBuffer
	previous := slog.Default()
	slog.SetDefault(newLogger(&logs, testConfig(t)))
	t.Cleanup(func() { slog.SetDefault(previous) })
	return &logs
}

// TestTransactionFailures injects a transaction that cannot begin, and one that cannot
// commit, under a mutation: each is INTERNAL with the request ID, says nothing of the driver's
// text, is logged with the request ID and its cause, and writes nothing.
func TestTransactionFailures(t *testing.T) {
	faulty := &faultyDriver{}
	a := newAPIOver(t, "sqlite", func(d dialect.Driver) dialect.Driver {
		faulty.Driver = d
		return faulty
	})
	c := newCallers(t, a)
	logs := logTo(t)
	id := a.firstProduct(t, c.ownID)
	for _, tt := range []struct {
		name  string
		fail  *atomic.Bool
		cause error
	}{
		{"begin", &faulty.begin, errCutConnection},
		{"commit", &faulty.commit, errDiskFull},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.fail.Store(true)
			defer tt.fail.Store(false)
			before := snapshot(t, a)
			requestID := "tx-" + tt.name
			r := request{query: updateProduct, variables: map[string]any{"id": id, "input": map[string]any{"available": false}},
				header: http.Header{"X-Request-Id": {requestID}, "Authorization": c.own["Authorization"]}}
			res := a.post(t, r)
			tt.fail.Store(false)
			if len(res.Errors) != 1 || res.Errors[0].code() != "INTERNAL" || res.Errors[0].Extensions["requestId"] != requestID ||
				strings.Contains(res.Errors[0].Message, tt.cause.Error()) {
				t.Errorf("errors %+v", res.Errors)
			}
			if snapshot(t, a) != before {
				t.Error("a failed transaction wrote")
			}
			if log := logs.String(); !strings.Contains(log, "request_id="+requestID) || !strings.Contains(log, tt.cause.Error()) {
				t.Errorf("the log does not tell it:\n%s", log)
			}
		})
	}
}

// TestPanics makes the reading of a table panic, as a bug would, in a resolver over HTTP and
// over a websocket, and in the HTTP layer (authenticating a key): each answer is INTERNAL with
// the request ID and nothing of the panic, the log has the panic with its stack, and the
// server goes on serving.
func TestPanics(t *testing.T) {
	faulty := &faultyDriver{}
	a := newAPIOver(t, "sqlite", func(d dialect.Driver) dialect.Driver {
		faulty.Driver = d
		return faulty
	})
	partner := a.key(t, auth.Partner, "")
	logs := logTo(t)
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	check := func(t *testing.T, e gqlError, requestID string) {
		t.Helper()
		if e.code() != "INTERNAL" || e.Extensions["requestId"] != requestID && !strings.Contains(e.Message, requestID) ||
			strings.Contains(e.Message, "index out of range") {
			t.Errorf("error %+v", e)
		}
		if log := logs.String(); !strings.Contains(log, "request_id="+requestID) || !strings.Contains(log, "index out of range") ||
			!strings.Contains(log, "goroutine") {
			t.Errorf("the log does not tell the panic with its stack:\n%s", log)
		}
	}
	catalogue := operation(t, "ProductCatalogue", map[string]any{"first": 5})

	t.Run("a resolver", func(t *testing.T) {
		faulty.panicOn.Store("products")
		defer faulty.panicOn.Store("")
		r := catalogue
		r.header = http.Header{"X-Request-Id": {"panic-resolver"}}
		res := a.post(t, r)
		if len(res.Errors) != 1 {
			t.Fatalf("errors %+v", res.Errors)
		}
		check(t, res.Errors[0], "panic-resolver")
	})
	t.Run("a websocket operation", func(t *testing.T) {
		c := streamtest.Dial(t, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", http.Header{"X-Request-Id": {"panic-websocket"}}, stream.GraphQLTransportWS)
		c.Init("")
		faulty.panicOn.Store("products")
		payload, _ := json.Marshal(map[string]any{"query": catalogue.query, "variables": catalogue.variables})
		c.Send(streamtest.Message("subscribe", "p", string(payload)))
		m := c.Read()
		faulty.panicOn.Store("")
		var answer struct{ Errors []gqlError }
		if m.Type == "error" {
			json.Unmarshal(m.Payload, &answer.Errors)
		} else {
			json.Unmarshal(m.Payload, &answer)
		}
		if len(answer.Errors) != 1 {
			t.Fatalf("%s %s", m.Type, m.Payload)
		}
		check(t, answer.Errors[0], "panic-websocket")
		c.Send(streamtest.Message("subscribe", "q", `{"query":"{ __typename }"}`))
		for m := c.Read(); m.ID != "q" || m.Type != "next"; m = c.Read() {
		}
	})
	t.Run("the HTTP layer", func(t *testing.T) {
		faulty.panicOn.Store("api_keys")
		defer faulty.panicOn.Store("")
		r := request{query: `{ viewer { role } }`, header: http.Header{"X-Request-Id": {"panic-http"}, "Authorization": partner["Authorization"]}}
		res := a.post(t, r)
		if res.status != http.StatusInternalServerError || len(res.Errors) != 1 {
			t.Fatalf("status %d, errors %+v", res.status, res.Errors)
		}
		check(t, res.Errors[0], "panic-http")
	})
	if res := a.post(t, catalogue); len(res.Errors) > 0 {
		t.Errorf("after the panics: %+v", res.Errors)
	}
}

// FuzzRequest sends arbitrary bodies to /graphql, as JSON: whatever comes, the answer is JSON
// with a code for each error, never an internal error or a 5xx.
func FuzzRequest(f *testing.F) {
	f.Add(`{"query":"{ fairs(first: 1) { totalCount } }"}`)
	f.Add(`{"query":"query($n: Int) { products(first: $n) { edges { node { id } } } }","variables":{"n":"x"}}`)
	f.Add(`{"query":"{ exhibitors(where: {slugContains: \"a\u0000\"}) { totalCount } }"}`)
	f.Add(`{"query":"mutation { registerForSession(sessionID: \"ses_x\", input: {name: \"\"}) { id } }"}`)
	f.Add(`{"query":"{ node(id: \"prd_01CK877C00NP7RZEQ6K743KN3N\") { id } }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`)
	f.Add(`[]`)
	a := newAPI(f, "sqlite", "--request-timeout=2s")
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, req)
		var res struct {
			Errors []gqlError `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil && rec.Code != http.StatusOK {
			t.Fatalf("status %d, not JSON: %s", rec.Code, rec.Body.Bytes())
		}
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body.Bytes())
		}
		for _, e := range res.Errors {
			if e.code() == "" || e.code() == "INTERNAL" {
				t.Fatalf("%q: %+v", body, e)
			}
		}
	})
}
