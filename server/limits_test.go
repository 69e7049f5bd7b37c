package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"maarid/auth"
	"maarid/stream"
	"maarid/stream/streamtest"
)

// countingReader is a request body that counts what the server read of it.
type countingReader struct {
	left, read int
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.left)
	for i := range n {
		p[i] = ' '
	}
	r.left -= n
	r.read += n
	return n, nil
}

// TestRequestBounds sends abusive requests (deep, wide, aliased, batched, huge pages) as an
// anonymous caller: each is refused before it runs, with its status and code, and names what
// it broke.
func TestRequestBounds(t *testing.T) {
	a := newAPI(t, "sqlite")
	aliases := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "a%d: __typename ", i)
		}
		return b.String()
	}
	nested := func(levels int) string {
		return strings.Repeat("products(first: 1) { edges { node { exhibitor { ", levels) + "id" + strings.Repeat(" } } } }", levels)
	}
	tests := []struct {
		name, query string
		status      int
		code        string
		extension   string // the extension that says what was too much
	}{
		{"20,000 fields", "query Q { " + strings.Repeat("__typename ", 20000) + "}", 400, "QUERY_TOO_COMPLEX", "tokens"},
		{"5,000 aliased root fields", "query Q { " + aliases(5000) + "}", 400, "QUERY_TOO_COMPLEX", "tokens"},
		{"500 aliased root fields", "query Q { " + aliases(500) + "}", 400, "QUERY_TOO_COMPLEX", "aliases"},
		{"25 levels", "{ " + nested(25) + " }", 400, "QUERY_TOO_COMPLEX", "depth"},
		{"pages in pages in pages", `{ exhibitors(first: 100) { edges { node { products(first: 100) { edges { node { exhibitor { products(first: 100) { edges { node { id } } } } } } } } } } }`, 400, "QUERY_TOO_COMPLEX", "cost"},
		{"174 bytes, 18 GB", "{" + strings.Repeat("sessions(first:100){edges{node{fair{", 4) + "id" + strings.Repeat("}}}}", 4) + "}", 400, "QUERY_TOO_COMPLEX", "depth"},
		{"one level less, 23 MB", "{" + strings.Repeat("sessions(first:100){edges{node{fair{", 3) + "id" + strings.Repeat("}}}}", 3) + "}", 400, "QUERY_TOO_COMPLEX", "cost"},
		{"a page without first", `{ products { edges { node { id } } } }`, 400, "BAD_USER_INPUT", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := a.post(t, request{query: tt.query})
			if res.status != tt.status || len(res.Errors) != 1 || res.Errors[0].code() != tt.code ||
				tt.extension != "" && res.Errors[0].Extensions[tt.extension] == nil || res.Data != nil {
				t.Errorf("status %d, errors %+v, data %s", res.status, res.Errors, res.Data)
			}
		})
	}

	t.Run("a body of 30 MB", func(t *testing.T) {
		body := &countingReader{left: 30 << 20}
		req := httptest.NewRequest(http.MethodPost, "/graphql", body)
		req.ContentLength = -1 // sent in chunks, its size unannounced
		req.Header.Set("Content-Type", "application/json")
		res := a.serve(t, req)
		if res.status != http.StatusRequestEntityTooLarge || len(res.Errors) != 1 || res.Errors[0].code() != "BAD_USER_INPUT" {
			t.Errorf("status %d, errors %+v", res.status, res.Errors)
		}
		if body.read > 2<<20 {
			t.Errorf("the server read %d bytes of the body", body.read)
		}
		req = httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader("{}"))
		req.ContentLength = 200 << 20 // announced
		req.Header.Set("Content-Type", "application/json")
		if res := a.serve(t, req); res.status != http.StatusRequestEntityTooLarge {
			t.Errorf("a body announced at 200 MB: status %d", res.status)
		}
	})
}

// TestCostReported checks that an answer says what it cost and what budget is left, that a
// partner may ask for more than a visitor, and that the limits answer to configuration.
func TestCostReported(t *testing.T) {
	a := newAPI(t, "sqlite", "--budget-exempt=", "--max-cost=2000", "--max-partner-cost=20000")
	r := operation(t, "ProductCatalogue", map[string]any{"first": 24})
	res := a.post(t, r)
	var ext struct {
		Extensions struct {
			Cost struct{ Requested, Limit, Remaining, Budget int }
		}
	}
	raw, _ := json.Marshal(map[string]any{"extensions": json.RawMessage(res.extensions)})
	if err := json.Unmarshal(raw, &ext); err != nil {
		t.Fatal(err)
	}
	cost := ext.Extensions.Cost
	if len(res.Errors) > 0 || cost.Requested < 24 || cost.Limit != 2000 || cost.Budget != 100000 || cost.Remaining != cost.Budget-cost.Requested {
		t.Errorf("errors %+v, cost %+v", res.Errors, cost)
	}
	if got, _ := strconv.Atoi(res.header.Get("RateLimit-Remaining")); got != cost.Remaining || res.header.Get("RateLimit-Limit") != "100000" {
		t.Errorf("headers %v", res.header)
	}
	big := operation(t, "ProductCatalogue", map[string]any{"first": 100})
	if res := a.post(t, big); len(res.Errors) != 1 || res.Errors[0].code() != "QUERY_TOO_COMPLEX" {
		t.Errorf("a visitor's page of 100 at a limit of 2,000: %+v", res.Errors)
	}
	big.header = a.key(t, auth.Partner, "")
	if res := a.post(t, big); len(res.Errors) > 0 {
		t.Errorf("a partner's page of 100: %+v", res.Errors)
	}
}

// TestRateLimits spends an address's budget and checks the refusal and its headers, that
// keys, other addresses and exempt networks have budgets of their own, that the address a
// trusted proxy gives is used only when configured, and that answers from the cache cost as
// much as computed ones.
func TestRateLimits(t *testing.T) {
	page := func(header http.Header) request {
		r := operation(t, "ProductCatalogue", map[string]any{"first": 100})
		r.header = header
		return r
	}
	forwarded := func(addr string) http.Header { return http.Header{"X-Forwarded-For": {"203.0.113.9, " + addr}} }
	const limited = "--budget=50000" // 5,000 at once, 833 a second: one page of 100 (4,601)
	for _, tc := range []struct {
		name  string
		flags []string
	}{
		{"computed", []string{"--budget-exempt=", "--max-cost=5000", limited, "--client-ip-header=X-Forwarded-For"}},
		{"from the cache", []string{"--budget-exempt=", "--max-cost=5000", limited, "--client-ip-header=X-Forwarded-For", "--response-cache-mb=8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAPI(t, "sqlite", tc.flags...)
			first := a.post(t, page(forwarded("198.51.100.7")))
			if len(first.Errors) > 0 || first.header.Get("RateLimit-Limit") != "5000" || first.header.Get("RateLimit-Remaining") != "399" {
				t.Fatalf("the first page: %+v %v", first.Errors, first.header)
			}
			second := a.post(t, page(forwarded("198.51.100.7")))
			if second.status != http.StatusTooManyRequests || len(second.Errors) != 1 || second.Errors[0].code() != "RATE_LIMITED" ||
				second.header.Get("Retry-After") == "" || second.header.Get("Retry-After") == "0" || second.Data != nil {
				t.Errorf("the second page: status %d, errors %+v, headers %v", second.status, second.Errors, second.header)
			}
			if res := a.post(t, page(forwarded("198.51.100.8"))); len(res.Errors) > 0 {
				t.Errorf("another address: %+v", res.Errors)
			}
			if res := a.post(t, page(a.key(t, auth.Exhibitor, newCallers(t, a).ownID))); len(res.Errors) > 0 {
				t.Errorf("a key, from the same address: %+v", res.Errors)
			}
		})
	}
	t.Run("the header of an untrusted proxy", func(t *testing.T) {
		a := newAPI(t, "sqlite", "--budget-exempt=", "--max-cost=5000", limited)
		a.post(t, page(forwarded("198.51.100.7")))
		if res := a.post(t, page(forwarded("198.51.100.8"))); res.status != http.StatusTooManyRequests {
			t.Errorf("a client changed its address with a header: status %d", res.status)
		}
	})
	t.Run("an exempt network", func(t *testing.T) {
		a := newAPI(t, "sqlite", "--budget-exempt=192.0.2.0/24", "--max-cost=5000", limited)
		for range 3 {
			if res := a.post(t, page(nil)); len(res.Errors) > 0 || res.header.Get("RateLimit-Remaining") != "" {
				t.Fatalf("from the venue's network: %+v %v", res.Errors, res.header)
			}
		}
	})
}

// TestDeadline gives requests no time at all: the answer says that the request ran out of
// time, with a code, rather than nothing or an internal error.
func TestDeadline(t *testing.T) {
	a := newAPI(t, "sqlite", "--request-timeout=1ns")
	res := a.post(t, operation(t, "ProductCatalogue", map[string]any{"first": 24}))
	if len(res.Errors) != 1 || res.Errors[0].code() != "QUERY_TOO_COMPLEX" || !strings.Contains(res.Errors[0].Message, "deadline") {
		t.Errorf("status %d, errors %+v", res.status, res.Errors)
	}
}

// TestAnswerBound checks that an answer over the bound is replaced by QUERY_TOO_COMPLEX.
func TestAnswerBound(t *testing.T) {
	c := costs{maxAnswer: 1 << 20}
	ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: ast.Query}})
	for _, size := range []int{1 << 20, 2 << 20} {
		resp := c.InterceptResponse(ctx, func(context.Context) *graphql.Response {
			return &graphql.Response{Data: bytes.Repeat([]byte(" "), size)}
		})
		over := size > 1<<20
		if over != (resp.Data == nil) || over && (len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "QUERY_TOO_COMPLEX") {
			t.Errorf("an answer of %d bytes: %d bytes, errors %v", size, len(resp.Data), resp.Errors)
		}
	}
}

// TestWebsocketLimits holds a websocket client to its bounds, each with the protocol's own
// answer: an error for an operation over the number a connection may run, HTTP 429 for a
// connection over the number one address may open, 4429 for messages sent too fast, 1009 for
// a message too large; and a subscription spends the client's budget as a request does.
func TestWebsocketLimits(t *testing.T) {
	serve := func(t *testing.T, flags ...string) string {
		a := newAPI(t, "sqlite", append([]string{"--budget-exempt="}, flags...)...)
		srv := httptest.NewServer(a.handler)
		t.Cleanup(srv.Close)
		return "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql"
	}
	feed, _ := json.Marshal(map[string]any{"query": operation(t, "ScreenFeed", nil).query, "variables": map[string]any{"since": "0"}})

	t.Run("operations", func(t *testing.T) {
		c := streamtest.Dial(t, serve(t, "--max-websocket-operations=2"), nil, stream.GraphQLTransportWS)
		c.Init("")
		c.Send(streamtest.Message("subscribe", "1", string(feed)))
		c.Send(streamtest.Message("subscribe", "2", string(feed)))
		c.Send(streamtest.Message("subscribe", "3", string(feed)))
		if m := c.Expect("error", "3"); !strings.Contains(string(m.Payload), "RATE_LIMITED") {
			t.Errorf("a third operation: %s", m.Payload)
		}
		c.Send(streamtest.Message("complete", "1", ""))
		c.Send(streamtest.Message("subscribe", "4", `{"query":"{ viewer { role } }"}`))
		c.Expect("next", "4")
		c.Expect("complete", "4")
	})
	t.Run("connections from one address", func(t *testing.T) {
		url := serve(t, "--max-websockets-per-address=3")
		var open []*streamtest.Client
		for range 3 {
			open = append(open, streamtest.Dial(t, url, nil, stream.GraphQLTransportWS))
		}
		dial := func() (*http.Response, error) {
			c, res, err := (&websocket.Dialer{Subprotocols: []string{stream.GraphQLTransportWS}}).Dial(url, nil)
			if err == nil {
				c.Close()
			}
			return res, err
		}
		if res, err := dial(); err == nil || res == nil || res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("a fourth connection: %v %v", err, streamtest.HandshakeAnswer(res))
		}
		open[0].Conn.Close()
		var err error
		waitUntil(func() bool {
			_, err = dial()
			return err == nil
		})
		if err != nil {
			t.Errorf("a connection once another closed: %v", err)
		}
	})
	t.Run("messages too fast", func(t *testing.T) {
		c := streamtest.Dial(t, serve(t, "--max-websocket-messages=5"), nil, stream.GraphQLTransportWS)
		for range 30 {
			if c.Conn.WriteMessage(websocket.TextMessage, []byte(streamtest.Message("ping", "", ""))) != nil {
				break
			}
		}
		c.ExpectClose(4429, "pong")
	})
	t.Run("a message too large", func(t *testing.T) {
		c := streamtest.Dial(t, serve(t), nil, stream.GraphQLTransportWS)
		c.Init("")
		// The server closes as soon as it reads the frame's length: the client may still be
		// writing, and the close frame may be lost to the reset of the connection that
		// closing with unread data causes.
		c.Conn.WriteMessage(websocket.TextMessage, []byte(streamtest.Message("subscribe", "big", `{"query":"{ __typename }","variables":{"x":"`+strings.Repeat("a", 100<<10)+`"}}`)))
		c.Conn.SetReadDeadline(time.Now().Add(streamtest.Timeout))
		_, data, err := c.Conn.ReadMessage()
		var ce *websocket.CloseError
		switch {
		case errors.As(err, &ce) && ce.Code != websocket.CloseMessageTooBig:
			t.Errorf("closed with %d, want 1009", ce.Code)
		case err == nil:
			t.Errorf("the message was read: the server answered %s", data)
		case ce == nil && !strings.Contains(err.Error(), "reset"):
			t.Errorf("got %v, want the connection closed with 1009", err)
		}
	})
	t.Run("subscriptions spend the budget", func(t *testing.T) {
		c := streamtest.Dial(t, serve(t, "--max-cost=3000", "--budget=30000"), nil, stream.GraphQLTransportWS)
		c.Init("")
		// 1 + (1 + (1 + 10 × (1 + 10 × (1 + 10)))) = 1,114 a subscription; 3,000 at once.
		expensive, _ := json.Marshal(map[string]any{"query": `subscription { programmeChanged { session { speakers { sessions { speakers { name } } } } } }`})
		for i := range 4 {
			c.Send(streamtest.Message("subscribe", strconv.Itoa(i), string(expensive)))
		}
		for {
			m := c.Read()
			if m.Type == "error" {
				if !strings.Contains(string(m.Payload), "RATE_LIMITED") {
					t.Fatalf("%s", m.Payload)
				}
				return
			}
		}
	})
}

// TestProductionSettings turns introspection and field suggestions off: the schema is not
// told, __typename still is, and an unknown field gets no suggestion.
func TestProductionSettings(t *testing.T) {
	for _, tt := range []struct {
		flags                []string
		introspects, suggest bool
	}{
		{nil, true, true},
		{[]string{"--introspection=false", "--field-suggestions=false"}, false, false},
	} {
		a := newAPI(t, "sqlite", tt.flags...)
		res := a.post(t, request{query: `{ __typename ... on Query { __schema { types { name } } } }`})
		if got := len(res.Errors) == 0 && strings.Contains(string(res.Data), `"types"`); got != tt.introspects {
			t.Errorf("%v: introspection %v, errors %+v", tt.flags, got, res.Errors)
		}
		if !tt.introspects && (len(res.Errors) != 1 || res.Errors[0].code() != "FORBIDDEN") {
			t.Errorf("%v: %+v", tt.flags, res.Errors)
		}
		if res := a.post(t, request{query: `{ __typename }`}); len(res.Errors) > 0 {
			t.Errorf("%v: __typename: %+v", tt.flags, res.Errors)
		}
		res = a.post(t, request{query: `{ fairz(first: 1) { totalCount } }`})
		if got := len(res.Errors) == 1 && strings.Contains(res.Errors[0].Message, "Did you mean"); got != tt.suggest {
			t.Errorf("%v: suggestion %v: %+v", tt.flags, got, res.Errors)
		}
	}
}

// TestFloodsSpendTheBudget sends floods of fields: each refused one costs its client the
// largest request it may send, and once the budget is spent the next is refused before its
// body is read.
func TestFloodsSpendTheBudget(t *testing.T) {
	a := newAPI(t, "sqlite", "--budget-exempt=", "--max-cost=5000", "--budget=50000")
	flood := `{"query":"query Q { ` + strings.Repeat("__typename ", 20000) + `}"}`
	send := func() (response, int) {
		body := &floodReader{r: strings.NewReader(flood)}
		req := httptest.NewRequest(http.MethodPost, "/graphql", body)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/graphql-response+json")
		return a.serve(t, req), body.read
	}
	if res, _ := send(); res.status != http.StatusBadRequest || len(res.Errors) != 1 || res.Errors[0].code() != "QUERY_TOO_COMPLEX" {
		t.Fatalf("the first flood: %d %+v", res.status, res.Errors)
	}
	res, read := send()
	if res.status != http.StatusTooManyRequests || len(res.Errors) != 1 || res.Errors[0].code() != "RATE_LIMITED" || res.header.Get("Retry-After") == "" {
		t.Errorf("the second flood: %d %+v %v", res.status, res.Errors, res.header)
	}
	if read > 0 {
		t.Errorf("the server read %d bytes of the second flood", read)
	}
}

// floodReader counts what is read of a body.
type floodReader struct {
	r    io.Reader
	read int
}

func (f *floodReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	f.read += n
	return n, err
}

// TestCostExtension checks that the cost written by hand is the meter as JSON.
func TestCostExtension(t *testing.T) {
	remaining, budget, rate := 99567, 100000, 16666.666666666668
	for _, m := range []*meter{
		{Requested: 433, Limit: 10000},
		{Requested: 433, Limit: 10000, Remaining: &remaining, Budget: &budget, RestoreRate: &rate},
	} {
		want, _ := json.Marshal(m)
		if got := m.costExtension(); !bytes.Equal(got, want) {
			t.Errorf("%s, want %s", got, want)
		}
	}
}

// TestRowBound gives answers 1 MiB: a partner's page of 739 products with their exhibitors and
// categories reads more rows than that may hold, and is refused as a whole; a page of 24 is
// not.
func TestRowBound(t *testing.T) {
	a := newAPI(t, "sqlite", "--max-answer-mb=1")
	partner := a.key(t, auth.Partner, "")
	q := `query($n: Int) { products(first: $n) { edges { node { id exhibitor { id stands { code } } category { id parent { id } } } } } }`
	res := a.post(t, request{query: q, variables: map[string]any{"n": 1000}, header: partner})
	if len(res.Errors) != 1 || res.Errors[0].code() != "QUERY_TOO_COMPLEX" || string(res.Data) != "null" {
		t.Errorf("a page of 739 products and their rows: %+v %.100s", res.Errors, res.Data)
	}
	if res := a.post(t, request{query: q, variables: map[string]any{"n": 24}, header: partner}); len(res.Errors) > 0 {
		t.Errorf("a page of 24: %+v", res.Errors)
	}
}
