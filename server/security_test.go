package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"maarid/auth"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/ent/stand"
	"maarid/graph"
	"maarid/store/storetest"
	"maarid/stream"
	"maarid/stream/streamtest"
)

// The security regression suite: one test per hole found by attacking the server as an
// outsider would, each sending the attack as it was written and checking the refusal and that
// nothing was written.

// sseEvent is one event of a stream of server-sent events.
type sseEvent struct {
	name string // "next" unless the event names itself
	data string
}

// sseStream sends r as a request for server-sent events and returns the events until the stream
// ends.
func sseStream(t *testing.T, url string, r request) []sseEvent {
	t.Helper()
	return streamFrom(t, url, r, func() {})
}

// streamFrom is sseStream, which calls begun once the stream has begun.
func streamFrom(t *testing.T, url string, r request, begun func()) []sseEvent {
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
		begun()
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
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) { testOperationsOverStreams(t, kind) })
	}
}

func testOperationsOverStreams(t *testing.T, kind string) {
	a := newAPI(t, kind)
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	c := newCallers(t, a)
	ctx := auth.System(context.Background())
	id := a.firstProduct(t, c.ownID)
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
		{stream.GraphQLTransportWS, "subscribe", "next"},
		{stream.GraphQLWS, "start", "data"},
	} {
		t.Run(tc.protocol, func(t *testing.T) {
			ws := streamtest.Dial(t, url, nil, tc.protocol)
			ws.Init(`{"authorization":"` + c.own.Get("Authorization") + `"}`)
			r := edit()
			payload, _ := json.Marshal(map[string]any{"query": r.query, "variables": r.variables})
			ws.Send(streamtest.Message(tc.subscribe, "m", string(payload)))
			checkResult(t, string(ws.Expect(tc.next, "m").Payload))
			ws.Expect("complete", "m")
			ws.Send(streamtest.Message(tc.subscribe, "q", `{"query":"{ viewer { role } }"}`))
			if m := ws.Expect(tc.next, "q"); !strings.Contains(string(m.Payload), `"EXHIBITOR"`) {
				t.Errorf("query: %s", m.Payload)
			}
			ws.Expect("complete", "q")
		})
	}
	t.Run("sse", func(t *testing.T) {
		events := sseStream(t, srv.URL+"/graphql", edit())
		if len(events) != 2 || events[0].name != "next" || events[1].name != "complete" {
			t.Fatalf("events %+v, want one result and complete", events)
		}
		checkResult(t, events[0].data)
	})
}

// as sends query with variables as the caller of header.
func (a *api) as(t *testing.T, header http.Header, query string, variables map[string]any) response {
	t.Helper()
	return a.post(t, request{query: query, variables: variables, header: header})
}

// must sends query as the caller of header, and fails the test on any error.
func (a *api) must(t *testing.T, header http.Header, query string, variables map[string]any) {
	t.Helper()
	if res := a.as(t, header, query, variables); len(res.Errors) > 0 {
		t.Fatalf("%+v", res.Errors)
	}
}

// firstProduct returns the ID of the first product, by ID, of an exhibitor.
func (a *api) firstProduct(t *testing.T, exhibitorID string) string {
	t.Helper()
	id, err := a.client.Product.Query().Where(product.ExhibitorID(exhibitorID)).Order(product.ByID()).FirstID(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// refused checks that res is one error with code, and that the database is as before.
func (a *api) refused(t *testing.T, res response, code, before string) {
	t.Helper()
	if len(res.Errors) != 1 || res.Errors[0].code() != code {
		t.Errorf("errors %+v, want one %s", res.Errors, code)
	}
	if snapshot(t, a) != before {
		t.Error("a refused mutation changed the database")
	}
}

const (
	updateProduct   = `mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id published exhibitor { id } } }`
	deleteProduct   = `mutation($id: ID!) { deleteProduct(id: $id) }`
	updateExhibitor = `mutation($id: ID!, $input: UpdateExhibitorInput!) { updateExhibitor(id: $id, input: $input) { id published withdrawn } }`
)

// TestWritesToHiddenRows attacks hole 1: an exhibitor key took, defaced and deleted another
// exhibitor's unpublished product, because its ownership rule read the product as the key sees
// it. A write to a row the caller may not see is answered as for an ID that does not exist.
func TestWritesToHiddenRows(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			c := newCallers(t, a)
			ctx := auth.System(context.Background())
			hidden := a.firstProduct(t, c.otherID)
			a.must(t, c.organiser, updateProduct, map[string]any{"id": hidden, "input": map[string]any{"published": false}})
			a.must(t, c.organiser, updateExhibitor, map[string]any{"id": c.otherID, "input": map[string]any{"published": false}})
			published, err := a.client.Exhibitor.Query().Where(exhibitor.IDNotIn(c.ownID, c.otherID), exhibitor.Published(true)).FirstID(ctx)
			if err != nil {
				t.Fatal(err)
			}
			const unknownProduct, unknownExhibitor = "prd_01CK877C00NP7RZEQ6K743KN3N", "exh_01CK877C00NP7RZEQ6K743KN3N"
			name := []map[string]any{{"lang": "FR", "value": "Défiguré"}}
			tests := []struct {
				name, query string
				vars        func(id string) map[string]any
				hidden      string // the ID of a row the key may not see
				unknown     string // an ID that names nothing
			}{
				{"take it and publish it", updateProduct, func(id string) map[string]any {
					return map[string]any{"id": id, "input": map[string]any{"exhibitorID": c.ownID, "published": true}}
				}, hidden, unknownProduct},
				{"deface it", updateProduct, func(id string) map[string]any {
					return map[string]any{"id": id, "input": map[string]any{"name": name, "price": map[string]any{"minorUnits": 1}}}
				}, hidden, unknownProduct},
				{"delete it", deleteProduct, func(id string) map[string]any { return map[string]any{"id": id} }, hidden, unknownProduct},
				{"edit an unpublished exhibitor", updateExhibitor, func(id string) map[string]any {
					return map[string]any{"id": id, "input": map[string]any{"name": name}}
				}, c.otherID, unknownExhibitor},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					before := snapshot(t, a)
					res := a.as(t, c.own, tt.query, tt.vars(tt.hidden))
					a.refused(t, res, "NOT_FOUND", before)
					unknown := a.as(t, c.own, tt.query, tt.vars(tt.unknown))
					if len(res.Errors) == 1 && len(unknown.Errors) == 1 {
						hiddenAnswer := strings.ReplaceAll(fmt.Sprint(res.Errors[0].Message, res.Errors[0].Extensions), tt.hidden, "ID")
						unknownAnswer := strings.ReplaceAll(fmt.Sprint(unknown.Errors[0].Message, unknown.Errors[0].Extensions), tt.unknown, "ID")
						if hiddenAnswer != unknownAnswer {
							t.Errorf("a hidden row answers %q, one that does not exist %q", hiddenAnswer, unknownAnswer)
						}
					}
				})
			}
			t.Run("edit a published exhibitor", func(t *testing.T) {
				before := snapshot(t, a)
				res := a.as(t, c.own, updateExhibitor, map[string]any{"id": published, "input": map[string]any{"name": name}})
				a.refused(t, res, "FORBIDDEN", before)
				if want := "not allowed: an exhibitor key changes its own profile only"; len(res.Errors) == 1 && res.Errors[0].Message != want {
					t.Errorf("the refusal says %q, want %q", res.Errors[0].Message, want)
				}
			})
		})
	}
}

// TestModeration attacks hole 7: an exhibitor key published again what an organiser had
// unpublished. A withdrawn row stays withdrawn until an organiser restores it, while the
// exhibitor keeps publishing and unpublishing its own drafts.
func TestModeration(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			c := newCallers(t, a)
			ctx := auth.System(context.Background())
			ids, err := a.client.Product.Query().Where(product.ExhibitorID(c.ownID)).Order(product.ByID()).Limit(2).IDs(ctx)
			if err != nil || len(ids) < 2 {
				t.Fatal(ids, err)
			}
			withdrawnProduct, draft := ids[0], ids[1]
			publish := func(v bool) map[string]any { return map[string]any{"published": v} }
			visible := func(id string) bool {
				t.Helper()
				res := a.as(t, c.anonymous, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
				return strings.Contains(string(res.Data), id)
			}
			ok := func(header http.Header, query, id string, input map[string]any) {
				t.Helper()
				a.must(t, header, query, map[string]any{"id": id, "input": input})
			}

			// The organiser withdraws a product and the exhibitor's profile.
			ok(c.organiser, updateProduct, withdrawnProduct, publish(false))
			ok(c.organiser, updateExhibitor, c.ownID, publish(false))
			for _, tt := range []struct{ name, query, id string }{
				{"product", updateProduct, withdrawnProduct},
				{"profile", updateExhibitor, c.ownID},
			} {
				t.Run("publish a withdrawn "+tt.name, func(t *testing.T) {
					before := snapshot(t, a)
					res := a.as(t, c.own, tt.query, map[string]any{"id": tt.id, "input": publish(true)})
					a.refused(t, res, "FORBIDDEN", before)
					if len(res.Errors) == 1 && !strings.Contains(res.Errors[0].Message, "organisers") {
						t.Errorf("the refusal does not say why: %q", res.Errors[0].Message)
					}
				})
			}
			// A withdrawn product is still the exhibitor's to edit, and stays withdrawn.
			ok(c.own, updateProduct, withdrawnProduct, map[string]any{"available": false})
			ok(c.organiser, updateExhibitor, c.ownID, publish(true))
			if visible(withdrawnProduct) {
				t.Error("a withdrawn product is visible once its exhibitor is restored")
			}

			// The exhibitor's own drafts.
			ok(c.own, updateProduct, draft, publish(false))
			if visible(draft) {
				t.Error("a draft is visible")
			}
			ok(c.own, updateProduct, draft, publish(true))
			if !visible(draft) {
				t.Error("a draft published again by its exhibitor is not visible")
			}

			// The organiser restores the product.
			ok(c.organiser, updateProduct, withdrawnProduct, publish(true))
			if !visible(withdrawnProduct) {
				t.Error("a restored product is not visible")
			}
			ok(c.own, updateProduct, withdrawnProduct, publish(false))
			ok(c.own, updateProduct, withdrawnProduct, publish(true))
		})
	}
}

// TestUnpublishedSessions attacks hole 2: an unpublished session was listed, counted, shown by
// node, nowAndNext and the space's programme, and took registrations from anyone. It is now
// hidden on every path from those who may not see it, as the catalogue's unpublished rows are.
func TestUnpublishedSessions(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			c := newCallers(t, a)
			ctx := auth.System(context.Background())
			s, err := a.client.Session.Query().Where(session.HasSpeakers(), session.CapacityNotNil()).WithSpeakers().Order(session.ByID()).First(ctx)
			if err != nil {
				t.Fatal(err)
			}
			all, err := a.client.Session.Query().Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			a.must(t, c.organiser, `mutation($id: ID!) { updateSession(id: $id, input: {published: false}) { id } }`, map[string]any{"id": s.ID})
			const q = `query($id: ID!, $space: ID!, $speaker: ID!, $during: Time!, $before: Time!) {
				hidden: sessions(first: 10, where: {published: false}) { totalCount edges { node { id title description } } }
				sessions { totalCount }
				fairs(first: 1) { edges { node { sessions { totalCount } } } }
				node(id: $id) { id }
				during: nowAndNext(spaceID: $space, at: $during) { now { id } }
				before: nowAndNext(spaceID: $space, at: $before, first: 20) { next { id } }
				space: node(id: $space) { ... on Space { sessions(first: 100) { totalCount edges { node { id } } } } }
				speaker: node(id: $speaker) { ... on Speaker { sessions { id } } }
			}`
			vars := map[string]any{"id": s.ID, "space": *s.SpaceID, "speaker": s.Edges.Speakers[0].ID,
				"during": s.StartsAt.Add(time.Minute), "before": s.StartsAt.Add(-time.Hour)}
			for _, tt := range []struct {
				who    string
				caller http.Header
				sees   bool
			}{
				{"anonymous", c.anonymous, false},
				{"partner", c.partner, false},
				{"exhibitor", c.own, false},
				{"organiser", c.organiser, true},
			} {
				t.Run(tt.who, func(t *testing.T) {
					res := a.as(t, tt.caller, q, vars)
					for _, e := range res.Errors {
						if e.code() != "NOT_FOUND" || tt.sees {
							t.Errorf("error %+v", e)
						}
					}
					var got struct {
						Hidden   struct{ TotalCount int }
						Sessions struct{ TotalCount int }
						Fairs    struct {
							Edges []struct {
								Node struct{ Sessions struct{ TotalCount int } }
							}
						}
						Node   *struct{ ID string }
						During struct{ Now *struct{ ID string } }
						Before struct{ Next []struct{ ID string } }
						Space  struct {
							Sessions struct {
								TotalCount int
								Edges      []struct{ Node struct{ ID string } }
							}
						}
						Speaker struct{ Sessions []struct{ ID string } }
					}
					if err := json.Unmarshal(res.Data, &got); err != nil {
						t.Fatal(err)
					}
					want, count := 0, all-1
					if tt.sees {
						want, count = 1, all
					}
					if got.Hidden.TotalCount != want || got.Sessions.TotalCount != count || got.Fairs.Edges[0].Node.Sessions.TotalCount != count {
						t.Errorf("counts: unpublished %d, all %d, the fair's %d; want %d, %d", got.Hidden.TotalCount, got.Sessions.TotalCount,
							got.Fairs.Edges[0].Node.Sessions.TotalCount, want, count)
					}
					var seen []string
					if got.Node != nil {
						seen = append(seen, "node")
					}
					if got.During.Now != nil && got.During.Now.ID == s.ID {
						seen = append(seen, "nowAndNext's now")
					}
					for _, n := range got.Before.Next {
						if n.ID == s.ID {
							seen = append(seen, "nowAndNext's next")
						}
					}
					for _, e := range got.Space.Sessions.Edges {
						if e.Node.ID == s.ID {
							seen = append(seen, "the space's sessions")
						}
					}
					for _, n := range got.Speaker.Sessions {
						if n.ID == s.ID {
							seen = append(seen, "the speaker's sessions")
						}
					}
					if tt.sees && len(seen) != 5 || !tt.sees && len(seen) > 0 {
						t.Errorf("the unpublished session is seen in %v", seen)
					}
				})
			}
			t.Run("register", func(t *testing.T) {
				before := snapshot(t, a)
				res := a.as(t, c.anonymous, `mutation($id: ID!) { registerForSession(sessionID: $id, input: {name: "Aicha", email: "aicha@example.ma"}) { id status } }`,
					map[string]any{"id": s.ID})
				a.refused(t, res, "NOT_FOUND", before)
			})
		})
	}
}

// hiddenRows is a fixture of rows that callers without rights may not see: an unpublished
// exhibitor (and with it its stands and products), an unpublished product of a published
// exhibitor, an unpublished session. Each is the first of its type by ID, so that the first
// page of any list would show it.
type hiddenRows struct {
	exhibitor, product, session, stand string
	slug                               string // the hidden exhibitor's
	price                              int64  // the hidden product's
}

func (h hiddenRows) ids() []string { return []string{h.exhibitor, h.product, h.session, h.stand} }

// ofType returns the hidden row of a GraphQL type, if the fixture has one.
func (h hiddenRows) ofType(typ string) string {
	return map[string]string{"Exhibitor": h.exhibitor, "Product": h.product, "Session": h.session, "Stand": h.stand}[typ]
}

func hide(t *testing.T, a *api) hiddenRows {
	t.Helper()
	ctx := auth.System(context.Background())
	var h hiddenRows
	st, err := a.client.Stand.Query().Order(stand.ByID()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.stand, h.exhibitor = st.ID, st.ExhibitorID
	e, err := a.client.Exhibitor.UpdateOneID(h.exhibitor).SetPublished(false).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.slug = e.Slug
	p, err := a.client.Product.Query().Where(product.ExhibitorIDNEQ(h.exhibitor), product.CategoryIDNotNil()).Order(product.ByID()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = p.Update().SetPublished(false).Save(ctx); err != nil {
		t.Fatal(err)
	}
	h.product, h.price = p.ID, p.PriceMinorUnits
	s, err := a.client.Session.Query().Where(session.HasSpeakers()).Order(session.ByID()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update().SetPublished(false).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	h.session = s.ID
	return h
}

// totalCount sends query as the caller of header and returns the totalCount of its first
// field.
func (a *api) totalCount(t *testing.T, header http.Header, query string, variables map[string]any) int {
	t.Helper()
	res := a.as(t, header, query, variables)
	if len(res.Errors) > 0 {
		t.Fatalf("%s: %+v", query, res.Errors)
	}
	var data map[string]struct{ TotalCount int }
	if err := json.Unmarshal(res.Data, &data); err != nil {
		t.Fatal(err)
	}
	for _, v := range data {
		return v.TotalCount
	}
	return 0
}

// TestFiltersAcrossEdges attacks hole 3 as it was written: filters that cross an edge named
// the exhibitor of a hidden product, gave a hidden exhibitor's stand, and let a hidden slug,
// price and ID be found by bisection.
func TestFiltersAcrossEdges(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			c := newCallers(t, a)
			h := hide(t, a)
			ctx := auth.System(context.Background())
			// An exhibitor all of whose products are hidden.
			bare, err := a.client.Exhibitor.Query().Where(exhibitor.IDNotIn(h.exhibitor, c.ownID), exhibitor.HasProducts()).Order(exhibitor.ByID()).FirstID(ctx)
			if err != nil {
				t.Fatal(err)
			}
			products, err := a.client.Product.Query().Where(product.ExhibitorID(bare)).All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range products {
				if err := p.Update().SetPublished(false).Exec(ctx); err != nil {
					t.Fatal(err)
				}
			}
			slugPrefix := h.slug[:len(h.slug)-1]
			tests := []struct {
				attack, query string
				vars          map[string]any
			}{
				{"the exhibitor of a hidden product", `{ exhibitors(where: {hasProductsWith: {published: false}}) { totalCount } }`, nil},
				{"a hidden exhibitor's stand", `{ fairs(first: 5) { edges { node { stands(where: {hasExhibitorWith: {published: false}}) { totalCount } } } } }`, nil},
				{"a hidden slug by prefix", `query($p: String!) { fairs(first: 5) { edges { node { stands(where: {hasExhibitorWith: {slugHasPrefix: $p}}) { totalCount } } } } }`, map[string]any{"p": slugPrefix}},
				{"a hidden slug through products", `query($p: String!) { categories(where: {hasProductsWith: {hasExhibitorWith: {slugHasPrefix: $p}}}) { totalCount } }`, map[string]any{"p": slugPrefix}},
				{"a hidden price", `query($id: ID!, $p: Int!) { exhibitors(where: {hasProductsWith: {id: $id, priceMinorUnitsGT: $p}}) { totalCount } }`, map[string]any{"id": h.product, "p": h.price - 1}},
				{"a hidden ID in a list", `query($id: ID!) { exhibitors(where: {hasProductsWith: {idIn: [$id]}}) { totalCount } }`, map[string]any{"id": h.product}},
				{"a hidden session through its speakers", `query($id: ID!) { speakers(where: {hasSessionsWith: {id: $id}}) { totalCount } }`, map[string]any{"id": h.session}},
				{"a hidden product's exhibitor, nested", `query($id: ID!) { categories(first: 100) { edges { node { products(where: {hasExhibitorWith: {hasProductsWith: {id: $id}}}) { totalCount } } } } }`, map[string]any{"id": h.product}},
				{"has products, all hidden", `query($id: ID!) { exhibitors(where: {id: $id, hasProducts: true}) { totalCount } }`, map[string]any{"id": bare}},
			}
			for _, tt := range tests {
				t.Run(tt.attack, func(t *testing.T) {
					res := a.as(t, c.anonymous, tt.query, tt.vars)
					if len(res.Errors) > 0 {
						t.Fatal(res.Errors)
					}
					if strings.Contains(string(res.Data), `"totalCount":`) && !allZero(res.Data) {
						t.Errorf("anonymous: %s", res.Data)
					}
					if res := a.as(t, c.organiser, tt.query, tt.vars); allZero(res.Data) {
						t.Errorf("the attack finds nothing even for an organiser: %s %v", res.Data, res.Errors)
					}
				})
			}
			if n := a.totalCount(t, c.anonymous, `query($id: ID!) { exhibitors(where: {id: $id, hasProducts: false}) { totalCount } }`, map[string]any{"id": bare}); n != 1 {
				t.Errorf("an exhibitor whose products are all hidden has products, for an anonymous caller (%d)", n)
			}
			if n := a.totalCount(t, c.organiser, `query($id: ID!) { exhibitors(where: {id: $id, hasProducts: false}) { totalCount } }`, map[string]any{"id": bare}); n != 0 {
				t.Errorf("an exhibitor with hidden products has none, for an organiser (%d)", n)
			}
		})
	}
}

var totalCounts = regexp.MustCompile(`"totalCount":(\d+)`)

// allZero reports whether every totalCount in an answer is 0.
func allZero(data []byte) bool {
	for _, m := range totalCounts.FindAllSubmatch(data, -1) {
		if string(m[1]) != "0" {
			return false
		}
	}
	return true
}

// TestNothingHiddenThroughTheSchema walks the schema as an anonymous caller over the hidden
// rows of hide: every list of Query, every edge from its nodes two levels deep, and every
// filter that crosses an edge, two deep, aimed at a hidden row, at the root and in the lists
// of edges. No hidden ID or slug may appear, and no filter aimed at a hidden row may match;
// the same walk as an organiser finds every hidden row. The walk is read from the schema: a new
// edge or filter is walked without anyone listing it.
func TestNothingHiddenThroughTheSchema(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			// The walk asks for more than a visitor may at once.
			a := newAPI(t, kind, "--max-cost=10000000", "--max-partner-cost=10000000", "--budget=100000000", "--exhibitor-budget=100000000", "--partner-budget=100000000", "--organiser-budget=100000000")
			c := newCallers(t, a)
			h := hide(t, a)
			w := schemaWalk{schema: graph.NewSchema(a.client, a.services()).Schema(), hidden: h}
			secrets := append(h.ids(), h.slug)

			var organiserSaw strings.Builder
			for _, root := range w.roots() {
				q := fmt.Sprintf("{ %s(first: 100) { edges { node { %s } } } }", root.Name, w.selection(w.nodeType(root), 0))
				res := a.as(t, c.anonymous, q, nil)
				for _, e := range res.Errors {
					if e.code() != "FORBIDDEN" {
						t.Errorf("%s: %+v", root.Name, e)
					}
				}
				for _, s := range secrets {
					if strings.Contains(string(res.Data), s) {
						t.Errorf("%s shows the hidden %s to an anonymous caller", root.Name, s)
					}
				}
				organiserSaw.Write(a.as(t, c.organiser, q, nil).Data)
			}
			for _, s := range secrets {
				if !strings.Contains(organiserSaw.String(), s) {
					t.Errorf("the walk never reaches %s, even as an organiser", s)
				}
			}

			found := map[string]bool{}
			for _, root := range w.roots() {
				where := root.Arguments.ForName("where").Type.Name()
				for _, f := range w.filters(where, 2) {
					q := fmt.Sprintf("query($w: %s) { %s(where: $w) { totalCount } }", where, root.Name)
					vars := map[string]any{"w": f.where}
					if n := a.totalCount(t, c.anonymous, q, vars); n != 0 {
						t.Errorf("%s(where: %s) matches %d for an anonymous caller", root.Name, mustMarshal(f.where), n)
					}
					if a.totalCount(t, c.organiser, q, vars) > 0 {
						found[f.target] = true
					}
				}
				// The lists of edges, which entgql loads ahead with their own filters.
				node := w.schema.Types[w.nodeType(root)]
				for _, edge := range node.Fields {
					arg := edge.Arguments.ForName("where")
					if arg == nil {
						continue
					}
					for _, f := range w.filters(arg.Type.Name(), 1) {
						q := fmt.Sprintf("query($w: %s) { %s(first: 100) { edges { node { %s(where: $w) { totalCount } } } } }", arg.Type.Name(), root.Name, edge.Name)
						vars := map[string]any{"w": f.where}
						if res := a.as(t, c.anonymous, q, vars); len(res.Errors) > 0 || !allZero(res.Data) {
							t.Errorf("%s { %s(where: %s) } matches for an anonymous caller: %v", root.Name, edge.Name, mustMarshal(f.where), res.Errors)
						}
						if !allZero(a.as(t, c.organiser, q, vars).Data) {
							found[f.target] = true
						}
					}
				}
			}
			for _, id := range h.ids() {
				if !found[id] {
					t.Errorf("no filter finds %s, even for an organiser", id)
				}
			}
		})
	}
}

// schemaWalk reads the lists, edges and filters of the API from its schema.
type schemaWalk struct {
	schema *ast.Schema
	hidden hiddenRows
}

// roots are the lists of Query: its connections with a where filter.
func (w schemaWalk) roots() []*ast.FieldDefinition {
	var out []*ast.FieldDefinition
	for _, f := range w.schema.Query.Fields {
		if f.Arguments.ForName("where") != nil && strings.HasSuffix(f.Type.Name(), "Connection") {
			out = append(out, f)
		}
	}
	return out
}

// nodeType is the type of the nodes of a connection field.
func (w schemaWalk) nodeType(f *ast.FieldDefinition) string {
	edge := w.schema.Types[f.Type.Name()].Fields.ForName("edges").Type.Elem.Name()
	return w.schema.Types[edge].Fields.ForName("node").Type.Name()
}

// selection selects the ID and slug of a node of typ and, below depth 2, every edge of it: the
// nodes it points to, and the first nodes of its connections.
func (w schemaWalk) selection(typ string, depth int) string {
	def := w.schema.Types[typ]
	fields := []string{"id"}
	if def.Fields.ForName("slug") != nil {
		fields = append(fields, "slug")
	}
	if depth < 2 {
		for _, f := range def.Fields {
			target := w.schema.Types[f.Type.Name()]
			switch {
			case strings.HasSuffix(f.Type.Name(), "Connection"):
				fields = append(fields, fmt.Sprintf("%s(first: 5) { edges { node { %s } } }", f.Name, w.selection(w.nodeType(f), depth+1)))
			case target != nil && target.Kind == ast.Object && slices.Contains(target.Interfaces, "Node"):
				fields = append(fields, fmt.Sprintf("%s { %s }", f.Name, w.selection(target.Name, depth+1)))
			}
		}
	}
	return strings.Join(fields, " ")
}

// filter is a where input aimed at the hidden row target.
type filter struct {
	where  map[string]any
	target string
}

// filters returns the filters of the where input whereType aimed at a hidden row: its ID, at
// this level, and through each has…With edge, down to depth more levels.
func (w schemaWalk) filters(whereType string, depth int) []filter {
	var out []filter
	if id := w.hidden.ofType(strings.TrimSuffix(whereType, "WhereInput")); id != "" {
		out = append(out, filter{where: map[string]any{"id": id}, target: id})
	}
	if depth == 0 {
		return out
	}
	for _, f := range w.schema.Types[whereType].Fields {
		if !strings.HasPrefix(f.Name, "has") || !strings.HasSuffix(f.Name, "With") {
			continue
		}
		for _, inner := range w.filters(f.Type.Name(), depth-1) {
			out = append(out, filter{where: map[string]any{f.Name: []any{inner.where}}, target: inner.target})
		}
	}
	return out
}

// TestFeedShowsChangesAsTheyWere attacks hole 6: a replay of the feed showed a session's old
// changes with what it says now, after a later change had unpublished it. Each change carries
// the session as that change left it; a caller sees a change only where it could see the
// session then, and the unpublishing as a withdrawal that says nothing of what it became.
func TestFeedShowsChangesAsTheyWere(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) { testFeedShowsChangesAsTheyWere(t, kind) })
	}
}

func testFeedShowsChangesAsTheyWere(t *testing.T, kind string) {
	l := newLiveAPIOn(t, kind)
	edit := func(input map[string]any) {
		t.Helper()
		l.must(t, l.organiser, `mutation($id: ID!, $input: UpdateSessionInput!) { updateSession(id: $id, input: $input) { id } }`,
			map[string]any{"id": l.session, "input": input})
	}
	title := func(fr string) []map[string]any { return []map[string]any{{"lang": "FR", "value": fr}} }
	edit(map[string]any{"title": title("Gestion financière des coopératives")})
	edit(map[string]any{"title": title("Atelier à huis clos"), "published": false})
	head, err := l.feed.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type seen struct{ cursor, kind, title string }
	follow := func(authorization string) []seen {
		c := l.subscribe(t, authorization, "0", "FR")
		var out []seen
		for {
			m := c.Expect("next", "1")
			var p struct {
				Data struct {
					ProgrammeChanged struct {
						Cursor, Kind string
						Session      struct {
							ID    string
							Title *string
						}
					}
				}
			}
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				t.Fatal(err)
			}
			ch := p.Data.ProgrammeChanged
			if ch.Session.ID == l.session {
				s := seen{cursor: ch.Cursor, kind: ch.Kind}
				if ch.Session.Title != nil {
					s.title = *ch.Session.Title
				}
				out = append(out, s)
			}
			if ch.Cursor == head {
				return out
			}
		}
	}
	public := follow("")
	if len(public) < 2 {
		t.Fatalf("the public saw %+v", public)
	}
	last, before := public[len(public)-1], public[len(public)-2]
	if before.title != "Gestion financière des coopératives" {
		t.Errorf("a replayed change shows the title %q, not the one it had", before.title)
	}
	if last.cursor != head || last.title != "" {
		t.Errorf("the unpublishing reached the public as %+v, want a withdrawal without a title", last)
	}
	organiser := follow(l.organiser.Get("Authorization"))
	if got := organiser[len(organiser)-1]; got.title != "Atelier à huis clos" {
		t.Errorf("an organiser sees the unpublishing as %+v", got)
	}
}

// TestInputHygiene attacks hole 8: a NUL cut a filter short and matched 42 exhibitors; a
// right-to-left override, 10,000 labels and a 100,000-character topic were stored; one name
// and e-mail took 100 places in a session. Each is refused with BAD_USER_INPUT naming the
// field, or CONFLICT, and nothing is written.
func TestInputHygiene(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			c := newCallers(t, a)
			ctx := auth.System(context.Background())
			own := a.firstProduct(t, c.ownID)
			s, err := a.client.Session.Query().Where(session.CapacityNotNil()).Order(session.ByID()).First(ctx)
			if err != nil {
				t.Fatal(err)
			}
			many := func(n int, v string) []string {
				out := make([]string, n)
				for i := range out {
					out[i] = fmt.Sprintf("%s_%d", v, i)
				}
				return out
			}
			named := func(v string) map[string]any {
				return map[string]any{"id": own, "input": map[string]any{"name": []map[string]any{{"lang": "FR", "value": v}}}}
			}
			const updateSession = `mutation($id: ID!, $input: UpdateSessionInput!) { updateSession(id: $id, input: $input) { id } }`
			tests := []struct {
				name, query string
				vars        map[string]any
				caller      http.Header
				field       string
			}{
				{"NUL in a filter", `query($s: String!) { exhibitors(where: {slugContains: $s}) { totalCount } }`, map[string]any{"s": "a\u0000b"}, c.anonymous, "slugContains"},
				{"NUL in a filter, as a literal", `{ exhibitors(where: {hasProductsWith: {hasExhibitorWith: {slugContains: "a\u0000b"}}}) { totalCount } }`, nil, c.anonymous, "slugContains"},
				{"a filter of 10,000 characters", `query($s: String!) { exhibitors(where: {slugContains: $s}) { totalCount } }`, map[string]any{"s": strings.Repeat("a", 10000)}, c.anonymous, "slugContains"},
				{"NUL in a name", updateProduct, named("Miel\u0000 de thym"), c.own, "name"},
				{"a right-to-left override", updateProduct, named("Miel de thym \u202Egpj.exe"), c.own, "name"},
				{"a line break in a name", updateProduct, named("Miel\nde thym"), c.own, "name"},
				{"10,000 labels", updateProduct, map[string]any{"id": own, "input": map[string]any{"labels": many(10000, "BIO")}}, c.own, "labels"},
				{"21 labels", updateProduct, map[string]any{"id": own, "input": map[string]any{"labels": many(21, "BIO")}}, c.own, "labels"},
				{"a label that is not a code", updateProduct, map[string]any{"id": own, "input": map[string]any{"labels": []string{"bio; DROP TABLE"}}}, c.own, "labels"},
				{"a 100,000-character topic", updateSession, map[string]any{"id": s.ID, "input": map[string]any{"topics": []string{strings.Repeat("A", 100000)}}}, c.organiser, "topics"},
				{"a topic of 41 characters", updateSession, map[string]any{"id": s.ID, "input": map[string]any{"topics": []string{strings.Repeat("A", 41)}}}, c.organiser, "topics"},
				{"21 speakers", updateSession, map[string]any{"id": s.ID, "input": map[string]any{"addSpeakerIDs": a.newSpeakers(t, 21)}}, c.organiser, "addSpeakerIDs"},
				{"a bell in a reason", `mutation($id: ID!) { cancelSession(id: $id, input: {reason: "Salle\u0007"}) { id } }`, map[string]any{"id": s.ID}, c.organiser, "reason"},
				{"NUL in an attendee's name", `mutation($id: ID!) { registerForSession(sessionID: $id, input: {name: "A\u0000", email: "a@example.ma"}) { id } }`, map[string]any{"id": s.ID}, c.anonymous, "name"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					before := snapshot(t, a)
					res := a.as(t, tt.caller, tt.query, tt.vars)
					a.refused(t, res, "BAD_USER_INPUT", before)
					if len(res.Errors) == 1 && res.Errors[0].Extensions["field"] != tt.field {
						t.Errorf("the error names %v, want %s: %s", res.Errors[0].Extensions["field"], tt.field, res.Errors[0].Message)
					}
				})
			}
			t.Run("a description's lines", func(t *testing.T) {
				desc := "Miel de thym de Demnate.\n\tRécolte de juillet 2018."
				res := a.as(t, c.own, updateProduct, map[string]any{"id": own, "input": map[string]any{"description": []map[string]any{{"lang": "FR", "value": desc}}}})
				if len(res.Errors) > 0 {
					t.Errorf("a description with lines and a tab: %+v", res.Errors)
				}
			})
			t.Run("one place per e-mail", func(t *testing.T) {
				register := `mutation($id: ID!, $email: String) { registerForSession(sessionID: $id, input: {name: "Aicha Ait Ali", email: $email}) { id } }`
				a.must(t, c.anonymous, register, map[string]any{"id": s.ID, "email": "aicha@example.ma"})
				for range 3 {
					before := snapshot(t, a)
					res := a.as(t, c.anonymous, register, map[string]any{"id": s.ID, "email": "Aicha@Example.ma"})
					a.refused(t, res, "CONFLICT", before)
				}
				before := snapshot(t, a)
				a.refused(t, a.as(t, c.anonymous, register, map[string]any{"id": s.ID}), "BAD_USER_INPUT", before)
			})
		})
	}
}

// newSpeakers adds n speakers and returns their IDs.
func (a *api) newSpeakers(t *testing.T, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		s, err := a.client.Speaker.Create().SetName(fmt.Sprintf("Intervenant %d", i)).Save(auth.System(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = s.ID
	}
	return out
}

// TestFraming attacks hole 9: any site could show / and /screen in a frame. Every response
// says which sites may frame it: the server's own by default, the signage systems configured,
// or none.
func TestFraming(t *testing.T) {
	a := newAPI(t, "sqlite")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tt := range []struct {
		flags               []string
		policy, frameOption string
	}{
		{nil, "frame-ancestors 'self'", "SAMEORIGIN"},
		{[]string{"--frame-ancestors=https://signage.example.ma, https://hall.example.ma:8443"}, "frame-ancestors 'self' https://signage.example.ma https://hall.example.ma:8443", ""},
		{[]string{"--frame-ancestors=none"}, "frame-ancestors 'none'", "DENY"},
	} {
		t.Run(strings.Join(tt.flags, " "), func(t *testing.T) {
			h, _ := routes(a.client, a.keys, a.services(), testConfig(t, tt.flags...), log, a.fair.DefaultLanguage)
			for _, path := range []string{"/", "/screen", "/screen/screen.js", "/graphql?query=%7B__typename%7D", "/healthz"} {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				policies := rec.Header().Values("Content-Security-Policy")
				if !slices.Contains(policies, tt.policy) || rec.Header().Get("X-Frame-Options") != tt.frameOption {
					t.Errorf("%s: Content-Security-Policy %q, X-Frame-Options %q", path, policies, rec.Header().Get("X-Frame-Options"))
				}
				if strings.HasPrefix(path, "/screen") && len(policies) != 2 {
					t.Errorf("%s: the page's own policy is lost: %q", path, policies)
				}
			}
		})
	}
	if _, err := parseConfig([]string{"--frame-ancestors=*"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("any site may frame the pages")
	}
}

// TestRevokedKeysOnOpenConnections attacks hole 4: after a key was revoked, a websocket
// opened before still answered as an organiser, committed a change of the programme and kept
// its subscriptions, and so did a stream of events. Every operation now runs under the key's
// standing at that moment, and a revoked key's connections end within seconds: websockets
// closed with 4403, event streams with UNAUTHENTICATED.
func TestRevokedKeysOnOpenConnections(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			srv := httptest.NewServer(a.handler)
			defer srv.Close()
			url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql"
			secret, key, err := a.keys.Create(context.Background(), auth.Organiser, "régie du salon", "")
			if err != nil {
				t.Fatal(err)
			}
			bearer := "Bearer " + secret
			x, _ := a.twoSessions(t)
			feed := func(c *streamtest.Client, subscribe string) {
				payload, _ := json.Marshal(map[string]any{"query": operation(t, "ScreenFeed", nil).query, "variables": map[string]any{"since": "0"}})
				c.Send(streamtest.Message(subscribe, "feed", string(payload)))
			}

			// Connections opened before the revocation: the key in connection_init, the key in
			// the upgrade request, each subprotocol, and a stream of events.
			asking := streamtest.Dial(t, url, nil, stream.GraphQLTransportWS)
			asking.Init(`{"authorization":"` + bearer + `"}`)
			asking.Send(streamtest.Message("subscribe", "who", `{"query":"{ viewer { role } }"}`))
			if m := asking.Expect("next", "who"); !strings.Contains(string(m.Payload), "ORGANISER") {
				t.Fatalf("before the revocation: %s", m.Payload)
			}
			asking.Expect("complete", "who")
			writing := streamtest.Dial(t, url, http.Header{"Authorization": {bearer}}, stream.GraphQLWS)
			writing.Init("")
			following := streamtest.Dial(t, url, nil, stream.GraphQLTransportWS)
			following.Init(`{"authorization":"` + bearer + `"}`)
			feed(following, "subscribe")
			legacy := streamtest.Dial(t, url, http.Header{"Authorization": {bearer}}, stream.GraphQLWS)
			legacy.Init("")
			feed(legacy, "start")
			events := make(chan []sseEvent, 1)
			started := make(chan struct{})
			var once sync.Once
			begun := func() { once.Do(func() { close(started) }) }
			go func() {
				defer close(events)
				defer begun() // also when the stream failed
				r := operation(t, "ScreenFeed", map[string]any{"since": "0"})
				r.header = http.Header{"Authorization": {bearer}}
				events <- streamFrom(t, srv.URL+"/graphql", r, begun)
			}()
			<-started
			waitUntil(func() bool { return a.keys.Held() == 5 })
			if n := a.keys.Held(); n != 5 {
				t.Fatalf("%d connections hold the key, want 5", n)
			}

			if err := a.keys.Revoke(context.Background(), key.ID); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, a)
			asking.Send(streamtest.Message("subscribe", "who", `{"query":"{ viewer { role } }"}`))
			asking.ExpectClose(4403)
			writing.Send(streamtest.Message("start", "cancel", `{"query":"mutation($id: ID!) { cancelSession(id: $id) { id } }","variables":{"id":"`+x.ID+`"}}`))
			writing.ExpectClose(4403, "ka")
			if snapshot(t, a) != before {
				t.Error("a mutation under a revoked key was committed")
			}
			following.ExpectClose(4403)
			legacy.ExpectClose(4403, "ka")
			got := <-events
			if len(got) < 2 || got[len(got)-1].name != "complete" || !strings.Contains(got[len(got)-2].data, "UNAUTHENTICATED") {
				t.Errorf("the stream of events ended with %+v", got)
			}
			waitUntil(func() bool { return a.keys.Held() == 0 })
			if n := a.keys.Held(); n != 0 {
				t.Errorf("%d connections still hold the revoked key", n)
			}
		})
	}
}
