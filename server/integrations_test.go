package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"maarid/auth"
	"maarid/ent/product"
	"maarid/ent/webhookdelivery"
	"maarid/store/storetest"
	"maarid/stream"
	"maarid/stream/streamtest"
)

// catalogueChanged is the subscription a partner's integration follows.
const catalogueChanged = `subscription($since: String) { catalogueChanged(since: $since) { cursor kind entity entityID node { id ... on Product { available } } } }`

// catalogueChange is a change as the subscription answers it.
type catalogueChange struct {
	Cursor, Kind, Entity, EntityID string
	Node                           *struct {
		ID        string
		Available *bool
	}
}

// TestCatalogueChangedLive follows the catalogue over websockets, as an anonymous integration
// and as the organiser, while an exhibitor edits its product through the API: each receives
// every change as it may see it, in order, with the row as it is then; the unpublication is a
// deletion to the anonymous follower, and what the exhibitor does while the product is
// unpublished it is not told.
func TestCatalogueChangedLive(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			srv := httptest.NewServer(a.handler)
			t.Cleanup(srv.Close)
			url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql"
			var head struct{ CatalogueCursor string }
			a.ok(t, request{query: `{ catalogueCursor }`}, &head)

			p, err := a.client.Product.Query().Where(product.Listed(true), product.Available(true)).First(auth.System(context.Background()))
			if err != nil {
				t.Fatal(err)
			}
			exhibitorID, productID := p.ExhibitorID, p.ID
			owner := a.key(t, auth.Exhibitor, exhibitorID)
			follow := func(authorization string) *streamtest.Client {
				c := streamtest.Dial(t, url, nil, stream.GraphQLTransportWS)
				c.Init(`{"authorization":"` + authorization + `"}`)
				sub, _ := json.Marshal(map[string]any{"query": catalogueChanged, "variables": map[string]any{"since": head.CatalogueCursor}})
				c.Send(streamtest.Message("subscribe", "1", string(sub)))
				return c
			}
			anonymous := follow("")
			// A cursor that is not one, or is ahead of the log, is refused at once.
			for i, since := range []string{"x", "-1", "99999999"} {
				c := streamtest.Dial(t, url, nil, stream.GraphQLTransportWS)
				c.Init("")
				id := strconv.Itoa(i)
				sub, _ := json.Marshal(map[string]any{"query": catalogueChanged, "variables": map[string]any{"since": since}})
				c.Send(streamtest.Message("subscribe", id, string(sub)))
				if m := c.Read(); m.ID != id || !strings.Contains(string(m.Payload), "BAD_USER_INPUT") {
					t.Errorf("since %q: %s %s", since, m.Type, m.Payload)
				}
			}
			organiser := follow(a.key(t, auth.Organiser, "").Get("Authorization"))

			edit := func(input map[string]any) {
				t.Helper()
				r := operation(t, "EditProduct", map[string]any{"id": productID, "input": input})
				r.header = owner
				a.ok(t, r, &struct{}{})
			}
			edit(map[string]any{"available": false})
			edit(map[string]any{"published": false})
			edit(map[string]any{"available": true}) // while unpublished
			edit(map[string]any{"published": true})

			next := func(c *streamtest.Client) catalogueChange {
				t.Helper()
				m := c.Expect("next", "1")
				var p struct {
					Data   struct{ CatalogueChanged catalogueChange }
					Errors []any
				}
				if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 {
					t.Fatalf("%s: %v", m.Payload, err)
				}
				return p.Data.CatalogueChanged
			}
			// The node is the product as it is when the change is delivered; the live changes
			// are delivered as they commit, so each sees the product as the next edit found it
			// or later: only the last one's is sure.
			organiserKinds := []string{"UPDATED", "UPDATED", "UPDATED", "UPDATED"}
			for i, want := range organiserKinds {
				if got := next(organiser); got.Kind != want || got.EntityID != productID {
					t.Fatalf("organiser: change %d is %+v, want %s", i, got, want)
				}
			}
			for i, want := range []string{"UPDATED", "DELETED", "CREATED"} {
				got := next(anonymous)
				if got.Kind != want || got.EntityID != productID {
					t.Fatalf("anonymous: change %d is %+v, want %s", i, got, want)
				}
				if want == "DELETED" && got.Node != nil {
					t.Errorf("anonymous: the deletion has a node")
				}
				if want == "CREATED" && (got.Node == nil || got.Node.Available == nil || !*got.Node.Available) {
					t.Errorf("anonymous: the product published again is %+v", got.Node)
				}
			}
		})
	}
}

// codeOf sends r and returns the code of the answer's first error; "" when it has none.
func (a *api) codeOf(t *testing.T, r request) string {
	t.Helper()
	res := a.post(t, r)
	if len(res.Errors) == 0 {
		return ""
	}
	return res.Errors[0].code()
}

// as returns r sent with the key of header.
func as(header http.Header, r request) request {
	r.header = header
	return r
}

// webhookList is the answer to the contract's Webhooks.
type webhookList struct {
	Webhooks []struct {
		ID, URL    string
		Events     []string
		Disabled   bool
		Deliveries []struct {
			ID, Event, Status string
			Attempts          int
			LastError         *string
			At                time.Time
		}
	}
}

// TestWebhooksAPI registers, lists and deletes webhooks through the contract's operations:
// partners and organisers have them, each partner key sees and deletes its own only, the
// organiser sees all; an exhibitor's key and a caller without a key have none; a URL the
// operator does not allow is refused; a change of the catalogue is listed among the
// webhook's deliveries.
func TestWebhooksAPI(t *testing.T) {
	a := newAPI(t, "sqlite", "--webhook-allow-http=127.0.0.1", "--webhook-allow-private")
	p, err := a.client.Product.Query().Where(product.Listed(true)).First(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	partner, other := a.key(t, auth.Partner, ""), a.key(t, auth.Partner, "")
	organiser, owner := a.key(t, auth.Organiser, ""), a.key(t, auth.Exhibitor, p.ExhibitorID)
	create := func(url string, events ...string) request {
		return operation(t, "CreateWebhook", map[string]any{"url": url, "events": events})
	}
	for _, tt := range []struct {
		name string
		r    request
		code string
	}{
		{"an exhibitor's key", as(owner, create("http://127.0.0.1:9/hook", "CATALOGUE_CHANGED")), "FORBIDDEN"},
		{"no key", create("http://127.0.0.1:9/hook", "CATALOGUE_CHANGED"), "FORBIDDEN"},
		{"not a URL", as(partner, create("partner.example/hook", "CATALOGUE_CHANGED")), "BAD_USER_INPUT"},
		{"ftp", as(partner, create("ftp://partner.example/hook", "CATALOGUE_CHANGED")), "BAD_USER_INPUT"},
		{"plain http elsewhere", as(partner, create("http://partner.example/hook", "CATALOGUE_CHANGED")), "BAD_USER_INPUT"},
		{"a password in the URL", as(partner, create("https://user:secret@partner.example/hook", "CATALOGUE_CHANGED")), "BAD_USER_INPUT"},
		{"no event", as(partner, create("https://partner.example/hook")), "BAD_USER_INPUT"},
		{"an unknown event", as(partner, create("https://partner.example/hook", "EVERYTHING")), "BAD_USER_INPUT"},
	} {
		if got := a.codeOf(t, tt.r); got != tt.code {
			t.Errorf("%s: %q, want %s", tt.name, got, tt.code)
		}
	}

	var made struct {
		CreateWebhook struct {
			Webhook struct {
				ID, URL string
				Events  []string
			}
			Secret string
		}
	}
	a.ok(t, as(partner, create("http://127.0.0.1:9/hook", "CATALOGUE_CHANGED", "PROGRAMME_CHANGED", "CATALOGUE_CHANGED")), &made)
	w := made.CreateWebhook
	if !strings.HasPrefix(w.Secret, "whsec_") || len(w.Secret) < 40 || w.Webhook.URL != "http://127.0.0.1:9/hook" ||
		!slices.Equal(w.Webhook.Events, []string{"CATALOGUE_CHANGED", "PROGRAMME_CHANGED"}) {
		t.Errorf("the webhook made: %+v", w)
	}

	list := func(header http.Header) webhookList {
		t.Helper()
		var l webhookList
		a.ok(t, as(header, operation(t, "Webhooks", nil)), &l)
		return l
	}
	if l := list(partner); len(l.Webhooks) != 1 || l.Webhooks[0].ID != w.Webhook.ID || l.Webhooks[0].Disabled {
		t.Errorf("the partner's webhooks: %+v", l)
	}
	if l := list(other); len(l.Webhooks) != 0 {
		t.Errorf("another partner sees %d webhooks", len(l.Webhooks))
	}
	if l := list(organiser); len(l.Webhooks) != 1 {
		t.Errorf("the organiser sees %d webhooks", len(l.Webhooks))
	}
	if code := a.codeOf(t, operation(t, "Webhooks", nil)); code != "FORBIDDEN" {
		t.Errorf("webhooks without a key: %q", code)
	}
	if strings.Contains(string(a.post(t, as(organiser, request{query: `{ webhooks { id } }`})).Data), w.Secret) {
		t.Error("the secret is shown again")
	}

	// The exhibitor edits its product: the partner's webhook has a delivery to make.
	edit := operation(t, "EditProduct", map[string]any{"id": p.ID, "input": map[string]any{"available": !p.Available}})
	a.ok(t, as(owner, edit), &struct{}{})
	l := list(partner)
	if d := l.Webhooks[0].Deliveries; len(d) != 1 || d[0].Event != "CATALOGUE_CHANGED" || d[0].Status != "PENDING" || d[0].Attempts != 0 {
		t.Errorf("the deliveries after a change: %+v", d)
	}
	if _, samples := scrape(t, a, organiser); samples[`maarid_webhook_deliveries{status="PENDING"}`] != 1 || samples[`maarid_webhook_deliveries{status="DELIVERED"}`] != 0 {
		t.Errorf("/metrics: %v pending, %v delivered", samples[`maarid_webhook_deliveries{status="PENDING"}`], samples[`maarid_webhook_deliveries{status="DELIVERED"}`])
	}

	del := operation(t, "DeleteWebhook", map[string]any{"id": w.Webhook.ID})
	if code := a.codeOf(t, as(other, del)); code != "NOT_FOUND" {
		t.Errorf("another partner deletes the webhook: %q", code)
	}
	var deleted struct{ DeleteWebhook string }
	a.ok(t, as(partner, del), &deleted)
	if deleted.DeleteWebhook != w.Webhook.ID || len(list(organiser).Webhooks) != 0 {
		t.Errorf("deleted %q; the organiser still sees %d", deleted.DeleteWebhook, len(list(organiser).Webhooks))
	}
	if code := a.codeOf(t, as(partner, del)); code != "NOT_FOUND" {
		t.Errorf("deleting it again: %q", code)
	}
	for _, id := range []string{"", "whk_", "prd_01CK877CBDSQ9YTMRYBTY5QC2T", "whk_\u0000" + strings.Repeat("x", 1<<16)} {
		if code := a.codeOf(t, as(partner, operation(t, "DeleteWebhook", map[string]any{"id": id}))); code != "BAD_USER_INPUT" {
			t.Errorf("deleting the webhook %.20q: %q", id, code)
		}
	}
	huge := create("https://partner.example/"+strings.Repeat("a", 3000), "CATALOGUE_CHANGED")
	if code := a.codeOf(t, as(partner, huge)); code != "BAD_USER_INPUT" {
		t.Errorf("a URL of 3,000 characters: %q", code)
	}
	if code := a.codeOf(t, as(partner, request{query: `{ webhooks { deliveries(first: -1) { id } } }`})); code != "BAD_USER_INPUT" {
		t.Errorf("deliveries(first: -1): %q", code)
	}

	// As deployed by default: https to public addresses only.
	strict := newAPI(t, "sqlite")
	key := strict.key(t, auth.Partner, "")
	for _, u := range []string{"http://127.0.0.1:9/hook", "https://127.0.0.1/hook", "https://169.254.169.254/latest", "https://[::1]/", "https://localhost/hook", "https://10.1.2.3/"} {
		if code := strict.codeOf(t, as(key, create(u, "CATALOGUE_CHANGED"))); code != "BAD_USER_INPUT" {
			t.Errorf("%s: %q, want BAD_USER_INPUT", u, code)
		}
	}
	if code := strict.codeOf(t, as(key, create("https://partner.example/hook", "CATALOGUE_CHANGED"))); code != "" {
		t.Errorf("a public https URL: %q", code)
	}
}

// TestCatalogueChangesThroughAPI follows the log with the contract's operations: the cursor,
// then pages of changes with the products' nodes; a page too large for a caller without a key
// is refused, a partner's is not; a cursor that is not one is BAD_USER_INPUT.
func TestCatalogueChangesThroughAPI(t *testing.T) {
	a := newAPI(t, "sqlite")
	partner := a.key(t, auth.Partner, "")
	var head struct{ CatalogueCursor string }
	a.ok(t, as(partner, operation(t, "CatalogueCursor", nil)), &head)
	ps, err := a.client.Product.Query().Where(product.Listed(true)).Limit(3).All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	owner := a.key(t, auth.Exhibitor, ps[0].ExhibitorID)
	a.ok(t, as(owner, operation(t, "EditProduct", map[string]any{"id": ps[0].ID, "input": map[string]any{"published": false}})), &struct{}{})
	a.ok(t, as(owner, operation(t, "EditProduct", map[string]any{"id": ps[0].ID, "input": map[string]any{"published": true}})), &struct{}{})

	type page struct {
		CatalogueChanges struct {
			Cursor  string
			HasMore bool
			Changes []struct {
				Cursor, Kind, Entity, EntityID string
				Node                           *struct {
					ID        string
					UpdatedAt *time.Time
				}
			}
		}
	}
	var got page
	a.ok(t, as(partner, operation(t, "CatalogueChanges", map[string]any{"since": head.CatalogueCursor})), &got)
	c := got.CatalogueChanges
	if len(c.Changes) != 2 || c.HasMore || c.Cursor != c.Changes[1].Cursor ||
		c.Changes[0].Kind != "DELETED" || c.Changes[0].Node != nil ||
		c.Changes[1].Kind != "CREATED" || c.Changes[1].Node == nil || c.Changes[1].Node.UpdatedAt == nil {
		t.Errorf("the changes: %+v", c)
	}
	if code := a.codeOf(t, operation(t, "CatalogueChanges", map[string]any{"since": "0"})); code != "BAD_USER_INPUT" {
		t.Errorf("a page of 500 without a key: %q", code)
	}
	var all page
	a.ok(t, operation(t, "CatalogueChanges", map[string]any{"since": "0", "first": 100}), &all)
	if len(all.CatalogueChanges.Changes) == 0 || !all.CatalogueChanges.HasMore {
		t.Errorf("the log from its start: %d changes, more %v", len(all.CatalogueChanges.Changes), all.CatalogueChanges.HasMore)
	}
	for _, since := range []string{"-1", "x", "99999999", "1\u00002", ""} {
		if code := a.codeOf(t, as(partner, operation(t, "CatalogueChanges", map[string]any{"since": since}))); code != "BAD_USER_INPUT" {
			t.Errorf("since %q: %q", since, code)
		}
	}
	if code := a.codeOf(t, as(partner, operation(t, "CatalogueChanges", map[string]any{"since": "0", "first": 0}))); code != "BAD_USER_INPUT" {
		t.Errorf("a page of 0: %q", code)
	}
}

// TestProgrammeWebhooks has an organiser's and a partner's webhook told of the programme's
// changes: each change is in the outbox for both, with its kind, session and reason, except
// that the partner, who may not see unpublished sessions, is told of an unpublication as an
// update and of nothing that happens to the session while it is unpublished.
func TestProgrammeWebhooks(t *testing.T) {
	a := newAPI(t, "sqlite", "--webhook-allow-http=127.0.0.1", "--webhook-allow-private")
	organiser, partner := a.key(t, auth.Organiser, ""), a.key(t, auth.Partner, "")
	hook := func(key http.Header) string {
		var made struct {
			CreateWebhook struct{ Webhook struct{ ID string } }
		}
		a.ok(t, as(key, operation(t, "CreateWebhook", map[string]any{"url": "http://127.0.0.1:9/", "events": []string{"PROGRAMME_CHANGED"}})), &made)
		return made.CreateWebhook.Webhook.ID
	}
	toOrganiser, toPartner := hook(organiser), hook(partner)
	s, _ := a.twoSessions(t)
	change := func(r request) {
		t.Helper()
		a.ok(t, as(organiser, r), &struct{}{})
	}
	change(operation(t, "CancelSession", map[string]any{"id": s.ID, "reason": "the trainer's bus is late"}))
	change(request{query: `mutation($id: ID!) { updateSession(id: $id, input: {published: false}, reason: "the trainer withdrew") { id } }`, variables: map[string]any{"id": s.ID}})
	change(operation(t, "RestoreSession", map[string]any{"id": s.ID}))

	told := func(webhookID string) []map[string]any {
		t.Helper()
		ds, err := a.client.WebhookDelivery.Query().Where(webhookdelivery.WebhookID(webhookID)).Order(webhookdelivery.BySeq()).All(auth.System(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]any
		for _, d := range ds {
			var body map[string]any
			if err := json.Unmarshal([]byte(d.Payload), &body); err != nil {
				t.Fatal(err)
			}
			if body["event"] != "PROGRAMME_CHANGED" || body["entity"] != "SESSION" || body["entityID"] != s.ID || body["cursor"] != strconv.FormatInt(d.Seq, 10) {
				t.Errorf("a delivery: %s", d.Payload)
			}
			out = append(out, body)
		}
		return out
	}
	kinds := func(bodies []map[string]any) []string {
		var out []string
		for _, b := range bodies {
			out = append(out, b["kind"].(string))
		}
		return out
	}
	all := told(toOrganiser)
	if got := kinds(all); !slices.Equal(got, []string{"CANCELLED", "UPDATED", "RESTORED"}) {
		t.Errorf("the organiser's webhook is told %v", got)
	}
	if all[0]["reason"] != "the trainer's bus is late" {
		t.Errorf("the cancellation's reason: %v", all[0]["reason"])
	}
	if all[1]["reason"] != "the trainer withdrew" {
		t.Errorf("the unpublication's reason, to the organiser: %v", all[1]["reason"])
	}
	partnerTold := told(toPartner)
	if got := kinds(partnerTold); !slices.Equal(got, []string{"CANCELLED", "UPDATED"}) {
		t.Errorf("the partner's webhook is told %v, want the cancellation and the unpublication only", got)
	} else if reason, said := partnerTold[1]["reason"]; said {
		t.Errorf("the partner is told why an unpublished session was unpublished: %v", reason)
	}
}
