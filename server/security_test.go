package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"maarid/auth"
	"maarid/ent/product"
)

// The security regression suite: one test per hole found by attacking the server as an
// outsider would, each sending the attack as it was written and checking the refusal and that
// nothing was written.

// sseEvent is one event of a stream of server-sent events.
type sseEvent struct {
	name string // "next" unless the event names itself
	data string
}

// stream sends r as a request for server-sent events and returns the events until the stream
// ends.
func stream(t *testing.T, url string, r request) []sseEvent {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": r.query, "operationName": r.operation, "variables": r.variables})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var events []sseEvent
	name := "next"
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() {
		line := lines.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
			if name == "complete" {
				return append(events, sseEvent{name: name})
			}
		case strings.HasPrefix(line, "data: "):
			events = append(events, sseEvent{name: name, data: strings.TrimPrefix(line, "data: ")})
			name = "next"
		}
	}
	if err := lines.Err(); err != nil {
		t.Fatalf("reading the stream: %v", err)
	}
	return events
}

// TestOperationsOverStreams sends a query and a mutation over both websocket subprotocols and
// as server-sent events: each gets one result and then complete, and the mutation is committed
// once. A panic's text never reaches a client.
func TestOperationsOverStreams(t *testing.T) {
	a := newAPI(t, "sqlite")
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	c := newCallers(t, a)
	ctx := auth.System(context.Background())
	id, err := a.client.Product.Query().Where(product.ExhibitorID(c.ownID)).Order(product.ByID()).FirstID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	price := 1000
	edit := func() request {
		price += 5
		r := operation(t, "EditProduct", map[string]any{"id": id, "input": map[string]any{"price": map[string]any{"minorUnits": price}}})
		r.header = c.own
		return r
	}
	stored := func() int64 {
		t.Helper()
		p, err := a.client.Product.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return p.PriceMinorUnits
	}
	checkResult := func(t *testing.T, payload string) {
		t.Helper()
		var res struct {
			Data   struct{ UpdateProduct struct{ ID string } }
			Errors []gqlError
		}
		if err := json.Unmarshal([]byte(payload), &res); err != nil {
			t.Fatalf("%v: %s", err, payload)
		}
		if len(res.Errors) > 0 || res.Data.UpdateProduct.ID != id {
			t.Errorf("result %s", payload)
		}
		if got := stored(); got != int64(price) {
			t.Errorf("stored price %d, want %d", got, price)
		}
	}
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql"
	for _, tc := range []struct{ protocol, subscribe, next string }{
		{graphqlTransportWS, "subscribe", "next"},
		{graphqlWS, "start", "data"},
	} {
		t.Run(tc.protocol, func(t *testing.T) {
			ws := dialWebsocket(t, url, nil, tc.protocol)
			ws.init(`{"authorization":"` + c.own.Get("Authorization") + `"}`)
			r := edit()
			payload, _ := json.Marshal(map[string]any{"query": r.query, "variables": r.variables})
			ws.send(message(tc.subscribe, "m", string(payload)))
			checkResult(t, string(ws.expect(tc.next, "m").Payload))
			ws.expect("complete", "m")
			ws.send(message(tc.subscribe, "q", `{"query":"{ viewer { role } }"}`))
			if m := ws.expect(tc.next, "q"); !strings.Contains(string(m.Payload), `"EXHIBITOR"`) {
				t.Errorf("query: %s", m.Payload)
			}
			ws.expect("complete", "q")
		})
	}
	t.Run("sse", func(t *testing.T) {
		events := stream(t, srv.URL+"/graphql", edit())
		if len(events) != 2 || events[0].name != "next" || events[1].name != "complete" {
			t.Fatalf("events %+v, want one result and complete", events)
		}
		checkResult(t, events[0].data)
	})
}
