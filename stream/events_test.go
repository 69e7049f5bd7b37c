package stream

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"maarid/auth"
	"maarid/ent"
	"maarid/stream/streamtest"
)

// follow posts the ScreenFeed subscription from since with authorization (none when empty),
// asking for server-sent events, and returns a function that reads the next event.
func (l *feedServer) follow(t *testing.T, authorization, since string) func() (event, data string) {
	t.Helper()
	events := streamtest.ReadEvents(l.stream(t, authorization, since))
	return func() (event, data string) {
		t.Helper()
		return events.Next(t)
	}
}

// stream posts the ScreenFeed subscription from since with authorization (none when empty),
// asking for server-sent events, and returns the response's body.
func (l *feedServer) stream(t *testing.T, authorization, since string) io.Reader {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": screenFeed(t), "variables": map[string]any{"since": since}})
	ctx, cancel := context.WithTimeout(context.Background(), streamtest.Timeout)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http"+strings.TrimPrefix(l.url, "ws"), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	return res.Body
}

// cursorOf returns the cursor of the change in an answer, or the code of its first error.
func cursorOf(t *testing.T, data string) (cursor, code string) {
	t.Helper()
	var p struct {
		Data *struct {
			ProgrammeChanged struct{ Cursor string }
		}
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	if len(p.Errors) > 0 {
		return "", p.Errors[0].Extensions.Code
	}
	return p.Data.ProgrammeChanged.Cursor, ""
}

// TestEvents follows the feed as server-sent events: the replay, then live changes, each an
// event "next"; when the transport stops, the stream is completed.
func TestEvents(t *testing.T) {
	l := newFeedServer(t)
	first := l.change("CancelSession")
	next := l.follow(t, "", "0")
	want := []string{first}
	if ev, data := next(); ev != "next" {
		t.Fatalf("event %q %s", ev, data)
	} else if got, _ := cursorOf(t, data); got != first {
		t.Errorf("replayed %s, want %s", got, first)
	}
	want = append(want, l.change("RestoreSession"))
	if ev, data := next(); ev != "next" {
		t.Fatalf("event %q %s", ev, data)
	} else if got, _ := cursorOf(t, data); got != want[1] {
		t.Errorf("live change %s, want %s", got, want[1])
	}
	l.events.Stop()
	if ev, _ := next(); ev != "complete" {
		t.Errorf("event %q when the transport stopped, want complete", ev)
	}
	late := l.follow(t, "", "0")
	if ev, _ := late(); ev != "complete" {
		t.Errorf("a stream opened after the transport stopped got %q, want complete", ev)
	}
}

// TestEventsKeepAlive checks that a quiet stream carries a comment line at every keep-alive
// interval, and that the comments and the answers do not cut into each other.
func TestEventsKeepAlive(t *testing.T) {
	l := newFeedServer(t)
	l.events.keepAlive = 20 * time.Millisecond
	lines := bufio.NewScanner(l.stream(t, "", "0"))
	// next returns the next event's type and data, and the comment lines before it.
	next := func() (event, data string, comments int) {
		t.Helper()
		for lines.Scan() {
			switch line := lines.Text(); {
			case line == ":":
				comments++
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			case line == "" && event != "":
				return event, data, comments
			case line != "":
				t.Fatalf("line %q", line)
			}
		}
		t.Fatalf("the stream ended: %v", lines.Err())
		return
	}
	// Quiet for ten intervals: the stream's opening comment and about ten more.
	time.Sleep(200 * time.Millisecond)
	want := l.change("CancelSession")
	if ev, data, comments := next(); ev != "next" {
		t.Fatalf("event %q %s", ev, data)
	} else if got, _ := cursorOf(t, data); got != want {
		t.Errorf("change %s, want %s", got, want)
	} else if comments < 4 {
		t.Errorf("%d comment lines in 200 ms of silence with a keep-alive of 20 ms", comments)
	}
	// Changes while comments are written: every one arrives whole, in order.
	for range 20 {
		want := l.change("RestoreSession")
		if ev, data, _ := next(); ev != "next" {
			t.Fatalf("event %q %s", ev, data)
		} else if got, _ := cursorOf(t, data); got != want {
			t.Fatalf("change %s, want %s", got, want)
		}
		time.Sleep(5 * time.Millisecond)
		want = l.change("CancelSession")
		if ev, data, _ := next(); ev != "next" {
			t.Fatalf("event %q %s", ev, data)
		} else if got, _ := cursorOf(t, data); got != want {
			t.Fatalf("change %s, want %s", got, want)
		}
	}
}

// TestEventsFellBehind checks that a stream whose subscriber did not keep up ends with
// FELL_BEHIND, then complete.
func TestEventsFellBehind(t *testing.T) {
	l := newFeedServer(t)
	l.feed.Queue = 2
	next := l.follow(t, "", "0")
	l.change("CancelSession")
	if ev, _ := next(); ev != "next" {
		t.Fatalf("event %q before the first change", ev)
	}
	// Many changes at once, which the feed reads in one go.
	ctx := auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Organiser, KeyID: "key_test"})
	tx, err := l.client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ctx = ent.NewTxContext(ctx, tx)
	for range 20 {
		if _, err := l.planner.Restore(ctx, l.session, nil, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := l.planner.Cancel(ctx, l.session, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for {
		ev, data := next()
		if ev != "next" {
			t.Fatalf("event %q before the error", ev)
		}
		if _, code := cursorOf(t, data); code != "" {
			if code != "FELL_BEHIND" {
				t.Errorf("ended with %s", code)
			}
			break
		}
	}
	if ev, _ := next(); ev != "complete" {
		t.Errorf("event %q after the error, want complete", ev)
	}
}

// TestEventsRevokedKey checks that a stream opened with an API key ends with UNAUTHENTICATED
// once the key is revoked.
func TestEventsRevokedKey(t *testing.T) {
	l := newFeedServer(t)
	secret, key, err := l.keys.Create(context.Background(), auth.Partner, "partner", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go l.keys.Watch(ctx, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	next := l.follow(t, "Bearer "+secret, "0")
	l.change("CancelSession")
	if ev, _ := next(); ev != "next" {
		t.Fatalf("event %q before the revocation", ev)
	}
	if err := l.keys.Revoke(context.Background(), key.ID); err != nil {
		t.Fatal(err)
	}
	ev, data := next()
	if _, code := cursorOf(t, data); ev != "next" || code != "UNAUTHENTICATED" {
		t.Errorf("after the revocation: %q %s", ev, data)
	}
	if ev, _ := next(); ev != "complete" {
		t.Errorf("event %q after the error, want complete", ev)
	}
}
