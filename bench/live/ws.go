package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// The messages of graphql-transport-ws that this client reads and writes.
type message struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

var (
	pongMessage = []byte(`{"type":"pong"}`)
	// feedQuery is the screens' subscription to the programme's changes.
	feedQuery = operation("ScreenFeed")
)

// change is what the driver reads of a programme change.
type change struct {
	Cursor string    `json:"cursor"`
	At     time.Time `json:"at"`
}

// event is one message of a feed: a change, or the end of the subscription.
type event struct {
	change   change
	seq      int64
	received time.Time
	// ended: the server ended the subscription (complete, or an error); resume, when not
	// empty, is the cursor a FELL_BEHIND error says to subscribe again from.
	ended  bool
	resume string
}

// errProtocol marks a message that breaks graphql-transport-ws or the feed's contract.
var errProtocol = errors.New("protocol failure")

// dialer opens the websocket connections of the driver, with small buffers so that ten
// thousand of them fit beside the server, from source addresses taken in turn.
type dialer struct {
	url     string
	ws      websocket.Dialer
	sources []net.IP
	next    atomic.Uint64
}

// newDialer returns a dialer of the websocket at addr from the loopback addresses
// 127.0.0.1 to 127.0.0.<sources>.
func newDialer(addr string, sources int) *dialer {
	d := &dialer{url: "ws://" + addr + "/graphql"}
	for i := 1; i <= max(sources, 1); i++ {
		d.sources = append(d.sources, net.IPv4(127, 0, 0, byte(i)))
	}
	d.ws = websocket.Dialer{
		Subprotocols:     []string{"graphql-transport-ws"},
		HandshakeTimeout: 30 * time.Second,
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			src := d.sources[d.next.Add(1)%uint64(len(d.sources))]
			nd := net.Dialer{LocalAddr: &net.TCPAddr{IP: src}}
			return nd.DialContext(ctx, network, addr)
		},
	}
	return d
}

// feed is one subscription to ScreenFeed on a connection of its own.
type feed struct {
	conn *websocket.Conn
	// servedBy names the instance that answered the upgrade, where a balancer says so
	// (X-Served-By).
	servedBy string
}

// subscribe connects, sends connection_init (with the key when there is one), waits for
// connection_ack and subscribes to the programme's changes after since.
func (d *dialer) subscribe(ctx context.Context, key string, since int64) (*feed, error) {
	conn, resp, err := d.ws.DialContext(ctx, d.url, http.Header{})
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("websocket upgrade: HTTP %d: %w", resp.StatusCode, err)
		}
		return nil, err
	}
	if conn.Subprotocol() != "graphql-transport-ws" {
		conn.Close()
		return nil, fmt.Errorf("%w: the server chose the subprotocol %q", errProtocol, conn.Subprotocol())
	}
	f := &feed{conn: conn, servedBy: resp.Header.Get("X-Served-By")}
	init := map[string]any{}
	if key != "" {
		init["authorization"] = "Bearer " + key
	}
	if err := f.send(message{Type: "connection_init", Payload: mustJSON(init)}); err != nil {
		conn.Close()
		return nil, err
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(30 * time.Second)
	}
	conn.SetReadDeadline(deadline)
	r, err := f.receive()
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("waiting for connection_ack: %w", err)
	}
	var m message
	if err := json.Unmarshal(r.data, &m); err != nil || m.Type != "connection_ack" {
		conn.Close()
		return nil, fmt.Errorf("%w: %.200s before connection_ack", errProtocol, r.data)
	}
	conn.SetReadDeadline(time.Time{})
	sub := message{Type: "subscribe", ID: "feed", Payload: mustJSON(map[string]any{
		"query":     feedQuery,
		"variables": map[string]any{"since": strconv.FormatInt(since, 10)},
	})}
	if err := f.send(sub); err != nil {
		conn.Close()
		return nil, err
	}
	return f, nil
}

func (f *feed) send(m message) error {
	return f.conn.WriteMessage(websocket.TextMessage, mustJSON(m))
}

// next returns the next change or the end of the subscription, answering the server's pings
// on the way. Only the feed's own goroutine may call it.
func (f *feed) next() (event, error) {
	r, err := f.receive()
	if err != nil {
		return event{}, err
	}
	return f.decode(r.data, r.at)
}

// receipt is a message as a subscriber received it.
type receipt struct {
	data []byte
	at   time.Time
}

// The types of the messages that receive answers or skips, told apart without decoding.
var (
	pingType = []byte(`"type":"ping"`)
	pongType = []byte(`"type":"pong"`)
)

// receive returns the next message that is neither a ping nor a pong, undecoded, with the
// time it was received; it answers the server's pings on the way. Only the feed's own
// goroutine may call it.
func (f *feed) receive() (receipt, error) {
	for {
		_, data, err := f.conn.ReadMessage()
		at := time.Now()
		switch {
		case err != nil:
			return receipt{}, err
		case bytes.Contains(data, pingType):
			if err := f.conn.WriteMessage(websocket.TextMessage, pongMessage); err != nil {
				return receipt{}, err
			}
		case !bytes.Contains(data, pongType):
			return receipt{data, at}, nil
		}
	}
}

// decode reads a message of the feed, received at received.
func (f *feed) decode(data []byte, received time.Time) (event, error) {
	var m message
	if err := json.Unmarshal(data, &m); err != nil {
		return event{}, fmt.Errorf("%w: not JSON: %.200s", errProtocol, data)
	}
	switch m.Type {
	case "complete":
		if m.ID != "feed" {
			return event{}, fmt.Errorf("%w: complete of an unknown operation: %.200s", errProtocol, data)
		}
		return event{ended: true}, nil
	case "error":
		// The subscription was refused, or ended: its payload is a list of errors.
		var errs []gqlError
		if err := json.Unmarshal(m.Payload, &errs); err != nil || len(errs) == 0 {
			return event{}, fmt.Errorf("%w: %.200s", errProtocol, data)
		}
		return endWith(errs, data)
	case "next":
		if m.ID != "feed" {
			return event{}, fmt.Errorf("%w: next of an unknown operation: %.200s", errProtocol, data)
		}
		var payload struct {
			Data *struct {
				ProgrammeChanged *change `json:"programmeChanged"`
			} `json:"data"`
			Errors []gqlError `json:"errors"`
		}
		if err := json.Unmarshal(m.Payload, &payload); err != nil {
			return event{}, fmt.Errorf("%w: %v: %.200s", errProtocol, err, data)
		}
		if len(payload.Errors) > 0 {
			// A feed that ends says why as its last result, then completes.
			return endWith(payload.Errors, data)
		}
		if payload.Data == nil || payload.Data.ProgrammeChanged == nil {
			return event{}, fmt.Errorf("%w: a result without a change: %.200s", errProtocol, data)
		}
		c := *payload.Data.ProgrammeChanged
		seq, err := strconv.ParseInt(c.Cursor, 10, 64)
		if err != nil {
			return event{}, fmt.Errorf("%w: cursor %q", errProtocol, c.Cursor)
		}
		return event{change: c, seq: seq, received: received}, nil
	default:
		return event{}, fmt.Errorf("%w: unexpected message: %.200s", errProtocol, data)
	}
}

// endWith is the end of a subscription by errs: FELL_BEHIND says where to resume, anything
// else is a failure.
func endWith(errs []gqlError, data []byte) (event, error) {
	if errs[0].Extensions.Code == "FELL_BEHIND" && errs[0].Extensions.Cursor != "" {
		return event{ended: true, resume: errs[0].Extensions.Cursor}, nil
	}
	return event{}, fmt.Errorf("%w: the subscription failed: %.300s", errProtocol, data)
}

// drop closes the TCP connection without a close frame, as a client that loses its network or
// is killed does.
func (f *feed) drop() {
	f.conn.NetConn().Close()
}

// reset closes the TCP connection with a reset: no close frame, and no TIME_WAIT that would
// hold the connection's ephemeral port for a minute after a run of thousands.
func (f *feed) reset() {
	if tcp, ok := f.conn.NetConn().(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	f.conn.NetConn().Close()
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
