package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"maarid/auth"
	"maarid/ent"
	"maarid/ent/session"
	"maarid/graph"
	"maarid/programme"
	"maarid/store/storetest"
)

var screenshots = flag.Bool("screenshots", false, "write the README's screenshots of the programme screen to docs/")

// chromium returns the browser for the tests of the screen: $MAARID_TEST_CHROMIUM, or
// Debian's chromium. CI sets the variable, so that these tests always run there.
func chromium(t *testing.T) string {
	if path := os.Getenv("MAARID_TEST_CHROMIUM"); path != "" {
		return path
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no chromium: install it (apt-get install chromium) or set MAARID_TEST_CHROMIUM")
	}
	return path
}

// browser returns a chromedp context on a headless Chromium with a 1920×1080 window.
func browser(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.WindowSize(1920, 1080),
		chromedp.Flag("hide-scrollbars", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	// The display the screen is made for.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1920, 1080)); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// liveServer runs the server on addr and a database, as `go run ./server` does, until stop.
type liveServer struct {
	addr, dsn string
	logs      *syncWriter
	stop      context.CancelFunc
	done      chan error
}

func startServer(t *testing.T, addr, dsn string) *liveServer {
	t.Helper()
	s := &liveServer{addr: addr, dsn: dsn, done: make(chan error, 1), logs: &syncWriter{w: &bytes.Buffer{}}}
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	ready := make(chan string, 1)
	env := map[string]string{"MAARID_DATABASE_URL": dsn, "MAARID_ADDR": addr, "MAARID_SHUTDOWN_TIMEOUT": "2s"}
	go func() { s.done <- run(ctx, nil, func(k string) string { return env[k] }, s.logs, ready) }()
	select {
	case s.addr = <-ready:
	case err := <-s.done:
		t.Fatalf("the server stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start")
	}
	t.Cleanup(s.shutdown)
	return s
}

func (s *liveServer) shutdown() {
	s.stop()
	<-s.done
	s.done <- nil // a second shutdown returns at once
}

// post sends a GraphQL operation of the contract with key, and fails the test on any error.
func (s *liveServer) post(t *testing.T, key, name string, variables map[string]any) json.RawMessage {
	t.Helper()
	return s.Send(t, key, operation(t, name, nil).query, variables)
}

// Send sends a GraphQL document with key, and fails the test on any error.
func (s *liveServer) Send(t *testing.T, key, query string, variables map[string]any) json.RawMessage {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	req, _ := http.NewRequest(http.MethodPost, "http://"+s.addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var answer struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	raw, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(raw, &answer); err != nil || len(answer.Errors) > 0 {
		t.Fatalf("%s: %s", query, raw)
	}
	return answer.Data
}

// roomWithSessions returns a space and two of its sessions, the second at least an hour after
// the first.
func roomWithSessions(t *testing.T, client *ent.Client) (string, []*ent.Session) {
	t.Helper()
	all, err := client.Session.Query().Order(session.BySpaceID(), session.ByStartsAt()).All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(all); i++ {
		a, b := all[i], all[i+1]
		if *a.SpaceID == *b.SpaceID && b.StartsAt.Sub(a.EndsAt) >= time.Hour {
			return *a.SpaceID, []*ent.Session{a, b}
		}
	}
	t.Fatal("no room with two sessions")
	return "", nil
}

// TestScreenInBrowser opens the programme screen of a room in Chromium, changes the programme
// through the API and checks that the page shows each change within two seconds; then it
// stops the server, changes the programme meanwhile, starts the server again and checks that
// the page catches up once it has reconnected.
func TestScreenInBrowser(t *testing.T) {
	ctx := browser(t)
	dsn := filepath.Join(t.TempDir(), "maarid.db")
	port, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := port.Addr().String()
	port.Close()
	srv := startServer(t, addr, dsn)
	organiser := demoKeyPattern.FindString(srv.logs.String()) // the first demo key is the organiser's
	client := storetest.OpenURL(t, dsn)
	room, sessions := roomWithSessions(t, client)
	now, next := sessions[0], sessions[1]
	casablanca, _ := time.LoadLocation("Africa/Casablanca")

	at := now.StartsAt.Add(10 * time.Minute).UTC().Format(time.RFC3339)
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("http://%s/screen?space=%s&lang=fr&at=%s", addr, room, at))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the room's programme, live", 10*time.Second, fmt.Sprintf(
		`document.querySelector('#connection').dataset.state === 'live' && document.querySelector('.room-now [data-session=%q]') !== null && document.querySelector('[data-session=%q]') !== null`,
		now.ID, next.ID))
	checkLayout(t, ctx)

	// The next session moves by half an hour, the one after is cancelled.
	moved := next.StartsAt.Add(30 * time.Minute)
	srv.post(t, organiser, "RescheduleSession", map[string]any{"id": next.ID, "startsAt": moved, "endsAt": next.EndsAt.Add(30 * time.Minute), "reason": "Retard de l'intervenant"})
	waitFor(t, ctx, "the new time", 2*time.Second, fmt.Sprintf(
		`(() => { const e = document.querySelector('[data-session=%q]'); return e && e.dataset.mark === 'RESCHEDULED' && e.textContent.includes(%q) && e.textContent.includes('Nouvel horaire') })()`,
		next.ID, moved.In(casablanca).Format("15:04")))
	srv.post(t, organiser, "CancelSession", map[string]any{"id": next.ID, "reason": "Salle indisponible"})
	waitFor(t, ctx, "the cancellation", 2*time.Second, fmt.Sprintf(
		`(() => { const e = document.querySelector('[data-session=%q]'); return e && e.dataset.status === 'CANCELLED' && e.textContent.includes('Annulée') })()`,
		next.ID))
	checkLayout(t, ctx)
	shoot(t, ctx, "../docs/screen-fr.png")

	// The cancelled session is withdrawn from the programme: it leaves the screen.
	srv.Send(t, organiser, `mutation($id: ID!) { updateSession(id: $id, input: {published: false}) { id } }`, map[string]any{"id": next.ID})
	waitFor(t, ctx, "the withdrawal", 2*time.Second, fmt.Sprintf(`document.querySelector('[data-session=%q]') === null`, next.ID))

	// The session on now is cancelled: it stays on now for its slot, marked cancelled and
	// struck through.
	srv.post(t, organiser, "CancelSession", map[string]any{"id": now.ID, "reason": "Intervenant absent"})
	waitFor(t, ctx, "the cancellation of the session on now", 2*time.Second, cancelledOnNow(".room-now", now.ID, "Annulée"))
	checkLayout(t, ctx)

	// The server stops; the session on now is restored while it is away; the page catches up
	// once the server is back.
	srv.shutdown()
	waitFor(t, ctx, "the connection lost", 5*time.Second, `document.querySelector('#connection').dataset.state !== 'live'`)
	planner := programme.NewPlanner(client, programme.NewFeed(client, dsn, slog.New(slog.NewTextHandler(io.Discard, nil))))
	if _, err := planner.Restore(auth.System(context.Background()), now.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	startServer(t, addr, dsn)
	waitFor(t, ctx, "the change made while the server was away", 30*time.Second, fmt.Sprintf(
		`(() => { const e = document.querySelector('.room-now [data-session=%q]'); return document.querySelector('#connection').dataset.state === 'live' && e && e.dataset.status === 'SCHEDULED' && !e.textContent.includes('Annulée') && e.querySelector('.progress') !== null })()`,
		now.ID))

}

// TestScreenInArabic opens the whole fair's screen in Arabic: right to left, every space, and
// nothing that overflows.
func TestScreenInArabic(t *testing.T) {
	ctx := browser(t)
	a := newAPI(t, "sqlite")
	web := newHTTPServer(t, a)
	spaces := a.client.Space.Query().CountX(auth.System(context.Background()))
	if err := chromedp.Do(ctx, chromedp.Navigate(web+"/screen?at=2018-07-26T10:30:00Z")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "every space", 10*time.Second, fmt.Sprintf(
		`document.querySelectorAll('.card').length === %d && document.querySelectorAll('.card .now-session').length > 0 && document.querySelector('#connection').dataset.state === 'live'`, spaces))
	dir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).direction + ' ' + document.documentElement.lang + ' ' + document.querySelector('#connection').textContent`))
	if err != nil || dir != "rtl ar مباشر" {
		t.Errorf("direction, language and state %q (%v)", dir, err)
	}
	checkLayout(t, ctx)

	// A session on now is cancelled: its space's card keeps it, marked cancelled.
	at := time.Date(2018, 7, 26, 10, 30, 0, 0, time.UTC)
	onNow, err := a.client.Session.Query().
		Where(session.StatusEQ(session.StatusSCHEDULED), session.Published(true), session.SpaceIDNotNil(), session.StartsAtLTE(at), session.EndsAtGT(at)).
		Order(session.ByID()).
		First(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	a.must(t, a.key(t, auth.Organiser, ""), operation(t, "CancelSession", nil).query, map[string]any{"id": onNow.ID})
	waitFor(t, ctx, "the cancellation of a session on now", 2*time.Second, cancelledOnNow(".card", onNow.ID, "ملغاة"))
	checkLayout(t, ctx)
	shoot(t, ctx, "../docs/screen-ar.png")
}

// cancelledOnNow is a predicate on the page: the session id is on now in the part of the
// screen within, marked cancelled with the word, its title struck through, without progress.
func cancelledOnNow(within, id, word string) string {
	return fmt.Sprintf(`(() => {
		const e = document.querySelector('%s .now-session[data-session=%q]');
		const title = e && e.querySelector('.session-title');
		return e !== null && e.dataset.status === 'CANCELLED' && e.querySelector('.badge.cancelled').textContent === %q &&
			getComputedStyle(title).textDecorationLine.includes('line-through') && e.querySelector('.progress') === null;
	})()`, within, id, word)
}

// TestScreenIsSelfContained checks that the screen's page and assets are served from the
// binary and refer to nothing elsewhere, and that its GraphQL operations validate.
func TestScreenIsSelfContained(t *testing.T) {
	a := newAPI(t, "sqlite")
	for _, path := range []string{"/screen", "/screen/screen.js", "/screen/screen.css", "/screen/screen.graphql"} {
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path+"?space=x", nil))
		body := rec.Body.String()
		if rec.Code != http.StatusOK || len(body) < 100 {
			t.Errorf("%s: %d, %d bytes", path, rec.Code, len(body))
		}
		if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			t.Errorf("%s refers to another site", path)
		}
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: string(must(screenFiles.ReadFile("screen/screen.graphql")))})
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range validator.Validate(graph.NewSchema(nil, graph.Services{}).Schema(), doc) {
		t.Errorf("screen.graphql does not validate: %v", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// newHTTPServer serves a's handler on a real port, for a browser.
func newHTTPServer(t *testing.T, a *api) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: a.handler}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// waitFor waits until the JavaScript predicate holds in the page.
func waitFor(t *testing.T, ctx context.Context, what string, timeout time.Duration, predicate string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingTimeout(timeout))); err != nil {
		html, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText + ' / ' + document.querySelector('#connection').dataset.state`))
		t.Fatalf("waited %s for %s: %v\n%s", timeout, what, err, html)
	}
}

// checkLayout checks that the page fits a 1920×1080 display: no scrolling, and no text that
// overflows its box.
func checkLayout(t *testing.T, ctx context.Context) {
	t.Helper()
	overflows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const out = [];
		const root = document.documentElement;
		if (root.scrollHeight > innerHeight || root.scrollWidth > innerWidth) out.push('the page scrolls');
		for (const e of document.querySelectorAll('.panel, .card')) {
			if (e.scrollHeight > e.clientHeight + 1) out.push('cut: ' + e.textContent.slice(0, 60));
		}
		for (const e of document.querySelectorAll('h1, h2, p, li')) {
			if (e.scrollWidth > e.clientWidth + 1) out.push('too wide: ' + e.textContent.slice(0, 60));
			const r = e.getBoundingClientRect();
			if (r.bottom > innerHeight + 1 || r.right > innerWidth + 1 || r.left < -1) out.push('off the screen: ' + e.textContent.slice(0, 60));
		}
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(overflows) > 0 {
		t.Errorf("the screen does not fit:\n%s", strings.Join(overflows, "\n"))
	}
}

// shoot writes a screenshot of the page to path, with -screenshots.
func shoot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	if !*screenshots {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
