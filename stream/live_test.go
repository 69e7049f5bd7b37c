package stream

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"maarid/programme/programmetest"
	"maarid/stream/streamtest"
)

// TestSubscriptionsDoNotLeak subscribes and completes thousands of times over websockets,
// replaying from the start of the log or live, and drops hundreds of connections without a
// word, then checks that the server's goroutines and heap are back where they were.
func TestSubscriptionsDoNotLeak(t *testing.T) {
	l := newFeedServer(t)
	url := l.url
	for range 10 { // a log to replay
		l.change("CancelSession")
		l.change("RestoreSession")
	}
	feed := func(since string) string {
		b, _ := json.Marshal(map[string]any{"query": screenFeed(t), "variables": map[string]any{"since": since}})
		return string(b)
	}
	cycle := func(connections, subscriptions int, abrupt bool) {
		for range connections {
			c := streamtest.Dial(t, url, nil, GraphQLTransportWS)
			c.Init("")
			for i := range subscriptions {
				id := fmt.Sprint(i)
				if i%2 == 0 {
					c.Send(streamtest.Message("subscribe", id, feed("0")))
					// The first change of the replay; those of a subscription completed
					// before may still be on their way.
					for m := c.Read(); m.ID != id; m = c.Read() {
						if m.Type != "next" && m.Type != "complete" {
							t.Fatalf("got %s", mustMarshal(m))
						}
					}
				} else {
					c.Send(streamtest.Message("subscribe", id, feed("20")))
				}
				c.Send(streamtest.Message("complete", id, ""))
			}
			if abrupt {
				c.Send(streamtest.Message("subscribe", "last", feed("0")))
				c.Conn.UnderlyingConn().Close()
			} else {
				c.Conn.Close()
			}
		}
	}
	cycle(5, 2, false) // warm the pools and caches
	before, waiting, builders := programmetest.Take(), idleConnections(), buildersLive.Load()

	cycle(200, 10, false) // 2,000 subscribe/complete cycles
	cycle(300, 2, true)   // 300 dropped connections, each with a subscription running

	after := programmetest.WaitFor(before.Goroutines, 5*time.Second)
	if after.Goroutines > before.Goroutines {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after the connections ended, %d before\n%s", after.Goroutines, before.Goroutines, buf[:runtime.Stack(buf, true)])
	}
	if after.Heap > before.Heap+8<<20 {
		t.Errorf("heap in use %d KiB after the connections ended, %d KiB before", after.Heap>>10, before.Heap>>10)
	}
	waitUntil(func() bool { return idleConnections() <= waiting })
	if now := idleConnections(); now > waiting {
		t.Errorf("%d connections wait for their client after every client went, %d before", now, waiting)
	}
	if now := buildersLive.Load(); now > builders {
		t.Errorf("%d answer builders after every subscriber left, %d before", now, builders)
	}
}

// TestSubscribersShareAnswers subscribes groups of idle subscribers that differ in language
// and viewer, makes one change, and checks that the subscribers of a group receive the same
// answer, whichever cursor they started from, and each group the answer of its own language.
// Idle, a connection holds no goroutine on Linux, where its socket waits in the epoll
// instance, and one elsewhere.
func TestSubscribersShareAnswers(t *testing.T) {
	l := newFeedServer(t)
	before := l.change("CancelSession")
	start, _ := strconv.Atoi(before)
	goroutines := programmetest.Take().Goroutines

	type subscriber struct {
		group string
		conn  *streamtest.Client
	}
	var subscribers []subscriber
	for _, g := range []struct {
		name, lang, key string
	}{
		{"anonymous in French", "FR", ""},
		{"anonymous in Arabic", "AR", ""},
		{"organiser in French", "FR", "Bearer " + l.organiserKey},
	} {
		for i := range 4 {
			// Half start from the change before: they receive it first.
			c := l.subscribe(t, g.key, strconv.Itoa(start-i%2), g.lang)
			subscribers = append(subscribers, subscriber{g.name, c})
		}
	}
	perConnection := 1
	if runtime.GOOS == "linux" {
		perConnection = 0
		// Connections of other tests may end meanwhile.
		waitUntil(func() bool { return idleConnections() >= len(subscribers) })
		if now := idleConnections(); now < len(subscribers) {
			t.Errorf("%d connections wait in the epoll instance, want the %d subscribers'", now, len(subscribers))
		}
	}
	want := goroutines + perConnection*len(subscribers)
	if now := programmetest.WaitFor(want, 5*time.Second).Goroutines; now > want {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines for %d idle subscribers, %d before\n%s", now, len(subscribers), goroutines, buf[:runtime.Stack(buf, true)])
	}

	cursor := l.change("RestoreSession")
	answers := map[string]string{} // by group
	titles := map[string]string{}  // answer → group
	for _, s := range subscribers {
		for {
			answer, got, title := nextChange(t, s.conn)
			if got != cursor {
				continue
			}
			if first, ok := answers[s.group]; ok && first != answer {
				t.Errorf("%s: %s and %s", s.group, first, answer)
			}
			answers[s.group] = answer
			titles[title] += s.group + "; "
			break
		}
	}
	if len(titles) != 2 {
		t.Errorf("the groups saw titles %v, want one in French and one in Arabic", titles)
	}
}

// TestAnswersOutliveTheFirstSubscriber checks that the subscribers of a group are answered
// after the subscriber that started the group left, that one who joins later shares the
// group's builder, and that the builder goes with the group's last subscriber.
func TestAnswersOutliveTheFirstSubscriber(t *testing.T) {
	l := newFeedServer(t)
	head := l.change("CancelSession")
	builders := buildersLive.Load()
	subscribe := func(since string) *streamtest.Client { return l.subscribe(t, "", since, "AR") }

	first, second := subscribe(head), subscribe(head)
	cursor := l.change("RestoreSession")
	_, _, want := nextChange(t, first)
	if _, got, title := nextChange(t, second); got != cursor || title != want {
		t.Fatalf("the second subscriber got %s %q, want %s %q", got, title, cursor, want)
	}
	if n := buildersLive.Load() - builders; n != 1 {
		t.Errorf("%d builders for one group", n)
	}

	first.Send(streamtest.Message("complete", "1", ""))
	first.Conn.Close()
	third := subscribe(cursor)
	cursor = l.change("CancelSession")
	for _, c := range []*streamtest.Client{second, third} {
		if _, got, title := nextChange(t, c); got != cursor || title != want {
			t.Errorf("after the first subscriber left: %s %q, want %s %q", got, title, cursor, want)
		}
	}
	if n := buildersLive.Load() - builders; n != 1 {
		t.Errorf("%d builders for one group after its first subscriber left", n)
	}

	second.Conn.Close()
	third.Conn.Close()
	waitUntil(func() bool { return buildersLive.Load() <= builders })
	if n := buildersLive.Load() - builders; n != 0 {
		t.Errorf("%d builders after the group's last subscriber left", n)
	}
}

// TestSubscribersThatAnswerThemselves subscribes with the cursor written in the document,
// and with none (from the start of the log): such subscribers cannot share a group's answers,
// which are built from the cursor before each change, and answer their changes themselves.
func TestSubscribersThatAnswerThemselves(t *testing.T) {
	l := newFeedServer(t)
	start := l.change("CancelSession")
	builders := buildersLive.Load()
	subscribe := func(query string) *streamtest.Client {
		c := streamtest.Dial(t, l.url, nil, GraphQLTransportWS)
		c.Init("")
		payload, _ := json.Marshal(map[string]any{"query": query})
		c.Send(streamtest.Message("subscribe", "1", string(payload)))
		return c
	}
	written := subscribe(`subscription { programmeChanged(since: "` + start + `") { cursor session { title } } }`)
	none := subscribe(`subscription { programmeChanged { cursor session { title } } }`)
	cursors := []string{l.change("RestoreSession"), l.change("CancelSession")}
	for name, c := range map[string]*streamtest.Client{"a cursor in the document": written, "no cursor": none} {
		want := cursors
		if c == none {
			want = append([]string{start}, cursors...)
		}
		for _, w := range want {
			if _, got, title := nextChange(t, c); got != w || title == "" {
				t.Errorf("%s: change %s %q, want %s", name, got, title, w)
			}
		}
	}
	if n := buildersLive.Load() - builders; n != 0 {
		t.Errorf("%d builders for subscribers that answer themselves", n)
	}
}

// nextChange reads the next answer of operation 1 on c, and returns it with its cursor and
// session title.
func nextChange(t *testing.T, c *streamtest.Client) (answer, cursor, title string) {
	t.Helper()
	m := c.Expect("next", "1")
	var p struct {
		Data struct {
			ProgrammeChanged struct {
				Cursor  string
				Session struct{ Title string }
			}
		}
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		t.Fatal(err)
	}
	return string(m.Payload), p.Data.ProgrammeChanged.Cursor, p.Data.ProgrammeChanged.Session.Title
}
