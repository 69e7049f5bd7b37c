package stream

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"maarid/auth"
	"maarid/demo"
	"maarid/ent"
	"maarid/ent/session"
	"maarid/graph"
	"maarid/i18n"
	"maarid/programme"
	"maarid/programme/programmetest"
	"maarid/schema/contract"
	"maarid/store/storetest"
	"maarid/stream/streamtest"
)

// testPepper is the key pepper of the tests' API keys.
const testPepper = "a pepper for the stream tests, not for production"

// testConfig is the transports' configuration as the server's defaults give it, with keys.
func testConfig(keys *auth.Keys) Config {
	return Config{Keys: keys, MaxOperations: 50, MaxPerAddress: 1000, MessageRate: 20}
}

// feedServer serves the demo fair's API, with its programme feed, over this package's
// transports: the programme's changes reach subscribers as they reach the fair's screens.
type feedServer struct {
	t            *testing.T
	client       *ent.Client
	feed         *programme.Feed
	planner      *programme.Planner
	url          string // of /graphql, for websockets
	session      string // the ID of a session that change changes
	organiserKey string // an organiser's API key
	keys         *auth.Keys
	websocket    *Websocket
	events       *Events
}

func newFeedServer(t *testing.T) *feedServer {
	t.Helper()
	dsn := storetest.URL(t, "sqlite")
	client := storetest.OpenURL(t, dsn)
	if _, err := demo.Seed(context.Background(), client); err != nil {
		t.Fatal(err)
	}
	feed := programmetest.Run(t, client, dsn, slog.New(slog.NewTextHandler(io.Discard, nil)))
	keys := auth.NewKeys(client, "", []byte(testPepper))
	t.Cleanup(keys.Wait)
	srv := handler.New(graph.NewSchema(client, graph.Services{Programme: feed}))
	ws, events := NewWebsocket(testConfig(keys)), NewEvents(testConfig(keys))
	srv.AddTransport(ws)
	srv.AddTransport(events)
	srv.AddTransport(transport.POST{})
	srv.SetErrorPresenter(graph.PresentError)
	srv.SetRecoverFunc(graph.Recover)
	hs := httptest.NewServer(authenticate(keys, srv))
	t.Cleanup(hs.Close)
	s, err := client.Session.Query().Where(session.Published(true)).Order(session.ByStartsAt(), session.ByID()).First(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	organiserKey, _, err := keys.Create(context.Background(), auth.Organiser, "régie", "")
	if err != nil {
		t.Fatal(err)
	}
	return &feedServer{
		t:            t,
		client:       client,
		feed:         feed,
		planner:      programme.NewPlanner(client, feed),
		url:          "ws" + strings.TrimPrefix(hs.URL, "http") + "/graphql",
		session:      s.ID,
		organiserKey: organiserKey,
		keys:         keys,
		websocket:    ws,
		events:       events,
	}
}

// change has an organiser cancel (CancelSession) or restore (RestoreSession) the session, and
// returns the new head of the log.
func (l *feedServer) change(op string) string {
	t := l.t
	t.Helper()
	ctx := auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Organiser, KeyID: "key_test", Name: "régie"})
	var err error
	switch op {
	case "CancelSession":
		_, err = l.planner.Cancel(ctx, l.session, nil, nil)
	case "RestoreSession":
		_, err = l.planner.Restore(ctx, l.session, nil, nil)
	default:
		t.Fatalf("no change %s", op)
	}
	if err != nil {
		t.Fatal(err)
	}
	head, err := l.feed.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return head
}

// subscribe opens a connection with the API key of authorization (none when empty) and
// subscribes it to ScreenFeed from since, in lang, as operation 1.
func (l *feedServer) subscribe(t *testing.T, authorization, since, lang string) *streamtest.Client {
	c := streamtest.Dial(t, l.url, nil, GraphQLTransportWS)
	if authorization != "" {
		c.Init(`{"authorization":"` + authorization + `"}`)
	} else {
		c.Init("")
	}
	feed, _ := json.Marshal(map[string]any{"query": screenFeed(t), "variables": map[string]any{"since": since, "lang": lang}})
	c.Send(streamtest.Message("subscribe", "1", string(feed)))
	return c
}

// authenticate gives every request what the server's middleware gives it: its language, and
// its viewer by its API key.
func authenticate(keys *auth.Keys, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := i18n.WithRequest(r.Context(), i18n.FromAcceptLanguage(r.Header.Get("Accept-Language")), i18n.AR)
		v, err := keys.Authenticate(ctx, r.Header.Get("Authorization"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(ctx, v)))
	})
}

// screenFeed is the subscription of the programme screen.
func screenFeed(t testing.TB) string {
	t.Helper()
	q, err := contract.Operation("ScreenFeed")
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// waitUntil waits until done reports true, for five seconds at most: a connection is woken
// when its client goes, then ends, and waits again once it handled a message.
func waitUntil(done func() bool) {
	for deadline := time.Now().Add(5 * time.Second); !done() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
}
