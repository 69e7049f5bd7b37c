package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"maarid/auth"
	"maarid/ent"
	"maarid/ent/product"
	"maarid/i18n"
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

func TestResponseCacheBounds(t *testing.T) {
	client := ent.NewClient()
	c := newResponseCache(client, 1000, newBudgets(testConfig(t)), costs{})
	put := func(key string, size int) {
		c.put(&cachedResponse{key: key, version: c.version.Load(), body: make([]byte, size)})
	}
	put("a", 90)
	put("b", 90)
	put("huge", 200) // more than an eighth of the cache: not kept
	if c.get("huge", c.version.Load()) != nil {
		t.Error("an answer larger than an eighth of the cache was kept")
	}
	for i := range 12 {
		put(string(rune('c'+i)), 90)
	}
	if c.get("a", c.version.Load()) != nil || c.bytes > 1000 {
		t.Errorf("the oldest answer outlived the budget: %d bytes kept", c.bytes)
	}
	c.put(&cachedResponse{key: "stale", version: c.version.Load() + 1, body: []byte("{}")})
	if c.get("stale", c.version.Load()) != nil {
		t.Error("an answer computed under another version was kept")
	}
	version := c.version.Load()
	put("z", 10)
	c.version.Add(1)
	if c.get("z", version+1) != nil {
		t.Error("an answer outlived a write")
	}
}
