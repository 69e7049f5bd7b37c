package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"maarid/auth"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/store/storetest"
)

// BenchmarkProductCatalogue serves the visitor catalogue page (in Arabic) through the whole
// HTTP handler in-process, without the response cache, and reports the SQL statements each
// page costs; "cached" serves it from the response cache.
//
//	go test ./server -run '^$' -bench ProductCatalogue -benchmem
func BenchmarkProductCatalogue(b *testing.B) {
	for _, bench := range []struct {
		first int
		flags []string
	}{{5, nil}, {24, nil}, {100, nil}, {24, []string{"--response-cache-mb=64"}}} {
		name := "first=" + strconv.Itoa(bench.first)
		if bench.flags != nil {
			name += "/cached"
		}
		first := bench.first
		b.Run(name, func(b *testing.B) {
			a := newAPI(b, "sqlite", bench.flags...)
			r := operation(b, "ProductCatalogue", map[string]any{"first": first, "lang": "AR"})
			body, err := json.Marshal(map[string]any{"query": r.query, "operationName": r.operation, "variables": r.variables})
			if err != nil {
				b.Fatal(err)
			}
			serve := func() *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept-Language", "ar")
				rec := httptest.NewRecorder()
				a.handler.ServeHTTP(rec, req)
				return rec
			}
			if rec := serve(); rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
				b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			a.counter.Reset()
			b.ResetTimer()
			for b.Loop() {
				serve()
			}
			b.ReportMetric(float64(a.counter.Statements())/float64(b.N), "statements/op")
		})
	}
}

// BenchmarkRefusals measures what each abusive request (deep, wide, aliased, batched, huge
// pages…) costs the server to refuse, through the whole HTTP handler in-process, beside a
// cheap query answered in full:
// the time per refusal is its CPU time, the handler running on one goroutine.
//
//	go test ./server -run '^$' -bench Refusals -benchmem
func BenchmarkRefusals(b *testing.B) {
	aliases := func(n int) string {
		var s strings.Builder
		for i := range n {
			fmt.Fprintf(&s, "a%d: __typename ", i)
		}
		return s.String()
	}
	nested := func(levels int) string {
		return strings.Repeat("products(first: 1) { edges { node { exhibitor { ", levels) + "id" + strings.Repeat(" } } } }", levels)
	}
	query := func(q string) []byte {
		body, _ := json.Marshal(map[string]any{"query": q})
		return body
	}
	a := newAPI(b, "sqlite")
	for _, bench := range []struct {
		name   string
		body   []byte
		status int
	}{
		{"cheap query (answered)", query(`{ fairs(first: 1) { totalCount } }`), 200},
		{"20,000 fields, 220 kB", query("query Q { " + strings.Repeat("__typename ", 20000) + "}"), 400},
		{"5,000 aliased root fields", query("query Q { " + aliases(5000) + "}"), 400},
		{"25 levels", query("{ " + nested(25) + " }"), 400},
		{"pages in pages in pages", query(`{ exhibitors(first: 100) { edges { node { products(first: 100) { edges { node { exhibitor { products(first: 100) { edges { node { id } } } } } } } } } } }`), 400},
		{"sessions in fairs, 174 bytes", query("{" + strings.Repeat("sessions(first:100){edges{node{fair{", 4) + "id" + strings.Repeat("}}}}", 4) + "}"), 400},
		{"a body of 30 MB", bytes.Repeat([]byte(" "), 30<<20), 413},
	} {
		b.Run(bench.name, func(b *testing.B) {
			serve := func() int {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(bench.body))
				req.ContentLength = -1 // the size unannounced: the server reads up to its bound
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/graphql-response+json")
				rec := httptest.NewRecorder()
				a.handler.ServeHTTP(rec, req)
				return rec.Code
			}
			if status := serve(); status != bench.status {
				b.Fatalf("status %d, want %d", status, bench.status)
			}
			for b.Loop() {
				serve()
			}
		})
	}
}

// BenchmarkExhibitorEdits has exhibitors edit their own products through the whole HTTP
// handler, eight at once, each with its key: an EditProduct that turns available on or off,
// in its transaction with whatever it writes beside the product (the search index, the
// catalogue's change log and webhooks' deliveries). "webhooks=100" has 100 webhooks
// registered, each told of the catalogue's changes.
//
//	MAARID_TEST_POSTGRES_URL=… go test ./server -run '^$' -bench ExhibitorEdits -benchtime 2000x
func BenchmarkExhibitorEdits(b *testing.B) {
	for _, kind := range storetest.Kinds() {
		for _, hooks := range []int{0, 100} {
			b.Run(fmt.Sprintf("%s/webhooks=%d", kind, hooks), func(b *testing.B) {
				a := newAPI(b, kind, "--webhook-allow-private", "--webhook-allow-http=127.0.0.1")
				sys := auth.System(context.Background())
				partner := a.key(b, auth.Partner, "")
				for i := range hooks {
					r := operation(b, "CreateWebhook", map[string]any{"url": fmt.Sprintf("http://127.0.0.1:9/%d", i), "events": []string{"CATALOGUE_CHANGED"}})
					r.header = partner
					a.ok(b, r, &struct{}{})
				}
				exhibitors, err := a.client.Exhibitor.Query().Where(exhibitor.HasProducts()).Limit(8).All(sys)
				if err != nil || len(exhibitors) < 8 {
					b.Fatalf("%d exhibitors with products: %v", len(exhibitors), err)
				}
				type editor struct {
					key     http.Header
					product string
				}
				editors := make(chan editor, len(exhibitors))
				for _, e := range exhibitors {
					p, err := a.client.Product.Query().Where(product.ExhibitorID(e.ID)).First(sys)
					if err != nil {
						b.Fatal(err)
					}
					editors <- editor{key: a.key(b, auth.Exhibitor, e.ID), product: p.ID}
				}
				b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					me := <-editors
					r := operation(b, "EditProduct", nil)
					r.header = me.key
					for i := 0; pb.Next(); i++ {
						r.variables = map[string]any{"id": me.product, "input": map[string]any{"available": i%2 == 0}}
						if res := a.post(b, r); res.status != http.StatusOK || len(res.Errors) > 0 {
							b.Errorf("EditProduct: %d %+v", res.status, res.Errors)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "edits/s")
			})
		}
	}
}
