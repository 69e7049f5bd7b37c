package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/gorilla/websocket"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"maarid"
	"maarid/auth"
	"maarid/i18n"
	"maarid/store/storetest"
)

// wsTestTimeout bounds every wait of these tests; none comes near it unless something is
// wrong.
const wsTestTimeout = 5 * time.Second

// subscribeName is the subscription of gqlgen's test schema.
const subscribeName = `{"query":"subscription { name }"}`

// serveWebsocket serves ws on gqlgen's test schema, whose subscription sends an event on
// SendNextSubscriptionMessage and ends on SendCompleteSubscriptionMessage, and returns the
// schema's server and the websocket URL. wrap, when not nil, goes around the handler.
func serveWebsocket(t *testing.T, ws *websocketTransport, wrap func(http.Handler) http.Handler) (*testserver.TestServer, string) {
	t.Helper()
	srv := testserver.New()
	srv.AddTransport(ws)
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(h)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return srv, "ws" + strings.TrimPrefix(hs.URL, "http") + "/graphql"
}

// responseEnds returns a channel that receives when an operation of srv has given its last
// response.
func responseEnds(srv *testserver.TestServer) <-chan struct{} {
	ended := make(chan struct{}, 8)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		responses := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			res := responses(ctx)
			if res == nil {
				ended <- struct{}{}
			}
			return res
		}
	})
	return ended
}

func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wsTestTimeout):
		t.Fatalf("waited %s for %s", wsTestTimeout, what)
		panic("unreachable")
	}
}

// websocketKeys returns the API keys of a new database and the secret of a partner key.
func websocketKeys(t *testing.T) (*auth.Keys, string) {
	t.Helper()
	keys := auth.NewKeys(storetest.Open(t, "sqlite"), "", []byte(testPepper))
	t.Cleanup(keys.Wait)
	return keys, newKey(t, keys, auth.Partner)
}

func newKey(t *testing.T, keys *auth.Keys, role auth.Role) string {
	t.Helper()
	secret, _, err := keys.Create(context.Background(), role, "websocket "+string(role), "")
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// wsClient is a websocket client under test.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

// dialWebsocket opens a websocket to url offering subprotocols.
func dialWebsocket(t *testing.T, url string, header http.Header, subprotocols ...string) *wsClient {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: wsTestTimeout, Subprotocols: subprotocols}
	conn, res, err := d.Dial(url, header)
	if err != nil {
		t.Fatalf("opening a websocket: %v (%s)", err, handshakeAnswer(res))
	}
	t.Cleanup(func() { conn.Close() })
	return &wsClient{t: t, conn: conn}
}

func handshakeAnswer(res *http.Response) string {
	if res == nil {
		return "no answer"
	}
	body, _ := io.ReadAll(res.Body)
	return res.Status + " " + string(body)
}

// message returns a protocol message; payload is JSON, or empty for none.
func message(typ, id, payload string) string {
	return string(mustMarshal(envelope{Type: typ, ID: id, Payload: json.RawMessage(payload)}))
}

func (c *wsClient) send(raw string) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, []byte(raw)); err != nil {
		c.t.Fatalf("sending %s: %v", raw, err)
	}
}

func (c *wsClient) read() envelope {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(wsTestTimeout))
	_, data, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatalf("reading: %v", err)
	}
	var m envelope
	if err := json.Unmarshal(data, &m); err != nil {
		c.t.Fatalf("reading %s: %v", data, err)
	}
	return m
}

// expect reads the next message and fails unless it has type typ and ID id.
func (c *wsClient) expect(typ, id string) envelope {
	c.t.Helper()
	m := c.read()
	if m.Type != typ || m.ID != id {
		c.t.Fatalf("got %s, want %s %q", mustMarshal(m), typ, id)
	}
	return m
}

// expectClose reads until the server closes the connection, skipping messages of the types
// in skip, and fails unless it closes with code (any code when code is 0).
func (c *wsClient) expectClose(code int, skip ...string) *websocket.CloseError {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(wsTestTimeout))
	for {
		_, data, err := c.conn.ReadMessage()
		if err == nil {
			var m envelope
			if json.Unmarshal(data, &m) == nil && slices.Contains(skip, m.Type) {
				continue
			}
			c.t.Fatalf("got %s, want the connection closed with %d", data, code)
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || code != 0 && ce.Code != code {
			c.t.Fatalf("got %v, want the connection closed with %d", err, code)
		}
		return ce
	}
}

// init sends connection_init with payload and reads the acknowledgement.
func (c *wsClient) init(payload string) {
	c.t.Helper()
	c.send(message("connection_init", "", payload))
	c.expect("connection_ack", "")
	if c.conn.Subprotocol() != graphqlTransportWS {
		c.expect("ka", "")
	}
}

func TestWebsocketCloseCodes(t *testing.T) {
	keys, _ := websocketKeys(t)
	revoked, key, err := keys.Create(context.Background(), auth.Partner, "revoked", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Revoke(context.Background(), key.ID); err != nil {
		t.Fatal(err)
	}
	subscribe := func(id string) string { return message("subscribe", id, subscribeName) }
	for _, tc := range []struct {
		name        string
		init        bool // acknowledged before messages are sent
		messages    []string
		initTimeout time.Duration
		code        int
	}{
		{name: "not JSON", messages: []string{`{"type":`}, code: 4400},
		{name: "not an object", messages: []string{`["connection_init"]`}, code: 4400},
		{name: "no type", messages: []string{`{"id":"1"}`}, code: 4400},
		{name: "unknown type", messages: []string{`{"type":"hello"}`}, code: 4400},
		{name: "a server's message", init: true, messages: []string{message("next", "1", `{}`)}, code: 4400},
		{name: "connection_init payload not an object", messages: []string{message("connection_init", "", `"Bearer mrd_x"`)}, code: 4400},
		{name: "authorization not a string", messages: []string{message("connection_init", "", `{"authorization":42}`)}, code: 4400},
		{name: "two different keys", messages: []string{message("connection_init", "", `{"authorization":"Bearer mrd_a","Authorization":"Bearer mrd_b"}`)}, code: 4400},
		{name: "subscribe without id", init: true, messages: []string{message("subscribe", "", subscribeName)}, code: 4400},
		{name: "subscribe with a number for id", init: true, messages: []string{`{"type":"subscribe","id":1,"payload":` + subscribeName + `}`}, code: 4400},
		{name: "subscribe without payload", init: true, messages: []string{message("subscribe", "1", "")}, code: 4400},
		{name: "complete without id", init: true, messages: []string{message("complete", "", "")}, code: 4400},
		{name: "subscribe before connection_init", messages: []string{subscribe("1")}, code: 4401},
		{name: "unknown key", messages: []string{message("connection_init", "", `{"authorization":"Bearer mrd_notakey"}`)}, code: 4403},
		{name: "not a bearer key", messages: []string{message("connection_init", "", `{"Authorization":"Basic dXNlcjpwYXNz"}`)}, code: 4403},
		{name: "revoked key", messages: []string{message("connection_init", "", `{"authorization":"Bearer `+revoked+`"}`)}, code: 4403},
		{name: "no connection_init in time", initTimeout: 50 * time.Millisecond, code: 4408},
		{name: "operation ID in use", init: true, messages: []string{subscribe("1"), subscribe("1")}, code: 4409},
		{name: "second connection_init", init: true, messages: []string{message("connection_init", "", "")}, code: 4429},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := newWebsocketTransport(testConfig(t), keys)
			if tc.initTimeout != 0 {
				ws.initTimeout = tc.initTimeout
			}
			_, url := serveWebsocket(t, ws, nil)
			c := dialWebsocket(t, url, nil, graphqlTransportWS)
			if tc.init {
				c.init("")
			}
			for _, m := range tc.messages {
				c.send(m)
			}
			c.expectClose(tc.code)
		})
	}
}

// TestWebsocketKey checks which viewer a connection's operations run as.
func TestWebsocketKey(t *testing.T) {
	keys, partner := websocketKeys(t)
	organiser := newKey(t, keys, auth.Organiser)
	srv := testserver.New()
	srv.AddTransport(newWebsocketTransport(testConfig(t), keys))
	viewers := make(chan *auth.Viewer, 1)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		viewers <- auth.FromContext(ctx)
		return next(ctx)
	})
	hs := httptest.NewServer(authenticate(keys, srv))
	t.Cleanup(hs.Close)
	url := "ws" + strings.TrimPrefix(hs.URL, "http")

	bearer := func(secret string) http.Header { return http.Header{"Authorization": {"Bearer " + secret}} }
	for _, tc := range []struct {
		name    string
		header  http.Header // of the upgrade request
		payload string      // of connection_init
		want    auth.Role
	}{
		{"no key", nil, "", auth.Anonymous},
		{"no key, empty payload", nil, `{}`, auth.Anonymous},
		{"key in the payload", nil, `{"authorization":"Bearer ` + partner + `"}`, auth.Partner},
		{"key in the payload, capitalised", nil, `{"Authorization":"Bearer ` + partner + `"}`, auth.Partner},
		{"key of the upgrade request", bearer(organiser), `{}`, auth.Organiser},
		{"key of the upgrade request, no payload", bearer(organiser), "", auth.Organiser},
		{"key in the payload over the upgrade request's", bearer(organiser), `{"authorization":"Bearer ` + partner + `"}`, auth.Partner},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialWebsocket(t, url, tc.header, graphqlTransportWS)
			c.init(tc.payload)
			c.send(message("subscribe", "1", subscribeName))
			if v := wait(t, viewers, "the operation"); v.Role != tc.want {
				t.Errorf("the operation runs as %s, want %s", v.Role, tc.want)
			}
		})
	}
}

// TestWebsocketCompleteFromClient checks that nothing is sent for an operation the client
// stopped, and that its ID is free again.
func TestWebsocketCompleteFromClient(t *testing.T) {
	srv, url := serveWebsocket(t, newWebsocketTransport(testConfig(t), nil), nil)
	ended := responseEnds(srv)
	c := dialWebsocket(t, url, nil, graphqlTransportWS)
	c.init(`{}`)

	c.send(message("subscribe", "1", subscribeName))
	srv.SendNextSubscriptionMessage()
	if next := c.expect("next", "1"); string(next.Payload) != `{"data":{"name":"test"}}` {
		t.Errorf("next: %s", next.Payload)
	}
	c.send(message("complete", "1", ""))
	wait(t, ended, "the operation to end")
	// The pong is the first message after the complete: no complete of the server's came
	// before it.
	c.send(message("ping", "", ""))
	c.expect("pong", "")

	c.send(message("subscribe", "1", subscribeName))
	srv.SendNextSubscriptionMessage()
	c.expect("next", "1")
	srv.SendCompleteSubscriptionMessage()
	c.expect("complete", "1")
}

// TestWebsocketErrorEndsOperation checks that an operation that fails gets an error and no
// complete after it, as graphql-transport-ws requires.
func TestWebsocketErrorEndsOperation(t *testing.T) {
	_, url := serveWebsocket(t, newWebsocketTransport(testConfig(t), nil), nil)
	c := dialWebsocket(t, url, nil, graphqlTransportWS)
	c.init("")
	c.send(message("subscribe", "1", `{"query":"subscription { nope }"}`))
	var errs []struct{ Message string }
	if err := json.Unmarshal(c.expect("error", "1").Payload, &errs); err != nil || len(errs) == 0 {
		t.Errorf("error payload: %v %v", errs, err)
	}
	c.send(message("ping", "", ""))
	c.expect("pong", "")
	// The ID is free again.
	c.send(message("subscribe", "1", `{"query":"subscription { nope }"}`))
	c.expect("error", "1")
}

func TestWebsocketSubprotocols(t *testing.T) {
	_, url := serveWebsocket(t, newWebsocketTransport(testConfig(t), nil), nil)
	for _, tc := range []struct {
		offered []string
		want    string
	}{
		{[]string{graphqlTransportWS}, graphqlTransportWS},
		{[]string{graphqlWS}, graphqlWS},
		{[]string{graphqlWS, graphqlTransportWS}, graphqlTransportWS},
		{nil, ""}, // spoken as graphql-ws
	} {
		t.Run(strings.Join(tc.offered, ","), func(t *testing.T) {
			c := dialWebsocket(t, url, nil, tc.offered...)
			if got := c.conn.Subprotocol(); got != tc.want {
				t.Fatalf("negotiated %q, want %q", got, tc.want)
			}
			c.init(`{}`)
		})
	}
}

// TestWebsocketLegacyProtocol runs an operation over graphql-ws.
func TestWebsocketLegacyProtocol(t *testing.T) {
	keys, partner := websocketKeys(t)
	srv, url := serveWebsocket(t, newWebsocketTransport(testConfig(t), keys), nil)
	ended := responseEnds(srv)

	t.Run("start, data, stop", func(t *testing.T) {
		c := dialWebsocket(t, url, nil, graphqlWS)
		c.init(`{"authorization":"Bearer ` + partner + `"}`)
		c.send(message("start", "1", subscribeName))
		srv.SendNextSubscriptionMessage()
		if data := c.expect("data", "1"); string(data.Payload) != `{"data":{"name":"test"}}` {
			t.Errorf("data: %s", data.Payload)
		}
		srv.SendNextSubscriptionMessage()
		c.expect("data", "1")
		c.send(message("stop", "1", ""))
		wait(t, ended, "the operation to end")
		// Nothing for the stopped operation comes before the close.
		c.send(message("connection_terminate", "", ""))
		c.expectClose(websocket.CloseNormalClosure)
	})
	t.Run("complete from the server", func(t *testing.T) {
		c := dialWebsocket(t, url, nil, graphqlWS)
		c.init("")
		c.send(message("start", "7", subscribeName))
		srv.SendNextSubscriptionMessage()
		c.expect("data", "7")
		srv.SendCompleteSubscriptionMessage()
		c.expect("complete", "7")
		wait(t, ended, "the operation to end")
	})
	t.Run("bad key", func(t *testing.T) {
		c := dialWebsocket(t, url, nil, graphqlWS)
		c.send(message("connection_init", "", `{"authorization":"Bearer mrd_notakey"}`))
		var e struct{ Message string }
		if err := json.Unmarshal(c.expect("connection_error", "").Payload, &e); err != nil || !strings.Contains(e.Message, "API key") {
			t.Errorf("connection_error: %+v %v", e, err)
		}
		c.expectClose(4403)
	})
}

func TestWebsocketKeepAlive(t *testing.T) {
	t.Run("graphql-ws", func(t *testing.T) {
		ws := newWebsocketTransport(testConfig(t), nil)
		ws.keepAlive = 10 * time.Millisecond
		_, url := serveWebsocket(t, ws, nil)
		c := dialWebsocket(t, url, nil, graphqlWS)
		c.init("") // reads the ka that follows the acknowledgement
		c.expect("ka", "")
		c.expect("ka", "")
	})
	t.Run("graphql-transport-ws", func(t *testing.T) {
		ws := newWebsocketTransport(testConfig(t), nil)
		ws.keepAlive = 10 * time.Millisecond
		_, url := serveWebsocket(t, ws, nil)
		c := dialWebsocket(t, url, nil, graphqlTransportWS)
		c.init("")
		for range 3 {
			c.expect("ping", "")
			c.send(message("pong", "", ""))
		}
	})
	t.Run("graphql-transport-ws without pong", func(t *testing.T) {
		ws := newWebsocketTransport(testConfig(t), nil)
		ws.keepAlive = 10 * time.Millisecond
		_, url := serveWebsocket(t, ws, nil)
		c := dialWebsocket(t, url, nil, graphqlTransportWS)
		c.init("")
		c.expectClose(0, "ping")
	})
	t.Run("ping before connection_init", func(t *testing.T) {
		_, url := serveWebsocket(t, newWebsocketTransport(testConfig(t), nil), nil)
		c := dialWebsocket(t, url, nil, graphqlTransportWS)
		c.send(message("ping", "", ""))
		c.expect("pong", "")
		c.init("")
	})
}

// TestWebsocketWriteTimeout checks that a client that stops reading is disconnected, and its
// operations stopped, once a write has waited for the write timeout.
func TestWebsocketWriteTimeout(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: "type Query { name: String! }\ntype Subscription { firehose: String! }"})
	event := &graphql.Response{Data: mustMarshal(map[string]string{"firehose": strings.Repeat("x", 16<<10)})}
	ended := make(chan struct{})
	srv := handler.New(&graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			go func() {
				<-ctx.Done()
				close(ended)
			}()
			return func(context.Context) *graphql.Response { return event }
		},
	})
	ws := newWebsocketTransport(testConfig(t), nil)
	ws.writeTimeout = 50 * time.Millisecond
	srv.AddTransport(ws)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)

	c := dialWebsocket(t, "ws"+strings.TrimPrefix(hs.URL, "http"), nil, graphqlTransportWS)
	c.init("")
	c.send(message("subscribe", "1", `{"query":"subscription { firehose }"}`))
	wait(t, ended, "the server to give up on a client that does not read")
}

func TestWebsocketReadLimit(t *testing.T) {
	_, url := serveWebsocket(t, newWebsocketTransport(testConfig(t), nil), nil)
	c := dialWebsocket(t, url, nil, graphqlTransportWS)
	c.init("")
	big := mustMarshal(map[string]any{
		"query":     "subscription { name }",
		"variables": map[string]string{"padding": strings.Repeat("x", websocketReadLimit)},
	})
	c.send(message("subscribe", "1", string(big)))
	// The server closes with 1009, though the client may see its reset first: it stopped
	// reading in the middle of the message.
	c.conn.SetReadDeadline(time.Now().Add(wsTestTimeout))
	_, data, err := c.conn.ReadMessage()
	var ce *websocket.CloseError
	if err == nil || errors.As(err, &ce) && ce.Code != websocket.CloseMessageTooBig {
		t.Errorf("got %s %v, want the connection closed for a message too big", data, err)
	}
}

func TestWebsocketOrigin(t *testing.T) {
	for _, tc := range []struct {
		name    string
		flags   []string
		origin  string // "self" for the server's own
		allowed bool
	}{
		{"no Origin", nil, "", true},
		{"own origin", nil, "self", true},
		{"other origin", nil, "https://fair.example.org", false},
		{"null origin", nil, "null", false},
		{"listed", []string{"--allowed-origins", "https://fair.example.org, https://app.example.org"}, "https://app.example.org", true},
		{"listed, other case", []string{"--allowed-origins", "https://App.Example.org"}, "https://app.example.ORG", true},
		{"listed, own origin still", []string{"--allowed-origins", "https://app.example.org"}, "self", true},
		{"not listed", []string{"--allowed-origins", "https://app.example.org"}, "https://fair.example.org", false},
		{"listed with another scheme", []string{"--allowed-origins", "https://app.example.org"}, "http://app.example.org", false},
		{"listed as a suffix", []string{"--allowed-origins", "https://example.org"}, "https://example.org.evil.example", false},
		{"any", []string{"--allowed-origins", "*"}, "https://anywhere.example", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, url := serveWebsocket(t, newWebsocketTransport(testConfig(t, tc.flags...), nil), nil)
			header := http.Header{}
			switch tc.origin {
			case "":
			case "self":
				header.Set("Origin", "http"+strings.TrimSuffix(strings.TrimPrefix(url, "ws"), "/graphql"))
			default:
				header.Set("Origin", tc.origin)
			}
			d := websocket.Dialer{HandshakeTimeout: wsTestTimeout, Subprotocols: []string{graphqlTransportWS}}
			conn, res, err := d.Dial(url, header)
			if tc.allowed {
				if err != nil {
					t.Fatalf("refused: %v (%s)", err, handshakeAnswer(res))
				}
				conn.Close()
				return
			}
			if err == nil {
				conn.Close()
				t.Fatal("accepted")
			}
			if res == nil || res.StatusCode != http.StatusForbidden {
				t.Fatalf("got %v (%s), want 403", err, handshakeAnswer(res))
			}
			if code := refusalCode(t, res); code != "FORBIDDEN" {
				t.Errorf("code %q, want FORBIDDEN", code)
			}
		})
	}
}

// refusalCode returns the code of the one GraphQL error in the body of res, and fails if
// the body is anything more.
func refusalCode(t *testing.T, res *http.Response) string {
	t.Helper()
	dec := json.NewDecoder(res.Body)
	var body struct{ Errors []gqlError }
	if err := dec.Decode(&body); err != nil || len(body.Errors) != 1 {
		t.Fatalf("body: %+v %v", body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Errorf("more after the error: %v", err)
	}
	return body.Errors[0].code()
}

// TestWebsocketBadHandshake checks that an upgrade request that is not a websocket
// handshake is refused with one GraphQL error.
func TestWebsocketBadHandshake(t *testing.T) {
	_, url := serveWebsocket(t, newWebsocketTransport(testConfig(t), nil), nil)
	req, err := http.NewRequest(http.MethodGet, "http"+strings.TrimPrefix(url, "ws"), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13") // and no Sec-WebSocket-Key
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", res.StatusCode)
	}
	if code := refusalCode(t, res); code != "BAD_USER_INPUT" {
		t.Errorf("code %q, want BAD_USER_INPUT", code)
	}
}

// unwrapOnly is a response writer of a middleware that reaches the connection through
// Unwrap only.
type unwrapOnly struct{ http.ResponseWriter }

func (w unwrapOnly) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func TestWebsocketBehindMiddleware(t *testing.T) {
	srv, url := serveWebsocket(t, newWebsocketTransport(testConfig(t), nil), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(unwrapOnly{w}, r)
		})
	})
	c := dialWebsocket(t, url, nil, graphqlTransportWS)
	c.init("")
	c.send(message("subscribe", "1", subscribeName))
	srv.SendNextSubscriptionMessage()
	c.expect("next", "1")
}

func TestParseAllowedOrigins(t *testing.T) {
	env := map[string]string{"MAARID_ALLOWED_ORIGINS": "https://Fair.example.org, http://localhost:5173/"}
	c, err := parseConfig(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://fair.example.org", "http://localhost:5173"}; !slices.Equal(c.allowedOrigins, want) {
		t.Errorf("from the variable: %q, want %q", c.allowedOrigins, want)
	}
	c, err = parseConfig([]string{"--allowed-origins", "*"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil || !slices.Equal(c.allowedOrigins, []string{"*"}) {
		t.Errorf("the flag over the variable: %q %v", c.allowedOrigins, err)
	}
	if c := testConfig(t); c.allowedOrigins != nil {
		t.Errorf("default: %q, want none", c.allowedOrigins)
	}
	for _, bad := range []string{"fair.example.org", "https://", "https://fair.example.org/app", "https://fair.example.org?x=1", "https://user@fair.example.org"} {
		if _, err := parseConfig([]string{"--allowed-origins", bad}, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestWebsocketThroughRoutes opens a websocket to the whole server, through its middleware.
func TestWebsocketThroughRoutes(t *testing.T) {
	a := newAPI(t, "sqlite")
	hs := httptest.NewServer(a.handler)
	t.Cleanup(hs.Close)
	c := dialWebsocket(t, "ws"+strings.TrimPrefix(hs.URL, "http")+"/graphql", nil, graphqlTransportWS)
	secret := a.key(t, auth.Partner, "").Get("Authorization")
	c.init(`{"authorization":"` + secret + `"}`)
	c.send(message("subscribe", "q", `{"query":"{ __typename }"}`))
	if next := c.expect("next", "q"); !strings.HasPrefix(string(next.Payload), `{"data":{"__typename":"Query"},"extensions":{"cost":{"requested":1,`) {
		t.Errorf("next: %s", next.Payload)
	}
	c.expect("complete", "q")
}

// clientFrame is a text frame as a client sends it: masked, here with a zero key.
func clientFrame(payload string) []byte {
	if len(payload) > 125 {
		panic("clientFrame writes short frames only")
	}
	return append([]byte{0x81, 0x80 | byte(len(payload)), 0, 0, 0, 0}, payload...)
}

// TestWebsocketMessagesTogether checks that messages that arrive together are all read, even
// though the connection waits for its client between messages, and that a message that
// arrives in pieces is read once it is whole.
func TestWebsocketMessagesTogether(t *testing.T) {
	_, url := serveWebsocket(t, newWebsocketTransport(testConfig(t), nil), nil)
	c := dialWebsocket(t, url, nil, graphqlTransportWS)
	var together []byte
	together = append(together, clientFrame(message("connection_init", "", `{}`))...)
	together = append(together, clientFrame(message("ping", "", ""))...)
	together = append(together, clientFrame(message("ping", "", `{"n":2}`))...)
	if _, err := c.conn.NetConn().Write(together); err != nil {
		t.Fatal(err)
	}
	c.expect("connection_ack", "")
	c.expect("pong", "")
	c.expect("pong", "")

	piece := clientFrame(message("ping", "", ""))
	for _, b := range [][]byte{piece[:1], piece[1:5], piece[5:]} {
		if _, err := c.conn.NetConn().Write(b); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.expect("pong", "")
}

// TestWebsocketGoingAway checks that the open connections are closed with 1001 when the
// server stops, and that a connection opened after is closed at once.
func TestWebsocketGoingAway(t *testing.T) {
	ws := newWebsocketTransport(testConfig(t), nil)
	_, url := serveWebsocket(t, ws, nil)
	open := make([]*wsClient, 3)
	for i := range open {
		open[i] = dialWebsocket(t, url, nil, graphqlTransportWS)
		open[i].init(`{}`)
	}
	ws.stop()
	for _, c := range open {
		if ce := c.expectClose(websocket.CloseGoingAway); !strings.Contains(ce.Text, "resume") {
			t.Errorf("going away: %q", ce.Text)
		}
	}
	late := dialWebsocket(t, url, nil, graphqlTransportWS)
	late.expectClose(websocket.CloseGoingAway)
	// Each connection lets go of its place once its read ends.
	deadline := time.Now().Add(wsTestTimeout)
	for len(ws.conns.stop()) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still held", len(ws.conns.stop()))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestConnectionContext checks what a websocket keeps of its upgrade request's context: the
// values its operations read, not the request's end nor its other values.
func TestConnectionContext(t *testing.T) {
	type otherKey struct{}
	viewer := &auth.Viewer{Role: auth.Organiser, Name: "régie"}
	req, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "kept by the request"))
	req = maarid.WithRequestID(req, "req-42")
	req = i18n.WithRequest(req, i18n.FR, i18n.AR)
	req = auth.NewContext(req, viewer)
	c := connectionContext(req)
	cancel()

	if c.Err() != nil {
		t.Errorf("the connection ended with its request: %v", c.Err())
	}
	if got := maarid.RequestID(c); got != "req-42" {
		t.Errorf("request ID %q", got)
	}
	if got := i18n.Requested(c); got != i18n.FR {
		t.Errorf("language %q", got)
	}
	if got := auth.FromContext(c); got != viewer {
		t.Errorf("viewer %+v", got)
	}
	if c.Value(otherKey{}) != nil {
		t.Error("the connection holds the rest of the request's context")
	}
}
