package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"maarid/auth"
	"maarid/ent"
	"maarid/ent/session"
	"maarid/programme"
	"maarid/store/storetest"
	"maarid/stream"
	"maarid/stream/streamtest"
)

// twoSessions returns two sessions of the demo fair in different spaces at different times,
// whose speakers are free at the time of the first.
func (a *api) twoSessions(t testing.TB) (*ent.Session, *ent.Session) {
	t.Helper()
	all, err := a.client.Session.Query().WithSpeakers().Order(session.ByStartsAt(), session.ByID()).All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	overlap := func(x, y *ent.Session) bool { return x.StartsAt.Before(y.EndsAt) && y.StartsAt.Before(x.EndsAt) }
	busy := func(s, at *ent.Session) bool {
		for _, o := range all {
			if o.ID == s.ID || o.ID == at.ID || !overlap(o, at) {
				continue
			}
			for _, x := range o.Edges.Speakers {
				for _, y := range s.Edges.Speakers {
					if x.ID == y.ID {
						return true
					}
				}
			}
		}
		return false
	}
	for _, x := range all {
		for _, y := range all {
			if *x.SpaceID != *y.SpaceID && !overlap(x, y) && !busy(y, x) {
				return x, y
			}
		}
	}
	t.Fatal("no two sessions to test with")
	return nil, nil
}

type sessionAnswer struct {
	ID       string
	Version  int
	Status   string
	StartsAt time.Time
	EndsAt   time.Time
	Space    struct{ ID string }
}

func TestProgrammeMutations(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			x, y := a.twoSessions(t)
			organiser := a.key(t, auth.Organiser, "")
			var cursor struct{ ProgrammeCursor string }
			a.ok(t, operation(t, "ScreenCursor", nil), &cursor)
			if cursor.ProgrammeCursor != "0" {
				t.Errorf("cursor %q before any change, want 0", cursor.ProgrammeCursor)
			}

			into := func(header http.Header, version any) response {
				r := operation(t, "RescheduleSession", map[string]any{"id": y.ID, "startsAt": x.StartsAt, "endsAt": x.EndsAt, "space": *x.SpaceID, "expectedVersion": version, "reason": "Salle plus grande"})
				r.header = header
				return a.post(t, r)
			}
			// Refused: by role, and in conflict with x, with its ID in extensions.ids.
			exhibitorID := a.client.Exhibitor.Query().FirstIDX(auth.System(context.Background()))
			for _, h := range []http.Header{nil, a.key(t, auth.Partner, ""), a.key(t, auth.Exhibitor, exhibitorID)} {
				if res := into(h, nil); len(res.Errors) != 1 || res.Errors[0].code() != "FORBIDDEN" {
					t.Errorf("a %v rescheduled: %+v", h, res.Errors)
				}
			}
			res := into(organiser, nil)
			if len(res.Errors) != 1 || res.Errors[0].code() != "CONFLICT" || !equalAny(res.Errors[0].Extensions["ids"], x.ID) {
				t.Fatalf("conflict: %+v", res.Errors)
			}

			// Cancelling x frees its space.
			var cancelled struct{ CancelSession sessionAnswer }
			r := operation(t, "CancelSession", map[string]any{"id": x.ID, "reason": "Intervenant absent", "expectedVersion": 1})
			r.header = organiser
			a.ok(t, r, &cancelled)
			if c := cancelled.CancelSession; c.Status != "CANCELLED" || c.Version != 2 {
				t.Errorf("cancelled: %+v", c)
			}
			if res := into(organiser, 2); len(res.Errors) != 1 || res.Errors[0].code() != "CONFLICT" || !equalAny(res.Errors[0].Extensions["ids"], y.ID) {
				t.Errorf("a stale version: %+v", res.Errors)
			}
			res = into(organiser, 1)
			var moved struct{ RescheduleSession sessionAnswer }
			if len(res.Errors) > 0 || json.Unmarshal(res.Data, &moved) != nil {
				t.Fatalf("move: %+v", res.Errors)
			}
			if m := moved.RescheduleSession; m.Version != 2 || m.Space.ID != *x.SpaceID || !m.StartsAt.Equal(x.StartsAt) {
				t.Errorf("moved: %+v", m)
			}
			r = operation(t, "RestoreSession", map[string]any{"id": x.ID})
			r.header = organiser
			if res := a.post(t, r); len(res.Errors) != 1 || res.Errors[0].code() != "CONFLICT" || !equalAny(res.Errors[0].Extensions["ids"], y.ID) {
				t.Errorf("restore into a taken space: %+v", res.Errors)
			}

			// What the screen of x's space shows during y, and the log's head.
			var screen struct {
				NowAndNext struct {
					Space struct{ ID, Name string }
					Now   *struct{ ID, Title, Status string }
					Next  []struct{ ID, Status string }
				}
			}
			a.ok(t, operation(t, "ScreenNowNext", map[string]any{"space": *x.SpaceID, "at": x.StartsAt.Add(time.Minute), "lang": "FR"}), &screen)
			if n := screen.NowAndNext; n.Now == nil || n.Now.ID != y.ID || n.Space.ID != *x.SpaceID || n.Space.Name == "" {
				t.Errorf("now and next: %+v", n)
			}
			a.ok(t, operation(t, "ScreenCursor", nil), &cursor)
			if cursor.ProgrammeCursor != "2" {
				t.Errorf("cursor %q after two changes, want 2", cursor.ProgrammeCursor)
			}

			// A new session, in French and Arabic.
			start := x.StartsAt.Add(24 * time.Hour)
			if start.After(time.Date(2018, 7, 29, 12, 0, 0, 0, time.UTC)) {
				start = x.StartsAt.Add(-24 * time.Hour)
			}
			create := operation(t, "CreateSession", map[string]any{"input": map[string]any{
				"fairID": a.fair.ID, "kind": "WORKSHOP", "startsAt": start, "endsAt": start.Add(10 * time.Minute),
				"title": []map[string]string{{"lang": "FR", "value": "Atelier éclair"}, {"lang": "AR", "value": "ورشة سريعة"}},
			}})
			create.header = organiser
			var created struct{ CreateSession sessionAnswer }
			a.ok(t, create, &created)
			if c := created.CreateSession; c.Version != 1 || c.Status != "SCHEDULED" || !strings.HasPrefix(c.ID, "ses_") {
				t.Errorf("created: %+v", c)
			}
		})
	}
}

func equalAny(v any, want ...string) bool {
	list, _ := v.([]any)
	if len(list) != len(want) {
		return false
	}
	for i := range list {
		if list[i] != want[i] {
			return false
		}
	}
	return true
}

func TestRegistrationsOverHTTP(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			x, _ := a.twoSessions(t)
			organiser := a.key(t, auth.Organiser, "")
			a.ok(t, request{query: `mutation($id: ID!) { updateSession(id: $id, input: {capacity: 1}) { id seatsLeft } }`,
				variables: map[string]any{"id": x.ID}, header: organiser}, &struct{}{})

			var statuses []string
			for i, name := range []string{"Fatima Zahra Aït Ouarab", "Youssef Amrani"} {
				var reg struct {
					RegisterForSession struct {
						ID, Status string
						Session    struct{ SeatsLeft int }
					}
				}
				a.ok(t, operation(t, "Register", map[string]any{"session": x.ID, "name": name, "email": fmt.Sprintf("contact%d@example.ma", i)}), &reg)
				statuses = append(statuses, reg.RegisterForSession.Status)
				if reg.RegisterForSession.Session.SeatsLeft != 0 {
					t.Errorf("%d seats left", reg.RegisterForSession.Session.SeatsLeft)
				}
			}
			equalStrings(t, "registrations", statuses, []string{"CONFIRMED", "WAITLISTED"})

			r := operation(t, "Registrations", map[string]any{"session": x.ID})
			r.header = organiser
			var list struct {
				Node struct {
					Capacity, SeatsLeft int
					Registrations       []struct{ Name, Status string }
				}
			}
			a.ok(t, r, &list)
			if n := list.Node; n.Capacity != 1 || len(n.Registrations) != 2 || n.Registrations[0].Name != "Fatima Zahra Aït Ouarab" {
				t.Errorf("registrations: %+v", n)
			}
			for _, h := range []http.Header{nil, a.key(t, auth.Partner, "")} {
				r.header = h
				if res := a.post(t, r); len(res.Errors) != 1 || res.Errors[0].code() != "FORBIDDEN" {
					t.Errorf("registrations read by %v: %+v", h, res.Errors)
				}
			}
			// Bad input names its field.
			res := a.post(t, operation(t, "Register", map[string]any{"session": x.ID, "name": "A", "email": "nope"}))
			if len(res.Errors) != 1 || res.Errors[0].code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != "email" {
				t.Errorf("a bad e-mail: %+v", res.Errors)
			}
		})
	}
}

// TestScreenIsNotCached checks that what is on now is never kept by the response cache, while
// the same question at a given time is.
func TestScreenIsNotCached(t *testing.T) {
	a := newAPI(t, "sqlite", "--response-cache-mb=8")
	x, _ := a.twoSessions(t)
	for _, c := range []struct {
		at   any
		hits bool
	}{{nil, false}, {x.StartsAt, true}} {
		var hits int
		for range 3 {
			r := operation(t, "ScreenNowNext", map[string]any{"space": *x.SpaceID, "at": c.at})
			if res := a.post(t, r); res.header.Get("X-Cache") == "hit" {
				hits++
			}
		}
		if (hits > 0) != c.hits {
			t.Errorf("at %v: %d hits of 3", c.at, hits)
		}
	}
}

// TestFeedOverWebsocket follows the programme over graphql-transport-ws: a change made over
// HTTP reaches the subscriber, and a malformed cursor is refused.
func TestFeedOverWebsocket(t *testing.T) {
	a := newAPI(t, "sqlite")
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	x, y := a.twoSessions(t)
	organiser := a.key(t, auth.Organiser, "")

	c := streamtest.Dial(t, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", nil, stream.GraphQLTransportWS)
	c.Init("")
	feed, _ := json.Marshal(map[string]any{"query": operation(t, "ScreenFeed", nil).query, "variables": map[string]any{"since": "abc"}})
	c.Send(streamtest.Message("subscribe", "bad", string(feed)))
	if m := c.Expect("next", "bad"); !strings.Contains(string(m.Payload), "BAD_USER_INPUT") {
		t.Errorf("a malformed cursor: %s", m.Payload)
	}
	c.Expect("complete", "bad")
	feed, _ = json.Marshal(map[string]any{"query": operation(t, "ScreenFeed", nil).query, "variables": map[string]any{"since": "0", "lang": "FR", "spaces": []string{*y.SpaceID}}})
	c.Send(streamtest.Message("subscribe", "1", string(feed)))

	r := operation(t, "CancelSession", map[string]any{"id": x.ID, "reason": "Intervenant absent"}) // not in y's space
	r.header = organiser
	a.ok(t, r, &struct{}{})
	later := y.StartsAt.Add(15 * time.Minute)
	r = operation(t, "RescheduleSession", map[string]any{"id": y.ID, "startsAt": later, "endsAt": y.EndsAt.Add(15 * time.Minute), "reason": "Retard"})
	r.header = organiser
	if res := a.post(t, r); len(res.Errors) > 0 {
		later = y.StartsAt.Add(-15 * time.Minute)
		r.variables["startsAt"], r.variables["endsAt"] = later, y.EndsAt.Add(-15*time.Minute)
		a.ok(t, r, &struct{}{})
	}

	m := c.Expect("next", "1")
	var got struct {
		Data struct {
			ProgrammeChanged struct {
				Cursor, Kind, Reason string
				Session              struct {
					ID, Title string
					StartsAt  time.Time
					Version   int
					Space     struct{ ID, Name string }
				}
				Previous struct{ StartsAt time.Time }
			}
		}
	}
	if err := json.Unmarshal(m.Payload, &got); err != nil {
		t.Fatal(err)
	}
	ch := got.Data.ProgrammeChanged
	if ch.Cursor != "2" || ch.Kind != "RESCHEDULED" || ch.Reason != "Retard" || ch.Session.ID != y.ID ||
		!ch.Session.StartsAt.Equal(later) || !ch.Previous.StartsAt.Equal(y.StartsAt) || ch.Session.Version != 2 ||
		ch.Session.Title != y.Title["fr"] || ch.Session.Space.ID != *y.SpaceID {
		t.Errorf("change: %+v", ch)
	}
	c.Send(streamtest.Message("complete", "1", ""))
}

// TestFeedOverLegacyWebsocket follows the programme over graphql-ws: data for each change,
// nothing after stop, the same subscription ID again, complete when the server stops it.
func TestFeedOverLegacyWebsocket(t *testing.T) {
	a := newAPI(t, "sqlite")
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	x, _ := a.twoSessions(t)
	organiser := a.key(t, auth.Organiser, "")
	change := func(op string) {
		t.Helper()
		r := operation(t, op, map[string]any{"id": x.ID})
		r.header = organiser
		a.ok(t, r, &struct{}{})
	}
	cursor := func(m streamtest.Envelope) string {
		t.Helper()
		var p struct {
			Data struct{ ProgrammeChanged struct{ Cursor string } }
		}
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			t.Fatal(err)
		}
		return p.Data.ProgrammeChanged.Cursor
	}

	c := streamtest.Dial(t, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", nil, stream.GraphQLWS)
	c.Init("")
	feed, _ := json.Marshal(map[string]any{"query": operation(t, "ScreenFeed", nil).query, "variables": map[string]any{"since": "0"}})
	c.Send(streamtest.Message("start", "1", string(feed)))
	change("CancelSession")
	if got := cursor(c.Expect("data", "1")); got != "1" {
		t.Errorf("first change %s, want 1", got)
	}
	c.Send(streamtest.Message("stop", "1", ""))
	// The server reads messages in order: once this query is answered, the stop was read.
	c.Send(streamtest.Message("start", "q", `{"query":"{ __typename }"}`))
	c.Expect("data", "q")
	c.Expect("complete", "q")
	change("RestoreSession")
	c.Send(streamtest.Message("start", "1", string(feed))) // from the start again
	for _, want := range []string{"1", "2"} {
		if got := cursor(c.Expect("data", "1")); got != want {
			t.Errorf("change %s, want %s", got, want)
		}
	}
	c.Send(streamtest.Message("connection_terminate", "", ""))
	c.ExpectClose(websocket.CloseNormalClosure, "ka")
}

// TestFeedOverSSE follows the programme as server-sent events.
func TestFeedOverSSE(t *testing.T) {
	a := newAPI(t, "sqlite")
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	x, _ := a.twoSessions(t)
	body, _ := json.Marshal(map[string]any{"query": operation(t, "ScreenFeed", nil).query, "variables": map[string]any{"since": "0"}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("content type %q", res.Header.Get("Content-Type"))
	}
	r := operation(t, "CancelSession", map[string]any{"id": x.ID})
	r.header = a.key(t, auth.Organiser, "")
	a.ok(t, r, &struct{}{})
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() {
		data, ok := strings.CutPrefix(lines.Text(), "data: ")
		if !ok {
			continue
		}
		var ev struct {
			Data struct{ ProgrammeChanged struct{ Cursor, Kind string } }
		}
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			t.Fatal(err)
		}
		if c := ev.Data.ProgrammeChanged; c.Cursor != "1" || c.Kind != "CANCELLED" {
			t.Errorf("event %s", data)
		}
		return
	}
	t.Fatalf("no event: %v", lines.Err())
}

// TestSubscriptionOverPlainRequest checks that a subscription sent as a plain POST is
// refused instead of waiting for the first change.
func TestSubscriptionOverPlainRequest(t *testing.T) {
	a := newAPI(t, "sqlite")
	res := a.post(t, operation(t, "ScreenFeed", nil))
	if len(res.Errors) != 1 || res.Errors[0].code() != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, "websocket") {
		t.Errorf("status %d, errors %+v", res.status, res.Errors)
	}
}

// TestFeedFellBehindOverWebsocket checks that a subscriber whose queue overflows receives the
// changes already queued, then an error with the cursor to resume from, then complete.
func TestFeedFellBehindOverWebsocket(t *testing.T) {
	a := newAPI(t, "sqlite")
	a.feed.Queue = 2
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	x, _ := a.twoSessions(t)

	c := streamtest.Dial(t, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", nil, stream.GraphQLTransportWS)
	c.Init("")
	feed, _ := json.Marshal(map[string]any{"query": operation(t, "ScreenFeed", nil).query, "variables": map[string]any{"since": "0"}})
	c.Send(streamtest.Message("subscribe", "1", string(feed)))
	// One change, to know the subscription runs; then a hundred committed at once: the feed
	// reads them in one go, faster than any subscriber takes them.
	planner := programme.NewPlanner(a.client, a.feed)
	if _, err := planner.Cancel(auth.System(context.Background()), x.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	c.Expect("next", "1")
	tx, err := a.client.Tx(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := ent.NewTxContext(auth.System(context.Background()), tx)
	for range 50 {
		if _, err := planner.Restore(ctx, x.ID, nil, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := planner.Cancel(ctx, x.ID, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	last := "1"
	for {
		m := c.Read()
		if m.ID != "1" || m.Type != "next" {
			t.Fatalf("got %s before the error", mustMarshal(m))
		}
		var p struct {
			Data *struct {
				ProgrammeChanged struct{ Cursor string }
			}
			Errors []gqlError
		}
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Errors) > 0 {
			e := p.Errors[0]
			if e.code() != "FELL_BEHIND" || e.Extensions["cursor"] != last || !strings.Contains(e.Message, last) {
				t.Errorf("the feed ended with %+v after cursor %s", e, last)
			}
			break
		}
		last = p.Data.ProgrammeChanged.Cursor
		if last == "101" {
			t.Fatal("all 101 changes delivered: the queue never overflowed")
		}
	}
	c.Expect("complete", "1")
}

// TestFeedFellBehindOverSSE checks that a stream of server-sent events whose subscriber did
// not keep up ends with FELL_BEHIND and the cursor to resume from, then complete.
func TestFeedFellBehindOverSSE(t *testing.T) {
	a := newAPI(t, "sqlite")
	a.feed.Queue = 2
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	x, _ := a.twoSessions(t)
	events := openEvents(t, srv.URL, operation(t, "ScreenFeed", nil).query, map[string]any{"since": "0"})
	planner := programme.NewPlanner(a.client, a.feed)
	if _, err := planner.Cancel(auth.System(context.Background()), x.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	if ev, _ := events.Next(t); ev != "next" {
		t.Fatalf("event %q before the first change", ev)
	}
	tx, err := a.client.Tx(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := ent.NewTxContext(auth.System(context.Background()), tx)
	for range 50 {
		if _, err := planner.Restore(ctx, x.ID, nil, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := planner.Cancel(ctx, x.ID, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	last := "1"
	for {
		ev, data := events.Next(t)
		if ev != "next" {
			t.Fatalf("event %q before the error", ev)
		}
		var p struct {
			Data *struct {
				ProgrammeChanged struct{ Cursor string }
			}
			Errors []gqlError
		}
		if err := json.Unmarshal([]byte(data), &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Errors) > 0 {
			if e := p.Errors[0]; e.code() != "FELL_BEHIND" || e.Extensions["cursor"] != last {
				t.Errorf("the stream ended with %+v after cursor %s", e, last)
			}
			break
		}
		last = p.Data.ProgrammeChanged.Cursor
		if last == "101" {
			t.Fatal("all 101 changes delivered: the queue never overflowed")
		}
	}
	if ev, _ := events.Next(t); ev != "complete" {
		t.Errorf("event %q after the error, want complete", ev)
	}
}

// openEvents posts query with variables to the server at base, asking for server-sent events.
func openEvents(t *testing.T, base, query string, variables map[string]any) *streamtest.Events {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("content type %q", res.Header.Get("Content-Type"))
	}
	return streamtest.ReadEvents(res.Body)
}
