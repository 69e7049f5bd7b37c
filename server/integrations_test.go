package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"maarid/auth"
	"maarid/ent/product"
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
