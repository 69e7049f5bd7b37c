package stream

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
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
	"maarid/stream/streamtest"
)

// subscribeName is the subscription of gqlgen's test schema.
const subscribeName = `{"query":"subscription { name }"}`

// serveWebsocket serves ws on gqlgen's test schema, whose subscription sends an event on
// SendNextSubscriptionMessage and ends on SendCompleteSubscriptionMessage, and returns the
// schema's server and the websocket URL. wrap, when not nil, goes around the handler.
func serveWebsocket(t *testing.T, ws *Websocket, wrap func(http.Handler) http.Handler) (*testserver.TestServer, string) {
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
	case <-time.After(streamtest.Timeout):
		t.Fatalf("waited %s for %s", streamtest.Timeout, what)
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

func TestWebsocketCloseCodes(t *testing.T) {
	keys, _ := websocketKeys(t)
	revoked, key, err := keys.Create(context.Background(), auth.Partner, "revoked", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Revoke(context.Background(), key.ID); err != nil {
		t.Fatal(err)
	}
	subscribe := func(id string) string { return streamtest.Message("subscribe", id, subscribeName) }
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
		{name: "a server's message", init: true, messages: []string{streamtest.Message("next", "1", `{}`)}, code: 4400},
		{name: "connection_init payload not an object", messages: []string{streamtest.Message("connection_init", "", `"Bearer mrd_x"`)}, code: 4400},
		{name: "authorization not a string", messages: []string{streamtest.Message("connection_init", "", `{"authorization":42}`)}, code: 4400},
		{name: "two different keys", messages: []string{streamtest.Message("connection_init", "", `{"authorization":"Bearer mrd_a","Authorization":"Bearer mrd_b"}`)}, code: 4400},
		{name: "subscribe without id", init: true, messages: []string{streamtest.Message("subscribe", "", subscribeName)}, code: 4400},
		{name: "subscribe with a number for id", init: true, messages: []string{`{"type":"subscribe","id":1,"payload":` + subscribeName + `}`}, code: 4400},
		{name: "subscribe without payload", init: true, messages: []string{streamtest.Message("subscribe", "1", "")}, code: 4400},
		{name: "complete without id", init: true, messages: []string{streamtest.Message("complete", "", "")}, code: 4400},
		{name: "subscribe before connection_init", messages: []string{subscribe("1")}, code: 4401},
		{name: "unknown key", messages: []string{streamtest.Message("connection_init", "", `{"authorization":"Bearer mrd_notakey"}`)}, code: 4403},
		{name: "not a bearer key", messages: []string{streamtest.Message("connection_init", "", `{"Authorization":"Basic dXNlcjpwYXNz"}`)}, code: 4403},
		{name: "revoked key", messages: []string{streamtest.Message("connection_init", "", `{"authorization":"Bearer `+revoked+`"}`)}, code: 4403},
		{name: "no connection_init in time", initTimeout: 50 * time.Millisecond, code: 4408},
		{name: "operation ID in use", init: true, messages: []string{subscribe("1"), subscribe("1")}, code: 4409},
		{name: "second connection_init", init: true, messages: []string{streamtest.Message("connection_init", "", "")}, code: 4429},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := NewWebsocket(testConfig(keys))
			if tc.initTimeout != 0 {
				ws.initTimeout = tc.initTimeout
			}
			_, url := serveWebsocket(t, ws, nil)
			c := streamtest.Dial(t, url, nil, GraphQLTransportWS)
			if tc.init {
				c.Init("")
			}
			for _, m := range tc.messages {
				c.Send(m)
			}
			c.ExpectClose(tc.code)
		})
	}
}

// TestWebsocketKey checks which viewer a connection's operations run as.
func TestWebsocketKey(t *testing.T) {
	keys, partner := websocketKeys(t)
	organiser := newKey(t, keys, auth.Organiser)
	srv := testserver.New()
	srv.AddTransport(NewWebsocket(testConfig(keys)))
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
			c := streamtest.Dial(t, url, tc.header, GraphQLTransportWS)
			c.Init(tc.payload)
			c.Send(streamtest.Message("subscribe", "1", subscribeName))
			if v := wait(t, viewers, "the operation"); v.Role != tc.want {
				t.Errorf("the operation runs as %s, want %s", v.Role, tc.want)
			}
		})
	}
}

// TestWebsocketCompleteFromClient checks that nothing is sent for an operation the client
// stopped, and that its ID is free again.
func TestWebsocketCompleteFromClient(t *testing.T) {
	srv, url := serveWebsocket(t, NewWebsocket(testConfig(nil)), nil)
	ended := responseEnds(srv)
	c := streamtest.Dial(t, url, nil, GraphQLTransportWS)
	c.Init(`{}`)

	c.Send(streamtest.Message("subscribe", "1", subscribeName))
	srv.SendNextSubscriptionMessage()
	if next := c.Expect("next", "1"); string(next.Payload) != `{"data":{"name":"test"}}` {
		t.Errorf("next: %s", next.Payload)
	}
	c.Send(streamtest.Message("complete", "1", ""))
	wait(t, ended, "the operation to end")
	// The pong is the first message after the complete: no complete of the server's came
	// before it.
	c.Send(streamtest.Message("ping", "", ""))
	c.Expect("pong", "")

	c.Send(streamtest.Message("subscribe", "1", subscribeName))
	srv.SendNextSubscriptionMessage()
	c.Expect("next", "1")
	srv.SendCompleteSubscriptionMessage()
	c.Expect("complete", "1")
}

// TestWebsocketErrorEndsOperation checks that an operation that fails gets an error and no
// complete after it, as graphql-transport-ws requires.
func TestWebsocketErrorEndsOperation(t *testing.T) {
	_, url := serveWebsocket(t, NewWebsocket(testConfig(nil)), nil)
	c := streamtest.Dial(t, url, nil, GraphQLTransportWS)
	c.Init("")
	c.Send(streamtest.Message("subscribe", "1", `{"query":"subscription { nope }"}`))
	var errs []struct{ Message string }
	if err := json.Unmarshal(c.Expect("error", "1").Payload, &errs); err != nil || len(errs) == 0 {
		t.Errorf("error payload: %v %v", errs, err)
	}
	c.Send(streamtest.Message("ping", "", ""))
	c.Expect("pong", "")
	// The ID is free again.
	c.Send(streamtest.Message("subscribe", "1", `{"query":"subscription { nope }"}`))
	c.Expect("error", "1")
}

func TestWebsocketSubprotocols(t *testing.T) {
	_, url := serveWebsocket(t, NewWebsocket(testConfig(nil)), nil)
	for _, tc := range []struct {
		offered []string
		want    string
	}{
		{[]string{GraphQLTransportWS}, GraphQLTransportWS},
		{[]string{GraphQLWS}, GraphQLWS},
		{[]string{GraphQLWS, GraphQLTransportWS}, GraphQLTransportWS},
		{nil, ""}, // spoken as graphql-ws
	} {
		t.Run(strings.Join(tc.offered, ","), func(t *testing.T) {
			c := streamtest.Dial(t, url, nil, tc.offered...)
			if got := c.Conn.Subprotocol(); got != tc.want {
				t.Fatalf("negotiated %q, want %q", got, tc.want)
			}
			c.Init(`{}`)
		})
	}
}

// TestWebsocketLegacyProtocol runs an operation over graphql-ws.
func TestWebsocketLegacyProtocol(t *testing.T) {
	keys, partner := websocketKeys(t)
	srv, url := serveWebsocket(t, NewWebsocket(testConfig(keys)), nil)
	ended := responseEnds(srv)

	t.Run("start, data, stop", func(t *testing.T) {
		c := streamtest.Dial(t, url, nil, GraphQLWS)
		c.Init(`{"authorization":"Bearer ` + partner + `"}`)
		c.Send(streamtest.Message("start", "1", subscribeName))
		srv.SendNextSubscriptionMessage()
		if data := c.Expect("data", "1"); string(data.Payload) != `{"data":{"name":"test"}}` {
			t.Errorf("data: %s", data.Payload)
		}
		srv.SendNextSubscriptionMessage()
		c.Expect("data", "1")
		c.Send(streamtest.Message("stop", "1", ""))
		wait(t, ended, "the operation to end")
		// Nothing for the stopped operation comes before the close.
		c.Send(streamtest.Message("connection_terminate", "", ""))
		c.ExpectClose(websocket.CloseNormalClosure)
	})
	t.Run("complete from the server", func(t *testing.T) {
		c := streamtest.Dial(t, url, nil, GraphQLWS)
		c.Init("")
		c.Send(streamtest.Message("start", "7", subscribeName))
		srv.SendNextSubscriptionMessage()
		c.Expect("data", "7")
		srv.SendCompleteSubscriptionMessage()
		c.Expect("complete", "7")
		wait(t, ended, "the operation to end")
	})
	t.Run("bad key", func(t *testing.T) {
		c := streamtest.Dial(t, url, nil, GraphQLWS)
		c.Send(streamtest.Message("connection_init", "", `{"authorization":"Bearer mrd_notakey"}`))
		var e struct{ Message string }
		if err := json.Unmarshal(c.Expect("connection_error", "").Payload, &e); err != nil || !strings.Contains(e.Message, "API key") {
			t.Errorf("connection_error: %+v %v", e, err)
		}
		c.ExpectClose(4403)
	})
}

func TestWebsocketKeepAlive(t *testing.T) {
	t.Run("graphql-ws", func(t *testing.T) {
		ws := NewWebsocket(testConfig(nil))
		ws.keepAlive = 10 * time.Millisecond
		_, url := serveWebsocket(t, ws, nil)
		c := streamtest.Dial(t, url, nil, GraphQLWS)
		c.Init("") // reads the ka that follows the acknowledgement
		c.Expect("ka", "")
		c.Expect("ka", "")
	})
	t.Run("graphql-transport-ws", func(t *testing.T) {
		ws := NewWebsocket(testConfig(nil))
		ws.keepAlive = 10 * time.Millisecond
		_, url := serveWebsocket(t, ws, nil)
		c := streamtest.Dial(t, url, nil, GraphQLTransportWS)
		c.Init("")
		for range 3 {
			c.Expect("ping", "")
			c.Send(streamtest.Message("pong", "", ""))
		}
	})
	t.Run("graphql-transport-ws without pong", func(t *testing.T) {
		ws := NewWebsocket(testConfig(nil))
		ws.keepAlive = 10 * time.Millisecond
		_, url := serveWebsocket(t, ws, nil)
		c := streamtest.Dial(t, url, nil, GraphQLTransportWS)
		c.Init("")
		c.ExpectClose(0, "ping")
	})
	t.Run("ping before connection_init", func(t *testing.T) {
		_, url := serveWebsocket(t, NewWebsocket(testConfig(nil)), nil)
		c := streamtest.Dial(t, url, nil, GraphQLTransportWS)
		c.Send(streamtest.Message("ping", "", ""))
		c.Expect("pong", "")
		c.Init("")
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
	ws := NewWebsocket(testConfig(nil))
	ws.writeTimeout = 50 * time.Millisecond
	srv.AddTransport(ws)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)

	c := streamtest.Dial(t, "ws"+strings.TrimPrefix(hs.URL, "http"), nil, GraphQLTransportWS)
	c.Init("")
	c.Send(streamtest.Message("subscribe", "1", `{"query":"subscription { firehose }"}`))
	wait(t, ended, "the server to give up on a client that does not read")
}

func TestWebsocketReadLimit(t *testing.T) {
	_, url := serveWebsocket(t, NewWebsocket(testConfig(nil)), nil)
	c := streamtest.Dial(t, url, nil, GraphQLTransportWS)
	c.Init("")
	big := mustMarshal(map[string]any{
		"query":     "subscription { name }",
		"variables": map[string]string{"padding": strings.Repeat("x", websocketReadLimit)},
	})
	c.Send(streamtest.Message("subscribe", "1", string(big)))
	// The server closes with 1009, though the client may see its reset first: it stopped
	// reading in the middle of the message.
	c.Conn.SetReadDeadline(time.Now().Add(streamtest.Timeout))
	_, data, err := c.Conn.ReadMessage()
	var ce *websocket.CloseError
	if err == nil || errors.As(err, &ce) && ce.Code != websocket.CloseMessageTooBig {
		t.Errorf("got %s %v, want the connection closed for a message too big", data, err)
	}
}

func TestWebsocketOrigin(t *testing.T) {
	for _, tc := range []struct {
		name    string
		origins string // --allowed-origins
		origin  string // "self" for the server's own
		allowed bool
	}{
		{"no Origin", "", "", true},
		{"own origin", "", "self", true},
		{"other origin", "", "https://fair.example.org", false},
		{"null origin", "", "null", false},
		{"listed", "https://fair.example.org, https://app.example.org", "https://app.example.org", true},
		{"listed, other case", "https://App.Example.org", "https://app.example.ORG", true},
		{"listed, own origin still", "https://app.example.org", "self", true},
		{"not listed", "https://app.example.org", "https://fair.example.org", false},
		{"listed with another scheme", "https://app.example.org", "http://app.example.org", false},
		{"listed as a suffix", "https://example.org", "https://example.org.evil.example", false},
		{"any", "*", "https://anywhere.example", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testConfig(nil)
			var err error
			if c.AllowedOrigins, err = ParseOrigins(tc.origins); err != nil {
				t.Fatal(err)
			}
			_, url := serveWebsocket(t, NewWebsocket(c), nil)
			header := http.Header{}
			switch tc.origin {
			case "":
			case "self":
				header.Set("Origin", "http"+strings.TrimSuffix(strings.TrimPrefix(url, "ws"), "/graphql"))
			default:
				header.Set("Origin", tc.origin)
			}
			d := websocket.Dialer{HandshakeTimeout: streamtest.Timeout, Subprotocols: []string{GraphQLTransportWS}}
			conn, res, err := d.Dial(url, header)
			if tc.allowed {
				if err != nil {
					t.Fatalf("refused: %v (%s)", err, streamtest.HandshakeAnswer(res))
				}
				conn.Close()
				return
			}
			if err == nil {
				conn.Close()
				t.Fatal("accepted")
			}
			if res == nil || res.StatusCode != http.StatusForbidden {
				t.Fatalf("got %v (%s), want 403", err, streamtest.HandshakeAnswer(res))
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
	var body struct {
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if err := dec.Decode(&body); err != nil || len(body.Errors) != 1 {
		t.Fatalf("body: %+v %v", body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Errorf("more after the error: %v", err)
	}
	return body.Errors[0].Extensions.Code
}

// TestWebsocketBadHandshake checks that an upgrade request that is not a websocket
// handshake is refused with one GraphQL error.
func TestWebsocketBadHandshake(t *testing.T) {
	_, url := serveWebsocket(t, NewWebsocket(testConfig(nil)), nil)
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
	srv, url := serveWebsocket(t, NewWebsocket(testConfig(nil)), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(unwrapOnly{w}, r)
		})
	})
	c := streamtest.Dial(t, url, nil, GraphQLTransportWS)
	c.Init("")
	c.Send(streamtest.Message("subscribe", "1", subscribeName))
	srv.SendNextSubscriptionMessage()
	c.Expect("next", "1")
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
	_, url := serveWebsocket(t, NewWebsocket(testConfig(nil)), nil)
	c := streamtest.Dial(t, url, nil, GraphQLTransportWS)
	var together []byte
	together = append(together, clientFrame(streamtest.Message("connection_init", "", `{}`))...)
	together = append(together, clientFrame(streamtest.Message("ping", "", ""))...)
	together = append(together, clientFrame(streamtest.Message("ping", "", `{"n":2}`))...)
	if _, err := c.Conn.NetConn().Write(together); err != nil {
		t.Fatal(err)
	}
	c.Expect("connection_ack", "")
	c.Expect("pong", "")
	c.Expect("pong", "")

	piece := clientFrame(streamtest.Message("ping", "", ""))
	for _, b := range [][]byte{piece[:1], piece[1:5], piece[5:]} {
		if _, err := c.Conn.NetConn().Write(b); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.Expect("pong", "")
}

// TestWebsocketGoingAway checks that the open connections are closed with 1001 when the
// server stops, and that a connection opened after is closed at once.
func TestWebsocketGoingAway(t *testing.T) {
	ws := NewWebsocket(testConfig(nil))
	_, url := serveWebsocket(t, ws, nil)
	open := make([]*streamtest.Client, 3)
	for i := range open {
		open[i] = streamtest.Dial(t, url, nil, GraphQLTransportWS)
		open[i].Init(`{}`)
	}
	ws.Stop()
	for _, c := range open {
		if ce := c.ExpectClose(websocket.CloseGoingAway); !strings.Contains(ce.Text, "resume") {
			t.Errorf("going away: %q", ce.Text)
		}
	}
	late := streamtest.Dial(t, url, nil, GraphQLTransportWS)
	late.ExpectClose(websocket.CloseGoingAway)
	// Each connection lets go of its place once its read ends.
	deadline := time.Now().Add(streamtest.Timeout)
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
	c := (&Websocket{}).connectionContext(req)
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
