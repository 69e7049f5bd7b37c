package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"maarid/auth"
	"maarid/stream"
	"maarid/stream/streamtest"
)

// waitUntil waits until done reports true, for five seconds at most: a connection is woken
// when its client goes, then ends, and waits again once it handled a message.
func waitUntil(done func() bool) {
	for deadline := time.Now().Add(5 * time.Second); !done() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
}

// liveAPI is a server of the demo fair over HTTP, for tests of the feed over websockets.
type liveAPI struct {
	*api
	t         *testing.T
	url       string // of /graphql, for websockets
	session   string // the ID of a session that change changes
	organiser http.Header
}

func newLiveAPI(t *testing.T) *liveAPI { return newLiveAPIOn(t, "sqlite") }

// newLiveAPIOn is newLiveAPI on a store of kind.
func newLiveAPIOn(t *testing.T, kind string) *liveAPI {
	a := newAPI(t, kind)
	srv := httptest.NewServer(a.handler)
	t.Cleanup(srv.Close)
	x, _ := a.twoSessions(t)
	return &liveAPI{
		api:       a,
		t:         t,
		url:       "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql",
		session:   x.ID,
		organiser: a.key(t, auth.Organiser, ""),
	}
}

// change has the organiser make the change op to the session, and returns the new head of
// the log.
func (l *liveAPI) change(op string) string {
	t := l.t
	r := operation(t, op, map[string]any{"id": l.session})
	r.header = l.organiser
	l.ok(t, r, &struct{}{})
	head, err := l.feed.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return head
}

// subscribe opens a connection with the API key of authorization (none when empty) and
// subscribes it to ScreenFeed from since, in lang, as operation 1.
func (l *liveAPI) subscribe(t *testing.T, authorization, since, lang string) *streamtest.Client {
	c := streamtest.Dial(t, l.url, nil, stream.GraphQLTransportWS)
	if authorization != "" {
		c.Init(`{"authorization":"` + authorization + `"}`)
	} else {
		c.Init("")
	}
	feed, _ := json.Marshal(map[string]any{"query": operation(t, "ScreenFeed", nil).query,
		"variables": map[string]any{"since": since, "lang": lang}})
	c.Send(streamtest.Message("subscribe", "1", string(feed)))
	return c
}

// TestWebsocketThroughRoutes opens a websocket to the whole server, through its middleware.
func TestWebsocketThroughRoutes(t *testing.T) {
	a := newAPI(t, "sqlite")
	hs := httptest.NewServer(a.handler)
	t.Cleanup(hs.Close)
	c := streamtest.Dial(t, "ws"+strings.TrimPrefix(hs.URL, "http")+"/graphql", nil, stream.GraphQLTransportWS)
	secret := a.key(t, auth.Partner, "").Get("Authorization")
	c.Init(`{"authorization":"` + secret + `"}`)
	c.Send(streamtest.Message("subscribe", "q", `{"query":"{ __typename }"}`))
	if next := c.Expect("next", "q"); !strings.HasPrefix(string(next.Payload), `{"data":{"__typename":"Query"},"extensions":{"cost":{"requested":1,`) {
		t.Errorf("next: %s", next.Payload)
	}
	c.Expect("complete", "q")
}
