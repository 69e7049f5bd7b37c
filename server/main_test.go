package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"maarid/auth"
	"maarid/store/storetest"
	"maarid/stream"
	"maarid/stream/streamtest"
)

func TestParseConfig(t *testing.T) {
	env := map[string]string{"MAARID_ADDR": "0.0.0.0:9000", "MAARID_DATABASE_URL": "fair.db", "MAARID_LOG_LEVEL": "debug"}
	getenv := func(k string) string { return env[k] }
	c, err := parseConfig([]string{"--addr", "127.0.0.1:7000", "--demo=false"}, getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != "127.0.0.1:7000" || c.database != "fair.db" || c.demo || c.logLevel.String() != "DEBUG" || c.maxPageSize != 100 {
		t.Errorf("flags over variables over defaults: %+v", c)
	}
	for _, bad := range [][]string{
		{"--log-format", "xml"}, {"--log-level", "loud"}, {"--max-page-size", "0"}, {"--shutdown-timeout", "soon"}, {"extra"},
	} {
		if _, err := parseConfig(bad, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if _, err := parseConfig(nil, func(k string) string { return map[string]string{"MAARID_DEMO": "perhaps"}[k] }, io.Discard); err == nil {
		t.Error("MAARID_DEMO=perhaps accepted")
	}
	// Each role's budget, from its flag or its variable; one that cannot pay for a request of
	// its highest cost is refused.
	c, err = parseConfig([]string{"--exhibitor-budget=2000000"}, func(k string) string {
		return map[string]string{"MAARID_ORGANISER_BUDGET": "5000000"}[k]
	}, io.Discard)
	if err != nil || c.budgets[auth.Exhibitor] != 2_000_000 || c.budgets[auth.Organiser] != 5_000_000 || c.budgets[auth.Anonymous] != 1_000_000 {
		t.Errorf("budgets %v (%v)", c.budgets, err)
	}
	if _, err := parseConfig([]string{"--organiser-budget=5"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("an organiser budget that pays for no request accepted")
	}
}

// TestRun starts the server as `go run ./server` does, on each store, queries it, and stops
// it with a request in flight that still gets its answer.
func TestRun(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			dsn := storetest.URL(t, kind)
			if kind == "sqlite" {
				dsn = filepath.Join(t.TempDir(), "maarid.db")
			}
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			ready := make(chan string, 1)
			done := make(chan error, 1)
			var logs bytes.Buffer
			env := map[string]string{"MAARID_DATABASE_URL": dsn}
			if kind == "postgres" {
				env["MAARID_KEY_PEPPER"] = testPepper
			}
			go func() {
				done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--drain-time", "2s"}, func(k string) string { return env[k] }, &syncWriter{w: &logs}, ready)
			}()
			var addr string
			select {
			case addr = <-ready:
			case err := <-done:
				t.Fatalf("the server stopped: %v", err)
			case <-time.After(30 * time.Second):
				t.Fatal("the server did not start")
			}
			res, err := http.Get("http://" + addr + "/healthz")
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("/healthz: %v %v", res, err)
			}
			res.Body.Close()
			if res, err := http.Get("http://" + addr + "/readyz"); err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("/readyz: %v %v", res, err)
			}

			// The demo keys are printed once, and work.
			secrets := demoKeyPattern.FindAllString(logs.String(), -1)
			if len(secrets) != 3 || !strings.Contains(logs.String(), "Demo API keys") {
				t.Fatalf("want three demo keys printed, got %q", secrets)
			}
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", strings.NewReader(`{"query": "{ viewer { role } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+secrets[0])
			res, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			viewer, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if !bytes.Contains(viewer, []byte(`"role":"ORGANISER"`)) {
				t.Errorf("the first demo key: %s", viewer)
			}

			// A subscriber is told to go away when the server stops, and to resume; a stream of
			// events is completed.
			ws := streamtest.Dial(t, "ws://"+addr+"/graphql", nil, stream.GraphQLTransportWS)
			ws.Init("")
			feed, _ := json.Marshal(map[string]any{"query": operation(t, "ScreenFeed", nil).query})
			ws.Send(streamtest.Message("subscribe", "1", string(feed)))
			events := openEvents(t, "http://"+addr, operation(t, "ScreenFeed", nil).query, nil)

			// A request in flight when the server is told to stop still gets its answer. The
			// server says "100 Continue" once its handler reads the body: then it is in flight.
			r := operation(t, "ProductCatalogue", map[string]any{"first": 100})
			body := `{"query": ` + quote(r.query) + `, "variables": {"first": 100}}`
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
				"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n", addr, len(body))
			replies := bufio.NewReader(conn)
			if res, err := http.ReadResponse(replies, nil); err != nil || res.StatusCode != http.StatusContinue {
				t.Fatalf("waiting for 100 Continue: %v %v", res, err)
			}
			stop()
			io.WriteString(conn, body)
			res, err = http.ReadResponse(replies, nil)
			if err != nil {
				t.Fatalf("the request in flight got no answer: %v", err)
			}
			answer, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK || !bytes.Contains(answer, []byte(`"totalCount":739`)) {
				t.Errorf("the request in flight got %d %.200s", res.StatusCode, answer)
			}
			// While it drains, the server says it is not ready, and closes each connection
			// after its answer.
			res, err = http.Get("http://" + addr + "/readyz")
			if err != nil || res.StatusCode != http.StatusServiceUnavailable || !res.Close {
				t.Errorf("/readyz while draining: %v %v", res, err)
			}
			if err == nil {
				res.Body.Close()
			}
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("run: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the server did not stop")
			}
			if ce := ws.ExpectClose(websocket.CloseGoingAway, "complete"); !strings.Contains(ce.Text, "resume") {
				t.Errorf("the subscriber was closed with %q", ce.Text)
			}
			if ev, data := events.Next(t); ev != "complete" {
				t.Errorf("the stream of events got %q %s when the server stopped", ev, data)
			}
			if !strings.Contains(logs.String(), "seeded the demo fair") || !strings.Contains(logs.String(), "request_id=") {
				t.Errorf("the logs do not tell of the seeding or the requests:\n%s", logs.String())
			}
			if strings.Count(logs.String(), secrets[0]) != 1 {
				t.Error("a key was written to the log after it was shown")
			}
		})
	}
}

var demoKeyPattern = regexp.MustCompile(`mrd_[A-Za-z0-9_-]{43}`)

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// syncWriter lets the server's goroutines log into one buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// String returns what was written, when it is written to a bytes.Buffer.
func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprint(s.w)
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
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
