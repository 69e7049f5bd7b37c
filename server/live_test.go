package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"maarid/auth"
)

// TestSubscriptionsDoNotLeak subscribes and completes thousands of times over websockets,
// replaying from the start of the log or live, and drops hundreds of connections without a
// word, then checks that the server's goroutines and heap are back where they were.
func TestSubscriptionsDoNotLeak(t *testing.T) {
	a := newAPI(t, "sqlite")
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql"
	x, _ := a.twoSessions(t)
	organiser := a.key(t, auth.Organiser, "")
	for range 10 { // a log to replay
		for _, op := range []string{"CancelSession", "RestoreSession"} {
			r := operation(t, op, map[string]any{"id": x.ID})
			r.header = organiser
			a.ok(t, r, &struct{}{})
		}
	}
	feed := func(since string) string {
		b, _ := json.Marshal(map[string]any{"query": operation(t, "ScreenFeed", nil).query, "variables": map[string]any{"since": since}})
		return string(b)
	}
	cycle := func(connections, subscriptions int, abrupt bool) {
		for range connections {
			c := dialWebsocket(t, url, nil, graphqlTransportWS)
			c.init("")
			for i := range subscriptions {
				id := fmt.Sprint(i)
				if i%2 == 0 {
					c.send(message("subscribe", id, feed("0")))
					// The first change of the replay; those of a subscription completed
					// before may still be on their way.
					for m := c.read(); m.ID != id; m = c.read() {
						if m.Type != "next" && m.Type != "complete" {
							t.Fatalf("got %s", mustMarshal(m))
						}
					}
				} else {
					c.send(message("subscribe", id, feed("20")))
				}
				c.send(message("complete", id, ""))
			}
			if abrupt {
				c.send(message("subscribe", "last", feed("0")))
				c.conn.UnderlyingConn().Close()
			} else {
				c.conn.Close()
			}
		}
	}
	cycle(5, 2, false) // warm the pools and caches
	settle()
	goroutines, heap := runtime.NumGoroutine(), heapInUse()

	cycle(200, 10, false) // 2,000 subscribe/complete cycles
	cycle(300, 2, true)   // 300 dropped connections, each with a subscription running

	var now int
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		settle()
		if now = runtime.NumGoroutine(); now <= goroutines {
			break
		}
	}
	if now > goroutines {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after the connections ended, %d before\n%s", now, goroutines, buf[:runtime.Stack(buf, true)])
	}
	if h := heapInUse(); h > heap+8<<20 {
		t.Errorf("heap in use %d KiB after the connections ended, %d KiB before", h>>10, heap>>10)
	}
}

func settle() {
	runtime.GC()
	runtime.GC()
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
