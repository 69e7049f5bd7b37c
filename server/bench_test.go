package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
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
