// Package streamtest is a client for the tests of the GraphQL transports: it speaks
// graphql-transport-ws and graphql-ws message by message, reads server-sent events, and fails
// the test on anything unexpected.
package streamtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Timeout bounds every wait of the tests; none comes near it unless something is wrong.
const Timeout = 5 * time.Second

// Envelope is a message of either protocol.
type Envelope struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Message returns a protocol message; payload is JSON, or empty for none.
func Message(typ, id, payload string) string {
	b, err := json.Marshal(Envelope{Type: typ, ID: id, Payload: json.RawMessage(payload)})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Client is a websocket client under test.
type Client struct {
	t    testing.TB
	Conn *websocket.Conn
}

// Dial opens a websocket to url offering subprotocols; it is closed when the test ends.
func Dial(t testing.TB, url string, header http.Header, subprotocols ...string) *Client {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: Timeout, Subprotocols: subprotocols}
	conn, res, err := d.Dial(url, header)
	if err != nil {
		t.Fatalf("opening a websocket: %v (%s)", err, HandshakeAnswer(res))
	}
	t.Cleanup(func() { conn.Close() })
	return &Client{t: t, Conn: conn}
}

// HandshakeAnswer returns the status and body of the answer to a refused upgrade.
func HandshakeAnswer(res *http.Response) string {
	if res == nil {
		return "no answer"
	}
	body, _ := io.ReadAll(res.Body)
	return res.Status + " " + string(body)
}

// Send sends a message as it is written.
func (c *Client) Send(raw string) {
	c.t.Helper()
	if err := c.Conn.WriteMessage(websocket.TextMessage, []byte(raw)); err != nil {
		c.t.Fatalf("sending %s: %v", raw, err)
	}
}

// Read reads the next message.
func (c *Client) Read() Envelope {
	c.t.Helper()
	c.Conn.SetReadDeadline(time.Now().Add(Timeout))
	_, data, err := c.Conn.ReadMessage()
	if err != nil {
		c.t.Fatalf("reading: %v", err)
	}
	var m Envelope
	if err := json.Unmarshal(data, &m); err != nil {
		c.t.Fatalf("reading %s: %v", data, err)
	}
	return m
}

// Expect reads the next message and fails unless it has type typ and ID id.
func (c *Client) Expect(typ, id string) Envelope {
	c.t.Helper()
	m := c.Read()
	if m.Type != typ || m.ID != id {
		got, _ := json.Marshal(m)
		c.t.Fatalf("got %s, want %s %q", got, typ, id)
	}
	return m
}

// ExpectClose reads until the server closes the connection, skipping messages of the types
// in skip, and fails unless it closes with code (any code when code is 0).
func (c *Client) ExpectClose(code int, skip ...string) *websocket.CloseError {
	c.t.Helper()
	c.Conn.SetReadDeadline(time.Now().Add(Timeout))
	for {
		_, data, err := c.Conn.ReadMessage()
		if err == nil {
			var m Envelope
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

// Init sends connection_init with payload and reads the acknowledgement (and, on graphql-ws,
// the first keep-alive).
func (c *Client) Init(payload string) {
	c.t.Helper()
	c.Send(Message("connection_init", "", payload))
	c.Expect("connection_ack", "")
	if c.Conn.Subprotocol() != "graphql-transport-ws" {
		c.Expect("ka", "")
	}
}

// Events reads a stream of server-sent events.
type Events struct{ lines *bufio.Scanner }

// ReadEvents reads the events of body.
func ReadEvents(body io.Reader) *Events { return &Events{lines: bufio.NewScanner(body)} }

// Next returns the next event and its data; it fails the test when the stream ends first.
func (e *Events) Next(t testing.TB) (event, data string) {
	t.Helper()
	for e.lines.Scan() {
		line := e.lines.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		case line == "" && event != "":
			return event, data
		}
	}
	t.Fatalf("the stream ended: %v", e.lines.Err())
	return "", ""
}
