package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"maarid/auth"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/i18n"
	"maarid/store"
	"maarid/store/storetest"
)

const cheapestProduct = `{ products(first: 1, orderBy: [{field: PRICE, direction: ASC}]) { edges { node { id name } } } }`

func productName(t *testing.T, res response) string {
	t.Helper()
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	i := strings.Index(string(res.Data), `"name":`)
	if i < 0 {
		t.Fatalf("no name in %s", res.Data)
	}
	return string(res.Data[i:])
}

func TestResponseCache(t *testing.T) {
	a := newAPI(t, "sqlite", "--response-cache-mb=8")
	ctx := auth.System(context.Background())
	cheapest, err := a.client.Product.Query().Order(product.ByPriceMinorUnits(), product.ByNameSortAr(), product.ByID()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ask := func(header http.Header) response {
		t.Helper()
		return a.post(t, request{query: cheapestProduct, header: header})
	}
	hit := func(res response) bool { return res.header.Get("X-Cache") == "hit" }

	first := ask(acceptLanguage("fr"))
	a.counter.Reset()
	again := ask(acceptLanguage("fr"))
	if !hit(again) || productName(t, again) != productName(t, first) || a.counter.Statements() != 0 {
		t.Fatalf("the same query again: hit %v, %d statements, %s", hit(again), a.counter.Statements(), again.Data)
	}

	t.Run("per language", func(t *testing.T) {
		ar := ask(acceptLanguage("ar"))
		if hit(ar) || !strings.Contains(productName(t, ar), cheapest.Name[i18n.AR]) {
			t.Errorf("an Arabic reader got the French answer: %s", ar.Data)
		}
	})
	t.Run("per caller", func(t *testing.T) {
		partner := a.key(t, auth.Partner, "")
		partner.Set("Accept-Language", "fr")
		if res := ask(partner); hit(res) || len(res.Errors) > 0 {
			t.Errorf("an answer was shared between two callers: hit %v, %v", hit(res), res.Errors)
		}
		if res := ask(partner); !hit(res) {
			t.Error("the partner's own answer was not kept")
		}
	})
	t.Run("asked not to", func(t *testing.T) {
		if res := ask(http.Header{"Accept-Language": {"fr"}, "Cache-Control": {"no-cache"}}); hit(res) {
			t.Error("Cache-Control: no-cache was served from the cache")
		}
	})
	t.Run("a write makes it fresh", func(t *testing.T) {
		renamed := i18n.Text{i18n.AR: cheapest.Name[i18n.AR], i18n.FR: "Miel renommé"}
		if _, err := a.client.Product.UpdateOne(cheapest).SetName(renamed).Save(ctx); err != nil {
			t.Fatal(err)
		}
		res := ask(acceptLanguage("fr"))
		if hit(res) || !strings.Contains(productName(t, res), "Miel renommé") {
			t.Errorf("after a write: hit %v, %s", hit(res), res.Data)
		}
	})
	t.Run("a transaction makes it fresh when it commits", func(t *testing.T) {
		ask(acceptLanguage("fr"))
		tx, err := a.client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Product.UpdateOneID(cheapest.ID).SetName(i18n.Text{i18n.FR: "Miel du col"}).Save(ctx); err != nil {
			t.Fatal(err)
		}
		if res := ask(acceptLanguage("fr")); !hit(res) {
			t.Error("a write not yet committed emptied the cache")
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if res := ask(acceptLanguage("fr")); hit(res) || !strings.Contains(productName(t, res), "Miel du col") {
			t.Errorf("after the commit: hit %v, %s", hit(res), res.Data)
		}
	})
	t.Run("mutations are not kept", func(t *testing.T) {
		before, err := a.client.Product.Query().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r := operation(t, "AddProduct", map[string]any{"input": map[string]any{
			"exhibitorID": cheapest.ExhibitorID,
			"name":        []map[string]any{{"lang": "FR", "value": "Miel de lavande"}},
			"price":       map[string]any{"minorUnits": 12000},
		}})
		r.header = a.key(t, auth.Organiser, "")
		for range 2 {
			if res := a.post(t, r); hit(res) || len(res.Errors) > 0 {
				t.Fatalf("hit %v, %v", hit(res), res.Errors)
			}
		}
		if after, _ := a.client.Product.Query().Count(ctx); after != before+2 {
			t.Errorf("two mutations made %d products", after-before)
		}
	})
	t.Run("errors are not kept", func(t *testing.T) {
		q := request{query: `{ node(id: "prd_01CK877C00NP7RZEQ6K743KN3N") { id } }`}
		a.post(t, q)
		if res := a.post(t, q); hit(res) || len(res.Errors) == 0 {
			t.Errorf("an answer with errors was kept: %+v", res)
		}
	})
}

// TestResponseCacheBounds keeps answers in a cache of 1,000 bytes: a large one is not kept,
// the oldest go first, and one is kept only while the tables it read stay as they were.
func TestResponseCacheBounds(t *testing.T) {
	client := storetest.Open(t, "sqlite")
	c := newResponseCache(client, 1000, newBudgets(testConfig(t)), costs{})
	ctx := auth.System(context.Background())
	reading := func(read func(context.Context) error) store.Tables {
		t.Helper()
		ctx, reads := store.Recording(ctx)
		if err := read(ctx); err != nil {
			t.Fatal(err)
		}
		return reads.Tables()
	}
	products := reading(func(ctx context.Context) error { _, err := client.Product.Query().Count(ctx); return err })
	sessions := reading(func(ctx context.Context) error { _, err := client.Session.Query().Count(ctx); return err })
	if products == 0 || sessions == 0 || products&sessions != 0 {
		t.Fatalf("the tables read: %b and %b", products, sessions)
	}
	put := func(key string, size int, read store.Tables) {
		since, _ := c.changes.Now()
		c.put(&cachedResponse{key: key, since: since, read: read, body: make([]byte, size)})
	}
	put("a", 90, products)
	put("b", 90, products)
	put("huge", 200, products) // more than an eighth of the cache: not kept
	if c.get("huge") != nil {
		t.Error("an answer larger than an eighth of the cache was kept")
	}
	for i := range 12 {
		put(string(rune('c'+i)), 90, products)
	}
	if c.get("a") != nil || c.bytes > 1000 {
		t.Errorf("the oldest answer outlived the budget: %d bytes kept", c.bytes)
	}

	since, _ := c.changes.Now()
	if err := client.Session.Update().SetSeatsLeft(3).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	c.put(&cachedResponse{key: "stale", since: since, read: sessions, body: []byte("{}")})
	if c.get("stale") != nil {
		t.Error("an answer whose tables changed while it was computed was kept")
	}
	put("products", 10, products)
	put("sessions", 10, sessions)
	if err := client.Session.Update().SetSeatsLeft(4).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if c.get("sessions") != nil {
		t.Error("an answer outlived a write to a table it read")
	}
	if c.get("products") == nil {
		t.Error("a write to the sessions cost an answer that read only the products")
	}
}

// TestResponseCacheBusyFair registers visitors for a workshop while the catalogue is asked for:
// the registrations change the sessions and the registrations, which the catalogue's answer
// never read, so it stays in the cache; the programme's, which read the sessions, does not.
func TestResponseCacheBusyFair(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind, "--response-cache-mb=8")
			catalogue := operation(t, "ProductCatalogue", map[string]any{"lang": "FR"})
			programme := operation(t, "Programme", map[string]any{"lang": "FR"})
			cached(t, a, catalogue)
			cached(t, a, programme)
			s, err := a.client.Session.Query().Where(session.SeatsLeftGT(3), session.Published(true)).First(auth.System(context.Background()))
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				var out any
				a.ok(t, operation(t, "Register", map[string]any{"session": s.ID, "name": "Visiteur", "email": fmt.Sprintf("visiteur%d@example.ma", i)}), &out)
			}
			if res := a.post(t, catalogue); res.header.Get("X-Cache") != "hit" {
				t.Error("registrations emptied the catalogue's answer")
			}
			if res := a.post(t, programme); res.header.Get("X-Cache") == "hit" {
				t.Error("the programme's answer outlived registrations that changed its seats")
			}
		})
	}
}

// cached asks r until it is answered from the cache: at once on SQLite, once its notifications'
// connection is made on PostgreSQL.
func cached(t *testing.T, a *api, r request) response {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		res := a.post(t, r)
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %+v", r.operation, res.Errors)
		}
		if res.header.Get("X-Cache") == "hit" {
			return res
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is never answered from the cache", r.operation)
		}
	}
}

// TestResponseCacheComputesOnce sends sixteen requests for one answer at once, on an empty
// cache: one computes it, with the statements one request takes, and the others wait for it.
func TestResponseCacheComputesOnce(t *testing.T) {
	a := newAPI(t, "sqlite", "--response-cache-mb=8")
	a.counter.Reset()
	a.post(t, operation(t, "ProductCatalogue", map[string]any{"lang": "FR"}))
	one := a.counter.Statements()
	r := operation(t, "ProductCatalogue", map[string]any{"lang": "AR"})
	a.counter.Reset()
	var wg sync.WaitGroup
	var hits atomic.Int32
	for range 16 {
		wg.Go(func() {
			if res := a.post(t, r); res.header.Get("X-Cache") == "hit" {
				hits.Add(1)
			}
		})
	}
	wg.Wait()
	if n := a.counter.Statements(); n != one || hits.Load() != 15 {
		t.Errorf("16 requests at once: %d statements, one request's %d; %d answered from the cache", n, one, hits.Load())
	}
}

// TestResponseCacheAcrossInstances serves one PostgreSQL database from two instances: a write
// through one reaches the other's cache within moments.
func TestResponseCacheAcrossInstances(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		if kind != "postgres" {
			continue // one SQLite file is served by one server
		}
		a := newAPI(t, kind, "--response-cache-mb=8")
		b := a.anotherInstance(t, "--response-cache-mb=8")
		ctx := auth.System(context.Background())
		cheapest, err := a.client.Product.Query().Order(product.ByPriceMinorUnits(), product.ByNameSortAr(), product.ByID()).First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r := request{query: cheapestProduct, header: acceptLanguage("fr")}
		cached(t, b, r)
		r.header = acceptLanguage("fr")
		if _, err := a.client.Product.UpdateOne(cheapest).SetName(i18n.Text{i18n.AR: cheapest.Name[i18n.AR], i18n.FR: "Miel d'Anergui"}).Save(ctx); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for !strings.Contains(productName(t, b.post(t, r)), "Miel d'Anergui") {
			if time.Since(start) > 5*time.Second {
				t.Fatal("the other instance still serves the answer from before the write")
			}
			time.Sleep(time.Millisecond)
		}
		t.Logf("the other instance served the write after %s", time.Since(start))
		if res := cached(t, b, r); !strings.Contains(productName(t, res), "Miel d'Anergui") {
			t.Errorf("the other instance then keeps the old answer: %s", res.Data)
		}
	}
}
