package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
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
